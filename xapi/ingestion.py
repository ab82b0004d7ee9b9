"""Incoming statements as learning events: an external completion completes a lesson.

A statement a client stores counts on the platform when its verb is ADL
"completed" or "passed", its object is a platform course or lesson (an activity
IRI `{SITE_URL}/xapi/activities/<course|lesson>/<key>`, or an IRI staff mapped in
the admin) and its actor is a platform learner (an account agent on SITE_URL, or
the mbox of a verified e-mail address). The courses service then completes the
lesson (or the course, when its requirements are met) once per learner, and the
outcome is kept once per statement id. Statements the platform materialised
itself (no client; authority: the platform) are never taken in: no loop.

Intake runs after the statements commit, in a Celery task enqueued on commit,
with a beat-scheduled sweep as the safety net: storing statements never waits on
(or fails because of) the courses service.
"""

import logging
import uuid

from django.db import transaction

from xapi.models import ActivityMapping, AgentAccount, Statement, StatementIngestion
from xapi.platform import COMPLETED, PASSED, activities_prefix, is_platform_authority

logger = logging.getLogger(__name__)

COMPLETION_VERBS = frozenset({COMPLETED.id, PASSED.id})


def _candidate(statement: dict) -> bool:
    if statement["verb"]["id"] not in COMPLETION_VERBS:
        return False
    if is_platform_authority(statement.get("authority")):
        return False
    target = statement["object"]
    if target.get("objectType", "Activity") != "Activity":
        return False
    result = statement.get("result") or {}
    # "passed" with success false, or "completed" with completion false, says the
    # opposite of its verb: not a completion.
    return result.get("success") is not False and result.get("completion") is not False


def completion_target_for(activity_id: str) -> dict | None:
    """The course or lesson an activity IRI stands for, or None."""
    from courses.api import completion_target

    prefix = activities_prefix()
    if activity_id.startswith(prefix):
        kind, _, key = activity_id[len(prefix) :].partition("/")
        if kind in ("course", "lesson") and key and "/" not in key:
            target = completion_target(translation_key=key)
            if target is not None and target["kind"] == kind:
                return target
    mapping = (
        ActivityMapping.objects.filter(activity_iri=activity_id)
        .values_list("page_id", flat=True)
        .first()
    )
    if mapping is not None:
        return completion_target(page_id=mapping)
    return None


def learner_for(actor: dict):
    """The active platform user an actor names, or None (deny by default).

    An account agent on SITE_URL names a learner by their opaque account name; an
    mbox names them only when the address is verified. Groups, openid and
    mbox_sha1sum are not mapped.
    """
    from django.contrib.auth import get_user_model

    from xapi.platform import site_url

    if actor.get("objectType", "Agent") != "Agent":
        return None
    User = get_user_model()
    account = actor.get("account")
    if account is not None:
        if str(account.get("homePage", "")).rstrip("/") != site_url():
            return None
        try:
            name = uuid.UUID(str(account.get("name", "")))
        except ValueError:
            return None
        user_id = (
            AgentAccount.objects.filter(name=name)
            .values_list("user_id", flat=True)
            .first()
        )
        return User.objects.filter(pk=user_id, is_active=True).first()
    mbox = actor.get("mbox", "")
    if mbox.lower().startswith("mailto:"):
        from allauth.account.models import EmailAddress

        users = list(
            User.objects.filter(
                is_active=True,
                pk__in=EmailAddress.objects.filter(
                    email__iexact=mbox[len("mailto:") :], verified=True
                ).values("user_id"),
            )[:2]
        )
        return users[0] if len(users) == 1 else None
    return None


def _complete(*, user, target: dict) -> tuple[str, str]:
    from courses.api import (
        CourseError,
        course_completion_record,
        lesson_completion_record,
    )

    try:
        # A savepoint: a refusal leaves the stored statement (and the batch) intact.
        with transaction.atomic():
            if target["kind"] == "lesson":
                lesson_completion_record(user=user, lesson_id=target["page_id"])
                return StatementIngestion.Outcome.COMPLETED, ""
            if course_completion_record(user=user, course_id=target["page_id"]):
                return StatementIngestion.Outcome.COMPLETED, ""
            return (
                StatementIngestion.Outcome.REFUSED,
                "The course's requirements are not met yet.",
            )
    except CourseError as error:
        return StatementIngestion.Outcome.REFUSED, str(error)[:255]


def _ingest_one(statement: dict, target: dict) -> str | None:
    """Take one statement in, at most once ever; the outcome, or None if done."""
    statement_id = uuid.UUID(statement["id"])
    with transaction.atomic():
        # The unique row is the claim: a concurrent run waits here, then skips.
        ingestion, created = StatementIngestion.objects.get_or_create(
            statement_id=statement_id,
            defaults={
                "target_kind": target["kind"],
                "target_key": target["key"],
                "outcome": StatementIngestion.Outcome.REFUSED,
            },
        )
        if not created:
            return None
        user = learner_for(statement["actor"])
        if user is None:
            outcome, message = (
                StatementIngestion.Outcome.REFUSED,
                "The actor is not a platform learner.",
            )
        else:
            outcome, message = _complete(user=user, target=target)
        ingestion.user = user
        ingestion.outcome = outcome
        ingestion.message = message
        ingestion.save(update_fields=["user", "outcome", "message"])
    if outcome != StatementIngestion.Outcome.COMPLETED:
        logger.info("Statement %s not taken in: %s", statement_id, message)
    return outcome


def candidate_ids(statements: list[dict]) -> list[str]:
    """The ids of statements that may be completions of platform activities."""
    return [statement["id"] for statement in statements if _candidate(statement)]


def incoming_statements_ingest(*, statement_ids: list[str]) -> int:
    """Take these stored client statements in as learning events; the completions.

    Each statement is handled once ever (its id keys the outcome row) in its own
    transaction; the courses service completes a lesson or course once per
    learner, so a second, different completion statement adds nothing. Statements
    voided before they are taken in, and the platform's own, are skipped.
    """
    rows = list(
        Statement.objects.filter(
            statement_id__in=statement_ids,
            verb_id__in=COMPLETION_VERBS,
            voided=False,
            client__isnull=False,
        )
        .order_by("pk")
        .values_list("data", flat=True)
    )
    done = {
        str(value)
        for value in StatementIngestion.objects.filter(
            statement_id__in=[row["id"] for row in rows]
        ).values_list("statement_id", flat=True)
    }
    completed = 0
    targets: dict[str, dict | None] = {}
    for statement in rows:
        if statement["id"] in done or not _candidate(statement):
            continue
        activity_id = statement["object"]["id"]
        if activity_id not in targets:
            targets[activity_id] = completion_target_for(activity_id)
        if targets[activity_id] is None:
            continue
        outcome = _ingest_one(statement, targets[activity_id])
        completed += outcome == StatementIngestion.Outcome.COMPLETED
    return completed


def incoming_statements_sweep(*, batch_size: int = 500, max_batches: int = 50) -> int:
    """Take in every completion statement stored since the last sweeps.

    The safety net behind the task enqueued at commit (a broker outage, a worker
    lost): reads client statements by id from `feed_start`, like the events feed.
    """
    from django.utils import timezone

    from xapi.platform import feed_mark, feed_start

    now = timezone.now()
    last_id = feed_start("incoming", now)
    completed = 0
    for _batch in range(max_batches):
        page = list(
            Statement.objects.filter(
                pk__gt=last_id,
                verb_id__in=COMPLETION_VERBS,
                client__isnull=False,
            )
            .order_by("pk")
            .values_list("pk", "statement_id")[:batch_size]
        )
        if not page:
            break
        completed += incoming_statements_ingest(
            statement_ids=[statement_id for _pk, statement_id in page]
        )
        last_id = page[-1][0]
        if len(page) < batch_size:
            break
    feed_mark("incoming", now, last_id)
    return completed


def incoming_statements_enqueue(statement_ids: list[str]) -> None:
    """After commit: ask a worker to take these statements in now.

    A broker failure loses nothing (the sweep takes them in later), so it is
    logged rather than turned into an error for a request already committed.
    """
    from xapi.tasks import xapi_incoming_statements_task

    try:
        xapi_incoming_statements_task.delay(statement_ids=statement_ids)
    except Exception:  # noqa: BLE001 - any broker error; the sweep is the fallback
        logger.warning(
            "Could not enqueue the intake of %d statements", len(statement_ids)
        )
