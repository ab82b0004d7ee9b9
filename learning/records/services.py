"""Writes: store events (PostgreSQL or the Redis stream), drain, roll up, surveys."""

import json
import logging
import os
import socket
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import combinations

import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from learning.records.definitions import (
    VERSIONS,
    Definitions,
    MetricRule,
    definitions_get,
    longest_view_window_seconds,
)
from learning.records.models import DirtyDay, Event, Watermark
from learning.records.sql import (
    json_number,
    rows_per_row,
    seconds_between,
    timestamp_param,
    transaction_lock,
)

logger = logging.getLogger(__name__)

EVENT_FIELDS = (
    "idempotency_key",
    "event_type",
    "actor_id",
    "object_type",
    "object_id",
    "occurred_at",
    "language",
    "country",
    "sector",
    "gender",
    "room",
    "course",
    "webinar",
    "recording",
    "context",
)


class RecordsError(Exception):
    """Bad input to the learning records; the message can be shown to a user."""


# --- storing ---------------------------------------------------------------------


def _dirty_days(instants: Iterable[datetime]) -> set[date]:
    """Days whose figures an event at `instant` can change (the next day too when a
    view window reaching past midnight could start there)."""
    window = timedelta(seconds=longest_view_window_seconds())
    days = set()
    for instant in instants:
        utc = instant.astimezone(UTC)
        days.add(utc.date())
        if (utc + window).date() != utc.date():
            days.add((utc + window).date())
    return days


def dirty_days_mark(*, days: Iterable[date]) -> None:
    """Mark days for re-roll-up; part of the caller's transaction."""
    now = timezone.now()
    rows = sorted(set(days))
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO records_dirtyday (day, marked_at) VALUES (%s, %s) "
            "ON CONFLICT (day) DO UPDATE SET marked_at = EXCLUDED.marked_at",
            [(day, timestamp_param(now)) for day in rows],
        )


@transaction.atomic
def events_store(*, payloads: list[dict], via: str = "database") -> None:
    """Insert events into PostgreSQL; an idempotency key already stored is skipped."""
    if not payloads:
        return
    events = []
    for payload in payloads:
        values = {name: payload.get(name) for name in EVENT_FIELDS}
        occurred_at = values["occurred_at"]
        if isinstance(occurred_at, str):
            values["occurred_at"] = datetime.fromisoformat(occurred_at)
        values["context"] = values["context"] or {}
        for name in ("language", "country", "sector", "gender", "room", "course"):
            values[name] = values[name] or ""
        values["webinar"] = values["webinar"] or ""
        values["recording"] = values["recording"] or ""
        events.append(Event(via=via, **values))
    if via != "database":  # recorded earlier, elsewhere: the actor may be gone
        _deleted_actors_forget(events)
    Event.objects.bulk_create(events, ignore_conflicts=True)
    dirty_days_mark(days=_dirty_days(event.occurred_at for event in events))


def _deleted_actors_forget(events: list[Event]) -> None:
    """An actor deleted since the event was tracked: keep the event, anonymised (as
    deleting a user does to stored events), so one such event can never block a
    drained batch on the foreign key."""
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    if not actor_ids:
        return
    existing = set(
        get_user_model().objects.filter(pk__in=actor_ids).values_list("pk", flat=True)
    )
    for event in events:
        if event.actor_id not in existing:
            event.actor_id = None


# --- the Redis stream ------------------------------------------------------------

_stream_clients: dict[tuple, redis.Redis] = {}
_stream_skip_until = 0.0


def stream_client(*, timeout: float | None = None) -> redis.Redis:
    """A pooled client for the records stream, with bounded waits."""
    timeout = timeout or settings.RECORDS_STREAM_TIMEOUT_SECONDS
    key = (settings.RECORDS_STREAM_URL, timeout)
    client = _stream_clients.get(key)
    if client is None:
        client = redis.Redis.from_url(
            settings.RECORDS_STREAM_URL,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry_on_timeout=False,
            health_check_interval=30,
        )
        _stream_clients[key] = client
    return client


def stream_append(*, payloads: list[dict]) -> bool:
    """Append events to the stream; False (and Redis skipped for a while) on failure."""
    global _stream_skip_until
    if time.monotonic() < _stream_skip_until:
        return False
    entries = [{"event": json.dumps(payload, default=str)} for payload in payloads]
    try:
        client = stream_client()
        if len(entries) == 1:  # the player's usual request: one round trip, no pipeline
            client.xadd(settings.RECORDS_STREAM_KEY, entries[0])
        else:
            pipeline = client.pipeline(transaction=False)
            for entry in entries:
                pipeline.xadd(settings.RECORDS_STREAM_KEY, entry)
            pipeline.execute()
        return True
    except (redis.RedisError, OSError) as error:
        logger.warning("Records stream unavailable, storing in PostgreSQL: %s", error)
        _stream_skip_until = time.monotonic() + settings.RECORDS_STREAM_RETRY_SECONDS
        return False


def events_record(*, payloads: list[dict], via: str) -> str:
    """Store events durably by the route `via` ("stream" or "database").

    The stream route falls back to PostgreSQL when Redis fails or is slow, so the
    event is stored either way before this returns. Returns the route taken.
    """
    if via == "stream" and stream_append(payloads=payloads):
        return "stream"
    events_store(payloads=payloads, via="fallback" if via == "stream" else via)
    return "database"


def _stream_group_ensure(client: redis.Redis) -> None:
    try:
        # From the start of the stream: entries appended before the group existed
        # are drained too.
        client.xgroup_create(
            settings.RECORDS_STREAM_KEY,
            settings.RECORDS_STREAM_GROUP,
            id="0",
            mkstream=True,
        )
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def stream_drain(*, max_seconds: float = 20.0) -> int:
    """Move events from the stream into PostgreSQL, batch by batch; returns the count.

    Entries are acknowledged only after their batch is committed. Entries left
    pending by a consumer that died are reclaimed (XAUTOCLAIM); inserting them again
    is harmless because the idempotency key is unique. Safe to run concurrently.
    """
    client = stream_client(timeout=10)
    _stream_group_ensure(client)
    key, group = settings.RECORDS_STREAM_KEY, settings.RECORDS_STREAM_GROUP
    consumer = f"{socket.gethostname()}-{os.getpid()}"
    batch_size = settings.RECORDS_DRAIN_BATCH_SIZE
    deadline = time.monotonic() + max_seconds
    stored = 0
    while time.monotonic() < deadline:
        _next, entries, *_ = client.xautoclaim(
            key,
            group,
            consumer,
            min_idle_time=settings.RECORDS_DRAIN_RECLAIM_IDLE_MS,
            start_id="0-0",
            count=batch_size,
        )
        if not entries:
            reply = client.xreadgroup(group, consumer, {key: ">"}, count=batch_size)
            entries = reply[0][1] if reply else []
        entries = [(entry_id, fields) for entry_id, fields in entries if fields]
        if not entries:
            Watermark.objects.update_or_create(
                name="stream_drained", defaults={"at": timezone.now()}
            )
            break
        if settings.RECORDS_DRAIN_TEST_PAUSE_SECONDS:
            time.sleep(settings.RECORDS_DRAIN_TEST_PAUSE_SECONDS)
        payloads = [json.loads(fields[b"event"]) for _entry_id, fields in entries]
        events_store(payloads=payloads, via="stream")
        entry_ids = [entry_id for entry_id, _fields in entries]
        client.xack(key, group, *entry_ids)
        client.xdel(key, *entry_ids)
        stored += len(entries)
    return stored


def stream_pending_count() -> int:
    """Entries read by a consumer but not yet acknowledged."""
    client = stream_client(timeout=5)
    try:
        info = client.xpending(
            settings.RECORDS_STREAM_KEY, settings.RECORDS_STREAM_GROUP
        )
    except redis.ResponseError:
        return 0
    return info["pending"]


def stream_length() -> int:
    return stream_client(timeout=5).xlen(settings.RECORDS_STREAM_KEY)


# --- counting rules: events -> facts -> roll-ups ----------------------------------

_OBJECT_KEY = {
    "object": "{e}.object_type || ':' || {e}.object_id",
    "course": (
        "COALESCE(NULLIF({e}.course, ''), {e}.object_type || ':' || {e}.object_id)"
    ),
}
_FACT_COLUMNS = (
    "version, metric, unit_key, day, occurred_at, event_id, actor_id, object_key, "
    "language, country, sector, gender, room, course, webinar, recording"
)


def _fact_select(rule: MetricRule, unit_key: str, source: str = "e") -> str:
    object_key = _OBJECT_KEY[rule.unit].format(e=source)
    return (
        f"SELECT %(version)s, %(metric)s, {unit_key}, %(day)s, {source}.occurred_at, "
        f"{source}.id, {source}.actor_id, {object_key}, {source}.language, "
        f"{source}.country, {source}.sector, {source}.gender, {source}.room, "
        f"{source}.course, {source}.webinar, {source}.recording"
    )


def _qualifying_playback(definitions: Definitions) -> str:
    """SQL: the event reports enough seconds played (server-side threshold)."""
    seconds = json_number("e.context", "seconds_played")
    duration = json_number("e.context", "duration")
    threshold = float(definitions.view_threshold_seconds)
    if definitions.view_threshold_percent is None:
        return f"{seconds} >= {threshold}"
    percent = float(definitions.view_threshold_percent)
    return (
        f"{seconds} >= CASE WHEN {duration} > 0 AND {percent} * {duration} < "
        f"{threshold} THEN {percent} * {duration} ELSE {threshold} END"
    )


def _facts_for_metric(
    cursor, definitions: Definitions, rule: MetricRule, day: date
) -> set[date]:
    """Insert the facts of one metric on one day; returns other days made stale."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    params = {
        "version": definitions.version,
        "metric": rule.metric,
        "event_type": rule.event_type,
        "day": day,
        "start": timestamp_param(start),
        "end": timestamp_param(start + timedelta(days=1)),
        "window_start": timestamp_param(
            start - timedelta(seconds=definitions.view_window_seconds)
        ),
        "window_seconds": definitions.view_window_seconds,
    }
    insert = f"INSERT INTO records_fact ({_FACT_COLUMNS}) "
    if rule.mode == "each":
        cursor.execute(
            insert
            + _fact_select(rule, "e.idempotency_key")
            + " FROM records_event e WHERE e.event_type = %(event_type)s "
            "AND e.occurred_at >= %(start)s AND e.occurred_at < %(end)s "
            "ON CONFLICT (version, metric, unit_key) DO NOTHING",
            params,
        )
        return set()
    if rule.mode == "view":
        qualifies = (
            _qualifying_playback(definitions) if rule.qualifies_on_playback else "TRUE"
        )
        object_key = _OBJECT_KEY[rule.unit].format(e="e")
        cursor.execute(
            insert
            + _fact_select(rule, "q.idempotency_key", source="q")
            + " FROM (SELECT e.*, LAG(e.occurred_at) OVER ("
            f"PARTITION BY e.actor_id, {object_key} ORDER BY e.occurred_at, e.id"
            ") AS previous FROM records_event e WHERE e.event_type = %(event_type)s "
            "AND e.occurred_at >= %(window_start)s "
            f"AND e.occurred_at < %(end)s AND {qualifies}) q "
            "WHERE q.occurred_at >= %(start)s AND (q.previous IS NULL OR "
            f"{seconds_between('q.occurred_at', 'q.previous')} >= %(window_seconds)s) "
            "ON CONFLICT (version, metric, unit_key) DO NOTHING",
            params,
        )
        return set()
    # "first": one unit per learner and object, on the day of the first event.
    object_key = _OBJECT_KEY[rule.unit]
    unit_key = (
        "COALESCE(CAST(e.actor_id AS text), 'anonymous-' || CAST(e.id AS text)) "
        "|| '|' || " + object_key.format(e="e")
    )
    events_today = (
        " FROM records_event e WHERE e.event_type = %(event_type)s "
        "AND e.occurred_at >= %(start)s AND e.occurred_at < %(end)s"
    )
    # Facts on later days whose unit's first event is today: those days go stale.
    cursor.execute(
        "SELECT DISTINCT f.day FROM records_fact f WHERE f.version = %(version)s "
        "AND f.metric = %(metric)s AND f.day > %(day)s "
        f"AND f.unit_key IN (SELECT {unit_key}{events_today}) "
        "AND NOT EXISTS (SELECT 1 FROM records_event p "
        "WHERE p.event_type = %(event_type)s AND p.actor_id = f.actor_id "
        f"AND {object_key.format(e='p')} = f.object_key "
        "AND p.occurred_at < %(start)s)",
        params,
    )
    moved = {row[0] for row in cursor.fetchall()}
    cursor.execute(
        f"INSERT INTO records_fact ({_FACT_COLUMNS}) "
        + _fact_select(rule, unit_key)
        + events_today
        + " AND NOT EXISTS (SELECT 1 FROM records_event p "
        "WHERE p.event_type = e.event_type AND p.actor_id = e.actor_id "
        f"AND {object_key.format(e='p')} = {object_key.format(e='e')} "
        "AND (p.occurred_at, p.id) < (e.occurred_at, e.id)) "
        "ON CONFLICT (version, metric, unit_key) DO UPDATE "
        "SET day = EXCLUDED.day, occurred_at = EXCLUDED.occurred_at, "
        "event_id = EXCLUDED.event_id, language = EXCLUDED.language, "
        "country = EXCLUDED.country, sector = EXCLUDED.sector, "
        "gender = EXCLUDED.gender, room = EXCLUDED.room, course = EXCLUDED.course, "
        "webinar = EXCLUDED.webinar, recording = EXCLUDED.recording "
        "WHERE records_fact.day > EXCLUDED.day",
        params,
    )
    return moved


SCOPE_FILTERS = ("room", "course", "webinar", "country", "language")


def scope_name(filters: dict[str, str]) -> str:
    """The roll-up scope of cleaned filters: "" (none), "room:17",
    "country:KE|language:fr" (filters in SCOPE_FILTERS order)."""
    return "|".join(f"{name}:{value}" for name, value in filters.items())


def _scope_sql(names: tuple[str, ...]) -> str:
    """SQL: a fact's scope for these filters, NULL when one of its columns is empty."""
    if not names:
        return "''"
    return " || '|' || ".join(f"'{name}:' || NULLIF(f.{name}, '')" for name in names)


# Every filter and every combination of filters is a scope, so that any filters the
# report combines are answered from the roll-ups.
_SCOPE_COMBINATIONS = [
    names
    for size in range(len(SCOPE_FILTERS) + 1)
    for names in combinations(SCOPE_FILTERS, size)
]
# Besides each metric's total and its rooms (the active rooms), the breakdowns the
# training report reads. A scope of filters that combine keeps only these, so that
# the combinations add about as many roll-up rows as there are facts.
REPORT_BREAKDOWNS = {
    "course_completion": ("country", "sector", "gender", "language", "course"),
    "webinar_attendance": ("webinar", "webinar_language"),
    "recording_view": ("recording",),
    "recording_download": ("recording",),
    "session_attendance": ("object",),
}
_REPORT_CELLS = " OR ".join(
    [
        "c.dimension IN ('', 'room')",
        *(
            f"(c.metric = '{metric}' AND c.dimension IN "
            f"({', '.join(repr(name) for name in dimensions)}))"
            for metric, dimensions in REPORT_BREAKDOWNS.items()
        ),
    ]
)
# Each roll-up dimension and the SQL of a fact's value in it.
ROLLUP_DIMENSIONS = {
    "": "''",
    "country": "f.country",
    "sector": "f.sector",
    "gender": "f.gender",
    "language": "f.language",
    "room": "f.room",
    "course": "f.course",
    "webinar": "f.webinar",
    "recording": "f.recording",
    "object": "f.object_key",
    "webinar_language": "CASE WHEN f.webinar <> '' AND f.language <> '' "
    "THEN f.webinar || '|' || f.language ELSE '' END",
}


def _day_rollup(cursor, version: str, day: date) -> None:
    # Every fact counts once in each scope it belongs to, and once per dimension it
    # has a value in.
    scopes_join, scope = rows_per_row(
        "s",
        ("scope", "combined"),
        [
            (_scope_sql(names), "TRUE" if len(names) > 1 else "FALSE")
            for names in _SCOPE_COMBINATIONS
        ],
    )
    dimensions_join, dimension = rows_per_row(
        "d",
        ("dimension", "value"),
        [(f"'{name}'", value) for name, value in ROLLUP_DIMENSIONS.items()],
    )
    cursor.execute(
        "DELETE FROM records_rollup WHERE version = %s AND grain = 'day' "
        "AND period = %s",
        [version, day],
    )
    cursor.execute(
        "INSERT INTO records_rollup "
        "(version, grain, period, metric, scope, dimension, value, count) "
        "SELECT %s, 'day', %s, c.metric, c.scope, c.dimension, c.value, COUNT(*) "
        f"FROM (SELECT f.metric, {scope['scope']} AS scope, "
        f"{scope['combined']} AS combined, {dimension['dimension']} AS dimension, "
        f"{dimension['value']} AS value "
        f"FROM records_fact f {scopes_join} {dimensions_join} "
        "WHERE f.version = %s AND f.day = %s) c "
        "WHERE c.scope IS NOT NULL AND (c.dimension = '' OR c.value <> '') "
        f"AND (NOT c.combined OR {_REPORT_CELLS}) "
        "GROUP BY c.metric, c.scope, c.dimension, c.value",
        [version, day, version, day],
    )


def _month_rollup(cursor, version: str, month: date) -> None:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    cursor.execute(
        "DELETE FROM records_rollup WHERE version = %s AND grain = 'month' "
        "AND period = %s",
        [version, month],
    )
    cursor.execute(
        "INSERT INTO records_rollup "
        "(version, grain, period, metric, scope, dimension, value, count) "
        "SELECT version, 'month', %s, metric, scope, dimension, value, SUM(count) "
        "FROM records_rollup WHERE version = %s AND grain = 'day' "
        "AND period >= %s AND period < %s "
        "GROUP BY version, metric, scope, dimension, value",
        [month, version, month, following],
    )


def day_recompute(*, day: date, version: str) -> set[date]:
    """Recompute-and-replace the facts and daily roll-up of one day, atomically.

    Returns other days whose facts moved (a late event made an earlier day the
    first), which must be rolled up again. Idempotent; serialised per day.
    """
    definitions = definitions_get(version)
    stale: set[date] = set()
    with transaction.atomic(), connection.cursor() as cursor:
        transaction_lock(cursor, f"records:{version}:{day}")
        cursor.execute(
            "DELETE FROM records_fact WHERE version = %s AND day = %s", [version, day]
        )
        for rule in definitions.metrics:
            stale |= _facts_for_metric(cursor, definitions, rule, day)
        _day_rollup(cursor, version, day)
    return stale - {day}


def month_recompute(*, month: date, version: str) -> None:
    """Recompute-and-replace one month's roll-up from its daily roll-ups."""
    with transaction.atomic(), connection.cursor() as cursor:
        transaction_lock(cursor, f"records:{version}:month:{month}")
        _month_rollup(cursor, version, month)


def rollup_recompute(*, days: Iterable[date], version: str) -> None:
    """Recompute days (and the days they make stale) and their months."""
    pending = set(days)
    done: set[date] = set()
    while pending:
        day = min(pending)
        pending.discard(day)
        done.add(day)
        pending |= day_recompute(day=day, version=version) - done
    for month in sorted({day.replace(day=1) for day in done}):
        month_recompute(month=month, version=version)


def rollup_dirty_days(*, version: str | None = None) -> int:
    """Roll up every day marked dirty, then clear the marks not renewed meanwhile."""
    marks = list(DirtyDay.objects.order_by("day").values_list("day", "marked_at"))
    if not marks:
        return 0
    versions = [version] if version else _versions_materialised()
    for each in versions:
        rollup_recompute(days=[day for day, _marked_at in marks], version=each)
    for day, marked_at in marks:
        # A mark renewed after we read it stays: its event may not be counted yet.
        DirtyDay.objects.filter(day=day, marked_at__lte=marked_at).delete()
    return len(marks)


def _versions_materialised() -> list[str]:
    """The current version, plus older versions someone asked to recompute."""
    from learning.records.definitions import CURRENT_VERSION

    names = Watermark.objects.filter(name__startswith="materialised:").values_list(
        "name", flat=True
    )
    older = {name.split(":", 1)[1] for name in names} - {CURRENT_VERSION}
    return [CURRENT_VERSION, *sorted(older & set(VERSIONS))]


def version_materialise(*, version: str, start: date, end: date) -> None:
    """Compute facts and roll-ups of `version` for [start, end] (older rules)."""
    if version not in VERSIONS:
        raise RecordsError(f"Unknown definitions version {version!r}.")
    # Only days with events (or the day after one) can have figures.
    event_days = set(
        Event.objects.filter(
            occurred_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=UTC)
            - timedelta(days=1),
            occurred_at__lt=datetime.combine(end, datetime.min.time(), tzinfo=UTC)
            + timedelta(days=1),
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=UTC))
        .values_list("day", flat=True)
        .order_by()
        .distinct()
    )
    days = event_days | {d + timedelta(days=1) for d in event_days}
    rollup_recompute(days=[d for d in days if start <= d <= end], version=version)
    # From now on the roll-up task keeps this version up to date as well.
    Watermark.objects.update_or_create(
        name=f"materialised:{version}", defaults={"at": timezone.now()}
    )


# --- long-term impact: the follow-up survey ----------------------------------------

SURVEY_SALT = "learning.records.survey"
SURVEY_ANSWERS = ("applied", "partly", "not-yet")


def _months_before(instant: datetime, months: int) -> datetime:
    year, month = divmod(instant.month - 1 - months, 12)
    target_year, target_month = instant.year + year, month + 1
    day = min(instant.day, 28)
    return instant.replace(year=target_year, month=target_month, day=day)


def follow_up_surveys_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Invite learners to the follow-up survey, once per learner and course/session.

    Due when a course completion or session attendance is at least
    RECORDS_FOLLOW_UP_SURVEY_MONTHS old. The unique invitation row makes running this
    twice (or concurrently) send nothing twice; the e-mail leaves after commit.
    """
    from django.core import signing
    from django.core.mail import send_mail
    from django.urls import reverse

    from learning.records.models import EventType, SurveyInvitation

    now = now or timezone.now()
    cutoff = _months_before(now, settings.RECORDS_FOLLOW_UP_SURVEY_MONTHS)
    due = (
        Event.objects.filter(
            event_type__in=[EventType.COURSE_COMPLETED, EventType.SESSION_ATTENDED],
            occurred_at__lte=cutoff,
            actor__isnull=False,
            actor__is_active=True,
        )
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )
    sent = 0
    seen: set[tuple] = set()
    for event in due.iterator(chunk_size=200):
        object_type, object_id = (
            ("course", event.course)
            if event.event_type == EventType.COURSE_COMPLETED and event.course
            else (event.object_type, event.object_id)
        )
        identity = (event.actor_id, object_type, object_id)
        if identity in seen:
            continue
        seen.add(identity)
        already = SurveyInvitation.objects.filter(
            actor_id=event.actor_id, object_type=object_type, object_id=object_id
        )
        if already.exists():
            continue
        with transaction.atomic():
            invitation, created = SurveyInvitation.objects.get_or_create(
                actor_id=event.actor_id,
                object_type=object_type,
                object_id=object_id,
                defaults={"source_event": event, "sent_at": now},
            )
            if not created:
                continue
            token = signing.dumps({"invitation": invitation.pk}, salt=SURVEY_SALT)
            link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
                "records:survey", args=[token]
            )
            recipient = event.actor.email
            transaction.on_commit(
                lambda recipient=recipient, link=link: send_mail(
                    "How has your training helped your work?",
                    "A few months ago you completed a training on the Learning "
                    "Platform. Two questions, one minute: have you applied what "
                    f"you learned?\n\n{link}\n",
                    None,
                    [recipient],
                )
            )
        sent += 1
        if sent >= limit:
            break
    return sent


def survey_answer_submit(*, invitation_id: int, answer: str, comment: str = "") -> None:
    """Record a follow-up survey answer once; raises RecordsError for bad input."""
    from learning.records.api import record
    from learning.records.models import EventType, SurveyInvitation

    if answer not in SURVEY_ANSWERS:
        raise RecordsError("Choose one of the answers.")
    if len(comment) > 2000:
        raise RecordsError("The comment is too long (2,000 characters at most).")
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update()
            .select_related("actor")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None:
            raise RecordsError("This survey link is no longer valid.")
        if invitation.answered_at:
            raise RecordsError("You have already answered this survey. Thank you.")
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answered_at"])
        dimensions = (
            {"course": invitation.object_id}
            if (invitation.object_type == "course")
            else {}
        )
        record(
            event_type=EventType.SURVEY_ANSWERED,
            actor=invitation.actor,
            object_type=f"survey.{invitation.object_type}",
            object_id=invitation.object_id,
            dimensions=dimensions,
            idempotency_key=f"survey:{invitation.pk}",
            context={"answer": answer, "comment": comment},
            via="database",
        )
