"""Short-lived signed launch tokens: the only credential the content origin accepts.

A token names one learner, one package, one attempt and the lesson that launched
it, and expires (SCORM_LAUNCH_TOKEN_MAX_AGE). It is signed with the project's
SECRET_KEY (django.core.signing), so it cannot be forged or altered; the platform's
session cookie never reaches the content origin.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "scorm.launch.v1"


class TokenError(Exception):
    """The token is forged, expired or no longer matches its attempt."""


@dataclass(frozen=True)
class Launch:
    user_id: int
    attempt_id: int
    package_id: int
    lesson_id: int
    platform_origin: str


def launch_token(launch: Launch) -> str:
    return signing.dumps(
        {
            "u": launch.user_id,
            "a": launch.attempt_id,
            "p": launch.package_id,
            "l": launch.lesson_id,
            "o": launch.platform_origin,
        },
        salt=SALT,
    )


def launch_read(token: str) -> Launch:
    """The launch a token stands for; TokenError if forged or expired."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.SCORM_LAUNCH_TOKEN_MAX_AGE
        )
        return Launch(
            user_id=int(data["u"]),
            attempt_id=int(data["a"]),
            package_id=int(data["p"]),
            lesson_id=int(data["l"]),
            platform_origin=str(data["o"]),
        )
    except signing.SignatureExpired as error:
        raise TokenError("This launch has expired: reopen the lesson.") from error
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise TokenError("This launch token is not valid.") from error
