"""The platform's own learning events, materialised as xAPI statements in the store.

Each learning event (learning.records) of a mapped type becomes one statement:
the learner as an opaque account agent, the verb from ADL (or the xAPI video
profile, or the Tin Can / Activity Streams registries where ADL has none), the
object as an activity IRI under SITE_URL, and the platform as the authority. The
statement id is uuid5 of the event's idempotency key in a per-installation
namespace, so materialising an event twice stores one statement.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from xapi.errors import XapiError
from xapi.models import AgentAccount, FeedMark, PlatformFeed, Statement
from xapi.validation import validate_statement

logger = logging.getLogger(__name__)

ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO_PLAYED = "https://w3id.org/xapi/video/verbs/played"
VIDEO_ACTIVITY = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"
PLATFORM_ACCOUNT_NAME = "platform"
# Longer than any transaction that records events may stay open (see below).
FEED_OVERLAP_SECONDS = 300


@dataclass(frozen=True)
class Verb:
    id: str
    display: str

    def as_json(self) -> dict:
        return {"id": self.id, "display": {"en-US": self.display}}


REGISTERED = Verb(ADL + "registered", "registered")
COMPLETED = Verb(ADL + "completed", "completed")
PASSED = Verb(ADL + "passed", "passed")
ATTEMPTED = Verb(ADL + "attempted", "attempted")
ATTENDED = Verb(ADL + "attended", "attended")
EXPERIENCED = Verb(ADL + "experienced", "experienced")
DOWNLOADED = Verb("http://id.tincanapi.com/verb/downloaded", "downloaded")
PLAYED = Verb(VIDEO_PLAYED, "played")
JOINED = Verb("http://activitystrea.ms/schema/1.0/join", "joined")
LEFT = Verb("http://activitystrea.ms/schema/1.0/leave", "left")

# Event type -> verb. Events not listed (certificate_issued, survey_answered) are
# not materialised: a certificate follows from the completion, and survey answers
# are private to the platform.
VERBS: dict[str, Verb] = {
    "course_enrolled": REGISTERED,
    "lesson_completed": COMPLETED,
    "course_completed": COMPLETED,
    "quiz_passed": PASSED,
    "quiz_attempted": ATTEMPTED,
    "webinar_registered": REGISTERED,
    "webinar_attended": ATTENDED,
    "session_registered": REGISTERED,
    "session_attended": ATTENDED,
    "resource_viewed": EXPERIENCED,
    "resource_downloaded": DOWNLOADED,
    "recording_viewed": PLAYED,
    "recording_downloaded": DOWNLOADED,
    "room_joined": JOINED,
    "room_left": LEFT,
}

# Records object type -> (activity kind in the IRI, activity type).
ACTIVITY_KINDS: dict[str, tuple[str, str]] = {
    "courses.coursepage": ("course", "http://adlnet.gov/expapi/activities/course"),
    "courses.modulepage": ("module", "http://adlnet.gov/expapi/activities/module"),
    "courses.lessonpage": ("lesson", "http://adlnet.gov/expapi/activities/lesson"),
    "scorm.scormlessonpage": ("lesson", "http://adlnet.gov/expapi/activities/lesson"),
    "courses.quizpage": ("quiz", "http://adlnet.gov/expapi/activities/assessment"),
    "irooms.room": ("room", "http://activitystrea.ms/schema/1.0/group"),
    "irooms.resource": ("resource", "http://id.tincanapi.com/activitytype/resource"),
    "irooms.session": ("session", "http://adlnet.gov/expapi/activities/meeting"),
    "webinars.webinar": ("webinar", "http://adlnet.gov/expapi/activities/meeting"),
    "webinars.recording": ("recording", VIDEO_ACTIVITY),
}
COURSE_TYPE = ACTIVITY_KINDS["courses.coursepage"][1]
ROOM_TYPE = ACTIVITY_KINDS["irooms.room"][1]
# An iRooms session's recording is recorded against the session.
SESSION_RECORDING = ("session-recording", VIDEO_ACTIVITY)


def site_url() -> str:
    """SITE_URL without a trailing slash: the home of learners' accounts and IRIs."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def activity_iri(kind: str, key: str) -> str:
    """`{SITE_URL}/xapi/activities/<kind>/<key>`, e.g. a course by its key."""
    return f"{site_url()}/xapi/activities/{kind}/{key}"


def activities_prefix() -> str:
    return f"{site_url()}/xapi/activities/"


def platform_authority() -> dict:
    """The authority of every statement the platform materialises (the loop guard)."""
    return {
        "objectType": "Agent",
        "name": "Learning Platform",
        "account": {"homePage": site_url(), "name": PLATFORM_ACCOUNT_NAME},
    }


def is_platform_authority(authority: dict | None) -> bool:
    account = (authority or {}).get("account") or {}
    return (
        account.get("name") == PLATFORM_ACCOUNT_NAME
        and str(account.get("homePage", "")).rstrip("/") == site_url()
    )


def agent_accounts(user_ids: set[int]) -> dict[int, str]:
    """Each learner's opaque account name, created on first use (two queries)."""
    AgentAccount.objects.bulk_create(
        [AgentAccount(user_id=user_id) for user_id in sorted(user_ids)],
        ignore_conflicts=True,
    )
    return {
        user_id: str(name)
        for user_id, name in AgentAccount.objects.filter(
            user_id__in=user_ids
        ).values_list("user_id", "name")
    }


def learner_agent(account_name: str) -> dict:
    return {
        "objectType": "Agent",
        "account": {"homePage": site_url(), "name": account_name},
    }


def feed_namespace() -> uuid.UUID:
    feed, _created = PlatformFeed.objects.get_or_create(name="platform")
    return feed.namespace


def _activity(object_type: str, event_type: str, object_id: str) -> dict:
    kind, activity_type = ACTIVITY_KINDS.get(
        object_type, (object_type.replace(".", "-"), "")
    )
    if object_type == "irooms.session" and event_type.startswith("recording_"):
        kind, activity_type = SESSION_RECORDING
    activity = {"objectType": "Activity", "id": activity_iri(kind, object_id)}
    if activity_type:
        activity["definition"] = {"type": activity_type}
    return activity


def _timestamp(instant: datetime) -> str:
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _result(event: dict) -> dict | None:
    event_type, context = event["event_type"], event["context"] or {}
    score = context.get("score")
    scored = {}
    if isinstance(score, int | float) and not isinstance(score, bool):
        score = max(0, min(100, score))
        scored = {"score": {"scaled": score / 100, "raw": score, "min": 0, "max": 100}}
    if event_type in ("lesson_completed", "course_completed"):
        return {"completion": True}
    if event_type == "quiz_passed":
        return {"success": True, "completion": True, **scored}
    if event_type == "quiz_attempted":
        return scored or None
    if event_type == "recording_viewed":
        seconds = context.get("seconds_played")
        if isinstance(seconds, int | float) and seconds >= 0:
            return {"duration": f"PT{round(float(seconds), 2)}S"}
    return None


def statement_for_event(
    event: dict, *, account_name: str, namespace: uuid.UUID
) -> dict:
    """The statement one learning event (as `events_after` returns it) becomes."""
    event_type = event["event_type"]
    context: dict = {"platform": "Learning Platform"}
    if event["language"]:
        context["language"] = event["language"]
    grouping = []
    course, room = event["course"], event["room"]
    is_course_object = event["object_type"] == "courses.coursepage"
    if course:
        # One registration per learner and course: every lesson, quiz and the
        # course itself share it, so a partner can group an attempt at the course.
        context["registration"] = str(
            uuid.uuid5(namespace, f"registration:{event['actor_id']}:{course}")
        )
        if not is_course_object:
            grouping.append(
                {
                    "objectType": "Activity",
                    "id": activity_iri("course", course),
                    "definition": {"type": COURSE_TYPE},
                }
            )
    if room and event["object_type"] != "irooms.room":
        grouping.append(
            {
                "objectType": "Activity",
                "id": activity_iri("room", room),
                "definition": {"type": ROOM_TYPE},
            }
        )
    if grouping:
        context["contextActivities"] = {"grouping": grouping}
    duration = (event["context"] or {}).get("duration")
    if event_type == "recording_viewed" and isinstance(duration, int | float):
        context["extensions"] = {VIDEO_LENGTH: float(duration)}
    statement = {
        "id": str(uuid.uuid5(namespace, event["idempotency_key"])),
        "actor": learner_agent(account_name),
        "verb": VERBS[event_type].as_json(),
        "object": _activity(event["object_type"], event_type, event["object_id"]),
        "context": context,
        "timestamp": _timestamp(event["occurred_at"]),
        "version": "1.0.0",
    }
    result = _result(event)
    if result:
        statement["result"] = result
    return statement


@transaction.atomic
def platform_statements_store(*, events: list[dict]) -> int:
    """Store the statements of these events that are not stored yet; the count.

    Serialised by an advisory lock, so overlapping runs store each statement once.
    A statement that would not validate is logged and skipped.
    """
    from xapi.services import activities_record, statement_rows_create

    events = [event for event in events if event["event_type"] in VERBS]
    if not events:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('xapi:platform-feed'))")
    namespace = feed_namespace()
    accounts = agent_accounts({event["actor_id"] for event in events})
    candidates = {}
    for event in events:
        statement = statement_for_event(
            event, account_name=accounts[event["actor_id"]], namespace=namespace
        )
        candidates[statement["id"]] = statement
    existing = {
        str(value)
        for value in Statement.objects.filter(
            statement_id__in=list(candidates)
        ).values_list("statement_id", flat=True)
    }
    now = timezone.now()
    stored = now.replace(microsecond=now.microsecond // 1000 * 1000)
    authority = platform_authority()
    new = []
    for statement_id, statement in candidates.items():
        if statement_id in existing:
            continue
        try:
            validate_statement(statement, version="1")
        except XapiError as error:
            logger.error(
                "Event statement %s does not validate: %s", statement_id, error
            )
            continue
        new.append({**statement, "stored": _timestamp(stored), "authority": authority})
    if new:
        statement_rows_create(new, stored=stored, client=None)
        activities_record(new)
    return len(new)


def feed_start(feed: str, now: datetime) -> int:
    """Where a run of `feed` starts: the last mark older than the overlap, or 0.

    Ids are taken at insert but rows become visible at commit, so a row with a
    lower id may appear after a higher one was read; re-reading the overlap window
    (cheap: processed rows are skipped) picks it up. This holds while no
    transaction that inserts rows stays open longer than the overlap.
    """
    overlap = timedelta(
        seconds=getattr(settings, "XAPI_FEED_OVERLAP_SECONDS", FEED_OVERLAP_SECONDS)
    )
    return (
        FeedMark.objects.filter(feed=feed, run_at__lte=now - overlap)
        .order_by("-run_at")
        .values_list("last_id", flat=True)
        .first()
    ) or 0


def feed_mark(feed: str, now: datetime, last_id: int) -> None:
    """Record how far a run read; keep only the marks a next run may start from."""
    overlap = timedelta(
        seconds=getattr(settings, "XAPI_FEED_OVERLAP_SECONDS", FEED_OVERLAP_SECONDS)
    )
    FeedMark.objects.create(feed=feed, run_at=now, last_id=last_id)
    old = FeedMark.objects.filter(feed=feed, run_at__lte=now - overlap)
    keep = old.order_by("-run_at").values_list("pk", flat=True).first()
    if keep is not None:
        old.exclude(pk=keep).delete()


def platform_statements_materialise(
    *, batch_size: int | None = None, max_batches: int = 50
) -> int:
    """Materialise the events recorded since the last runs; the statements stored.

    Reads from `feed_start` (a little before the last run, see there); stored
    statements are skipped, so running it twice, or concurrently, is harmless.
    """
    from learning.records.api import events_after

    batch_size = batch_size or getattr(settings, "XAPI_FEED_BATCH_SIZE", 500)
    now = timezone.now()
    last_id = feed_start("events", now)
    stored = 0
    for _batch in range(max_batches):
        events = events_after(after_id=last_id, event_types=VERBS, limit=batch_size)
        if not events:
            break
        stored += platform_statements_store(events=events)
        last_id = events[-1]["id"]
        if len(events) < batch_size:
            break
    feed_mark("events", now, last_id)
    return stored
