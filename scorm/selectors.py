"""Reads for SCORM: what a lesson page shows, and the player's starting state."""

from django.conf import settings
from django.urls import reverse

from scorm import cmi
from scorm.models import PackageStatus, ScormAttempt
from scorm.tokens import Launch, launch_token


def content_origin() -> str:
    return (getattr(settings, "SCORM_CONTENT_ORIGIN", "") or "").rstrip("/")


def lesson_launch_context(*, lesson, request) -> dict:
    """The lesson page's player: an iframe on the content origin, or why not.

    Starting (or resuming) the learner's attempt is the one write: the course gate
    (`course_child_serve`) has already checked the enrolment.
    """
    from scorm.services import scorm_attempt_start

    package = lesson.package
    if getattr(request, "is_preview", False) or not request.user.is_authenticated:
        return {"scorm_state": "preview", "package": package}
    if package.status != PackageStatus.READY:
        return {"scorm_state": package.status, "package": package}
    origin = content_origin()
    if not origin:
        return {"scorm_state": "unconfigured", "package": package}
    attempt = scorm_attempt_start(user=request.user, lesson=lesson)
    token = launch_token(
        Launch(
            user_id=request.user.pk,
            attempt_id=attempt.pk,
            package_id=package.pk,
            lesson_id=lesson.pk,
            platform_origin=f"{request.scheme}://{request.get_host()}",
        )
    )
    path = reverse("scorm_player", urlconf="scorm.content_urls", args=[token])
    return {
        "scorm_state": "ready",
        "package": package,
        "attempt": attempt,
        "player_url": origin + path,
    }


def player_state(*, attempt: ScormAttempt, item: dict) -> dict:
    """The values a SCO starts with: stored data (to resume) and the learner."""
    user = attempt.user
    name = user.get_full_name() or user.get_username()
    if attempt.package.standard == "scorm12" and user.last_name:
        name = f"{user.last_name}, {user.first_name}"
    return cmi.initial_values(
        standard=attempt.package.standard,
        attempt=attempt,
        learner_id=str(user.pk),
        learner_name=name,
        item=item,
    )
