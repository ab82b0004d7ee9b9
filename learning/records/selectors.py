"""Reads: the training report (from roll-ups), drill-downs (from facts and events)."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from learning.records.definitions import TRAINED_METRICS, definitions_get
from learning.records.models import (
    DirtyDay,
    Event,
    Fact,
    SurveyInvitation,
    Watermark,
)
from learning.records.services import SCOPE_FILTERS, RecordsError, scope_name
from learning.records.sql import among

BREAKDOWN_KEYS = ("by_course", "by_country", "by_language", "by_gender", "by_sector")


def period_for_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _scope(filters: dict | None) -> tuple[str, dict]:
    """The roll-up scope of `filters`, and the filters cleaned, in a stable order.

    The roll-ups hold the whole platform (""), each filter ("room:17") and every
    combination of filters ("country:KE|language:fr").
    """
    filters = {key: str(value) for key, value in (filters or {}).items() if value}
    unknown = set(filters) - set(SCOPE_FILTERS)
    if unknown:
        raise RecordsError(f"Unknown filter: {', '.join(sorted(unknown))}.")
    if any("|" in value for value in filters.values()):
        # No room, course, webinar, country or language has one; it separates
        # the filters of a scope.
        raise RecordsError("A filter's value cannot contain '|'.")
    if "country" in filters:
        filters["country"] = filters["country"].upper()
    cleaned = {name: filters[name] for name in SCOPE_FILTERS if name in filters}
    return scope_name(cleaned), cleaned


def _where(filters: dict, alias: str = "") -> str:
    """SQL conditions for the filters (their values are the query's parameters)."""
    return "".join(f" AND {alias}{name} = %s" for name in filters)


def _periods(start: date, end: date) -> tuple[list[date], list[date]]:
    """Whole months inside [start, end], and the remaining edge days."""
    months, days = [], []
    cursor = start
    while cursor <= end:
        following = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        if cursor.day == 1 and following - timedelta(days=1) <= end:
            months.append(cursor)
            cursor = following
        else:
            days.append(cursor)
            cursor += timedelta(days=1)
    return months, days


def _cells(version: str, scope: str, start: date, end: date):
    """Counts per metric, dimension and value, from the roll-ups (for filters that
    combine, only the breakdowns the report reads: services.REPORT_BREAKDOWNS)."""
    months, days = _periods(start, end)
    in_months, month_params = among(months)
    in_days, day_params = among(days)
    cells: dict = defaultdict(lambda: defaultdict(dict))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT metric, dimension, value, SUM(count) FROM records_rollup "
            "WHERE version = %s AND scope = %s AND ("
            f"(grain = 'month' AND period {in_months}) OR "
            f"(grain = 'day' AND period {in_days})) "
            "GROUP BY metric, dimension, value",
            [version, scope, *month_params, *day_params],
        )
        for metric, dimension, value, count in cursor.fetchall():
            cells[metric][dimension][value] = int(count)
    return cells


def _distinct_learners(version: str, filters: dict, start: date, end: date) -> dict:
    conditions = _where(filters)
    in_trained, trained_params = among(TRAINED_METRICS)
    in_metrics, metric_params = among([*TRAINED_METRICS, "course_enrolment"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(DISTINCT actor_id) FILTER (WHERE metric {in_trained}), "
            "COUNT(DISTINCT actor_id) FILTER (WHERE metric = 'course_completion'), "
            "COUNT(DISTINCT actor_id) FILTER (WHERE metric = 'course_enrolment') "
            f"FROM records_fact WHERE version = %s AND metric {in_metrics} "
            f"AND day >= %s AND day <= %s{conditions}",
            [
                *trained_params,
                version,
                *metric_params,
                start,
                end,
                *filters.values(),
            ],
        )
        trained, completed, enrolled = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(DISTINCT j.actor_id) FROM records_fact j "
            "WHERE j.version = %s AND j.metric = 'room_join' AND j.day <= %s "
            f"{_where(filters, 'j.')} AND NOT EXISTS ("
            "SELECT 1 FROM records_fact l WHERE l.version = j.version "
            "AND l.metric = 'room_leave' AND l.actor_id = j.actor_id "
            "AND l.room = j.room AND l.occurred_at > j.occurred_at AND l.day < %s)",
            [version, end, *filters.values(), start],
        )
        (members,) = cursor.fetchone()
    return {
        "trained": trained,
        "completed": completed,
        "enrolled": enrolled,
        "members": members,
    }


def fresh_to() -> datetime:
    """The instant up to which every stored event is in the roll-ups."""
    now = timezone.now()
    drained = Watermark.objects.filter(name="stream_drained").first()
    oldest_dirty = DirtyDay.objects.aggregate(at=Min("marked_at"))["at"]
    candidates = [drained.at if drained else now]
    if oldest_dirty:
        candidates.append(oldest_dirty)
    return min(candidates)


def _suppress(counts: dict, threshold: int) -> dict:
    return {
        key: (value if value >= threshold or value == 0 else f"<{threshold}")
        for key, value in counts.items()
    }


def training_report(
    start: date,
    end: date,
    filters: dict | None = None,
    *,
    version: str | None = None,
    suppress: bool = False,
) -> dict:
    """The training figures for [start, end] (inclusive), under one rules version.

    Figures come from the roll-ups (and, for distinct learners, from the counted
    facts); a constant number of queries whatever the number of events. Raises
    RecordsError for an unknown filter or version, or an empty period.
    """
    if end < start:
        raise RecordsError("The period ends before it starts.")
    try:
        definitions = definitions_get(version)
    except KeyError as error:
        raise RecordsError(f"Unknown definitions version {version!r}.") from error
    scope, scope_filters = _scope(filters)
    cells = _cells(definitions.version, scope, start, end)
    learners = _distinct_learners(definitions.version, scope_filters, start, end)

    def total(metric: str) -> int:
        return cells[metric][""].get("", 0)

    def by(metric: str, dimension: str) -> dict:
        return dict(sorted(cells[metric][dimension].items()))

    webinars_by_language: dict[str, int] = defaultdict(int)
    for key in cells["webinar_attendance"]["webinar_language"]:
        webinars_by_language[key.rsplit("|", 1)[1]] += 1
    by_recording: dict[str, int] = defaultdict(int)
    for metric in ("recording_view", "recording_download"):
        for key, count in cells[metric]["recording"].items():
            by_recording[key] += count
    active_rooms = set()
    for dimensions in cells.values():
        active_rooms |= set(dimensions["room"])
    survey_sent = survey_invitations_sent(start, end, scope_filters).count()

    completions = {
        "total": total("course_completion"),
        "learners": learners["completed"],
        "countries": len(cells["course_completion"]["country"]),
        "by_course": by("course_completion", "course"),
        "by_country": by("course_completion", "country"),
        "by_language": by("course_completion", "language"),
        "by_gender": by("course_completion", "gender"),
        "by_sector": by("course_completion", "sector"),
    }
    if suppress:
        threshold = settings.RECORDS_SMALL_CELL_THRESHOLD
        for key in BREAKDOWN_KEYS:
            completions[key] = _suppress(completions[key], threshold)
    views, downloads = total("recording_view"), total("recording_download")
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "filters": scope_filters,
        "practitioners_trained": learners["trained"],
        "completions": completions,
        "recordings": {
            "views": views,
            "downloads": downloads,
            "total": views + downloads,
            "by_recording": dict(sorted(by_recording.items())),
        },
        "resources": {
            "views": total("resource_view"),
            "downloads": total("resource_download"),
        },
        "webinars": {
            "delivered": len(cells["webinar_attendance"]["webinar"]),
            "by_language": dict(sorted(webinars_by_language.items())),
            "participants": total("webinar_attendance"),
            "registrations": total("webinar_registration"),
        },
        "sessions": {
            "held": len(cells["session_attendance"]["object"]),
            "participants": total("session_attendance"),
        },
        "enrolments": {
            "total": total("course_enrolment"),
            "learners": learners["enrolled"],
        },
        "rooms": {"active": len(active_rooms), "members": learners["members"]},
        "surveys": {"sent": survey_sent, "answered": total("survey_answer")},
        "definitions": definitions.as_report(),
        "fresh_to": fresh_to().isoformat(),
        "suppressed_below": settings.RECORDS_SMALL_CELL_THRESHOLD if suppress else None,
    }


def report_rows(report: dict) -> list[tuple[str, str, object]]:
    """The report flattened to (figure, key, value) rows, for CSV and exports."""
    rows: list[tuple[str, str, object]] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            figure, _, key = prefix.rpartition(".")
            rows.append((figure or prefix, key if figure else "", value))

    walk("", {k: v for k, v in report.items() if k != "definitions"})
    rows.append(("definitions", "version", report["definitions"]["version"]))
    return rows


# Figures made of several metrics: practitioners trained, recordings viewed or
# downloaded, and (for the active rooms) every metric.
METRIC_GROUPS = {
    "trained": TRAINED_METRICS,
    "recording": ("recording_view", "recording_download"),
    "activity": tuple(rule.metric for rule in definitions_get().metrics),
}
# Distinct figures (learners, countries, webinars, sessions, rooms): the fact column
# whose distinct values they count.
DRILL_UNITS = {
    "learner": "actor_id",
    "country": "country",
    "webinar": "webinar",
    "session": "object_key",
    "room": "room",
}
DRILL_DIMENSIONS = (
    *SCOPE_FILTERS,
    "sector",
    "gender",
    "recording",
    "object",
)


def _room_members(facts: QuerySet, start: date, end: date) -> QuerySet:
    """Room joins before the period's end not followed by a leave before its start."""
    left = Fact.objects.filter(
        version=OuterRef("version"),
        metric="room_leave",
        actor_id=OuterRef("actor_id"),
        room=OuterRef("room"),
        occurred_at__gt=OuterRef("occurred_at"),
        day__lt=start,
    )
    return facts.filter(metric="room_join", day__lte=end).exclude(Exists(left))


def facts_behind(
    *,
    metric: str,
    start: date,
    end: date,
    filters: dict | None = None,
    dimension: str | None = None,
    value: str | None = None,
    unit: str | None = None,
    version: str | None = None,
) -> QuerySet:
    """The raw events counted in a figure (drill-down), newest first.

    `metric` is a counting-rule metric, a group of METRIC_GROUPS, or "member" (room
    members, one row per learner). With a `unit` (DRILL_UNITS), one row per distinct
    learner, country, webinar, session or room: the first counted event of each, so
    that the list is as long as the distinct figure. Raises RecordsError for an
    unknown metric, dimension or unit.
    """
    definitions = definitions_get(version)
    _scope_name, scope_filters = _scope(filters)
    if unit is not None and unit not in DRILL_UNITS:
        raise RecordsError(f"Unknown unit {unit!r}.")
    facts = Fact.objects.filter(version=definitions.version, **scope_filters)
    if metric == "member":
        facts, unit = _room_members(facts, start, end), "learner"
    else:
        metrics = METRIC_GROUPS.get(metric, (metric,))
        if not set(metrics) <= set(METRIC_GROUPS["activity"]):
            raise RecordsError(f"Unknown metric {metric!r}.")
        facts = facts.filter(metric__in=metrics, day__gte=start, day__lte=end)
    if dimension:
        if dimension not in DRILL_DIMENSIONS:
            raise RecordsError(f"Unknown dimension {dimension!r}.")
        column = "object_key" if dimension == "object" else dimension
        facts = facts.filter(**{column: value or ""})
    if unit:
        column = DRILL_UNITS[unit]
        facts = (
            facts.exclude(**{f"{column}__isnull": True})
            if column == "actor_id"
            else facts.exclude(**{column: ""})
        )
        facts = facts.order_by(column, "occurred_at", "pk").distinct(column)
    return (
        Event.objects.filter(pk__in=facts.values("event_id"))
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
    )


def survey_invitations_sent(
    start: date, end: date, filters: dict | None = None
) -> QuerySet:
    """Follow-up survey invitations sent in [start, end], newest first.

    The filters apply to the completion or session a survey is about (its event's
    dimensions and profile snapshot). Raises RecordsError for an unknown filter.
    """
    _scope_name, scope_filters = _scope(filters)
    return (
        SurveyInvitation.objects.filter(
            sent_at__date__gte=start,
            sent_at__date__lte=end,
            **{f"source_event__{name}": value for name, value in scope_filters.items()},
        )
        .select_related("actor", "source_event")
        .order_by("-sent_at", "-pk")
    )


def monthly_trend(
    start: date,
    end: date,
    filters: dict | None = None,
    *,
    version: str | None = None,
    metrics: tuple[str, ...] = (),
) -> dict[date, dict[str, int]]:
    """Counts per calendar month of [start, end] (edge months clipped to the period).

    Keys are the first day of each month, in order, every month present (zeros
    included); values map each metric, plus "trained" (distinct practitioners
    trained that month), to its count. Two queries whatever the number of events.
    """
    definitions = definitions_get(version)
    scope, scope_filters = _scope(filters)
    months, days = _periods(start, end)
    trend: dict[date, dict[str, int]] = {}
    cursor_month = start.replace(day=1)
    while cursor_month <= end:
        trend[cursor_month] = {"trained": 0, **dict.fromkeys(metrics, 0)}
        cursor_month = (cursor_month.replace(day=28) + timedelta(days=4)).replace(day=1)
    in_metrics, metric_params = among(metrics)
    in_months, month_params = among(months)
    in_days, day_params = among(days)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT period, metric, SUM(count) "
            "FROM records_rollup WHERE version = %s AND scope = %s "
            f"AND dimension = '' AND metric {in_metrics} AND ("
            f"(grain = 'month' AND period {in_months}) OR "
            f"(grain = 'day' AND period {in_days})) GROUP BY period, metric",
            [definitions.version, scope, *metric_params, *month_params, *day_params],
        )
        for period, metric, count in cursor.fetchall():
            trend[period.replace(day=1)][metric] += int(count)
    trained = (
        Fact.objects.filter(
            version=definitions.version,
            metric__in=TRAINED_METRICS,
            day__gte=start,
            day__lte=end,
            **scope_filters,
        )
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(learners=Count("actor_id", distinct=True))
        .order_by()
    )
    for row in trained:
        trend[row["month"]]["trained"] = row["learners"]
    return trend


def completions_per_course(
    start: date,
    end: date,
    filters: dict | None = None,
    *,
    version: str | None = None,
) -> dict[str, dict[str, int]]:
    """Per course key: learners who completed it in [start, end], and their countries.

    One query on the counted facts (one completion per learner and course, so the
    learners equal the course's completions in `training_report`).
    """
    definitions = definitions_get(version)
    _scope_name, scope_filters = _scope(filters)
    conditions = _where(scope_filters)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT course, COUNT(DISTINCT actor_id), "
            "COUNT(DISTINCT NULLIF(country, '')) FROM records_fact "
            "WHERE version = %s AND metric = 'course_completion' AND course <> '' "
            f"AND day >= %s AND day <= %s{conditions} GROUP BY course",
            [definitions.version, start, end, *scope_filters.values()],
        )
        return {
            course: {"learners": learners, "countries": countries}
            for course, learners, countries in cursor.fetchall()
        }
