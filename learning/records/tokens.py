"""Reporting tokens for the training-report API: issue, revoke, list, authenticate.

Only a token's SHA-256 hash is stored; the key is returned once, when issued.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from learning.records.models import ReportingToken
from learning.records.services import RecordsError


@transaction.atomic
def reporting_token_create(
    *, user, name: str, expires_at: datetime | None = None
) -> str:
    """Issue a token for `user`; returns its key, which is never shown again.

    Raises RecordsError for an empty name or an expiry that has already passed.
    """
    if not name.strip():
        raise RecordsError("Name the token, so that you can revoke it later.")
    if expires_at is not None and expires_at <= timezone.now():
        raise RecordsError("The expiry must be in the future.")
    key = ReportingToken.new_key()
    ReportingToken.objects.create(
        user=user,
        name=name.strip()[:100],
        key_hash=ReportingToken.hash_key(key),
        expires_at=expires_at,
    )
    return key


@transaction.atomic
def reporting_token_revoke(*, token_id: int, by) -> ReportingToken:
    """Revoke a token now: its owner or a superuser may. Revoking twice is harmless.

    Raises RecordsError when the token does not exist or `by` may not revoke it.
    """
    token = reporting_tokens_visible(user=by).filter(pk=token_id).first()
    if token is None:
        raise RecordsError("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def reporting_tokens_visible(*, user) -> QuerySet[ReportingToken]:
    """The tokens `user` may see and revoke: their own, or every one for superusers."""
    tokens = ReportingToken.objects.select_related("user").order_by(
        "-created_at", "-pk"
    )
    return tokens if user.is_superuser else tokens.filter(user=user)


def reporting_token_user(key: str):
    """The owner of a usable (not revoked, not expired) token, or None.

    Marks the token used now. Whether the owner may read reports is the caller's
    check, so that a token loses its power when its owner loses theirs.
    """
    token = (
        ReportingToken.objects.select_related("user")
        .filter(key_hash=ReportingToken.hash_key(key))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    ReportingToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
