"""The training report in the Wagtail admin: figures, charts, tables, exports, the
records behind every figure, and the reporting API tokens.

Both views are Wagtail `ReportView`s, so CSV and XLSX export come from Wagtail's
SpreadsheetExportMixin: `?export=csv` (every table) or `?export=csv&table=by_country`
(one table). Every export starts with "about" rows: the period, the filters, the
definitions version and its rules, and the time the data is fresh to.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_countries import countries
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from learning.accounts.models import Gender, Sector
from learning.records import charts, selectors, tokens
from learning.records.definitions import CURRENT_VERSION, VERSIONS
from learning.records.models import EventType
from learning.records.services import SCOPE_FILTERS, RecordsError
from learning.records.sql import among
from learning.records.summary import summary_sentences, summary_text
from learning.records.views import REPORT_PERMISSION, report_for_params

TREND_METRICS = (
    "course_completion",
    "recording_view",
    "recording_download",
    "webinar_attendance",
    "session_attendance",
    "course_enrolment",
)
# Drill-down metrics: the counting rules' metrics, their groups (selectors'
# METRIC_GROUPS), the room members and the follow-up surveys sent.
DRILL_METRICS = {
    "trained": _("Practitioners trained"),
    "recording": _("Recording views and downloads"),
    "activity": _("Learning activity"),
    "member": _("iRoom members"),
    "survey_sent": _("Follow-up surveys sent"),
    "course_completion": _("Course completions"),
    "recording_view": _("Recording views"),
    "recording_download": _("Recording downloads"),
    "resource_view": _("Resource views"),
    "resource_download": _("Resource downloads"),
    "webinar_attendance": _("Webinar attendance"),
    "webinar_registration": _("Webinar registrations"),
    "session_attendance": _("Session attendance"),
    "course_enrolment": _("Course enrolments"),
    "room_join": _("Room joins"),
    "survey_answer": _("Follow-up survey answers"),
}
DRILL_UNITS = {
    "learner": _("one row per learner: the first record that counts them"),
    "country": _("one row per country: the first record from it"),
    "webinar": _("one row per webinar: its first attendance"),
    "session": _("one row per session: its first attendance"),
    "room": _("one row per iRoom: its first recorded activity"),
}


def user_can_view_training_report(user) -> bool:
    """Superusers, and active users holding the reporting permission."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm(REPORT_PERMISSION)
    )


# --- labels for report keys ---------------------------------------------------------


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class DimensionLabels:
    """Readable names for the keys of a report (ISO codes, page ids, course keys)."""

    def __init__(self, values: dict[str, set[str]]):
        page_ids = {
            int(value)
            for name in ("room", "webinar")
            for value in values.get(name, ())
            if value.isdigit()
        }
        course_keys = [value for value in values.get("course", ()) if _is_uuid(value)]
        self.pages: dict[str, str] = {}
        self.courses: dict[str, str] = {}
        if page_ids or course_keys:
            rows = Page.objects.filter(pk__in=page_ids) | Page.objects.filter(
                translation_key__in=course_keys
            )
            default_language = settings.LANGUAGE_CODE
            for row in rows.values(
                "pk", "title", "translation_key", "locale__language_code"
            ).order_by("pk"):
                self.pages[str(row["pk"])] = row["title"]
                key = str(row["translation_key"])
                if key in course_keys and (
                    key not in self.courses
                    or row["locale__language_code"] == default_language
                ):
                    self.courses[key] = row["title"]
        self.countries = dict(countries)
        self.languages = {
            **dict(settings.LANGUAGES),
            **getattr(settings, "LANGUAGE_NAMES_IN_ENGLISH", {}),
        }
        self.sectors = dict(Sector.choices)
        self.genders = dict(Gender.choices)

    def label(self, dimension: str, value: str) -> str:
        if not value:
            return str(_("Not recorded"))
        if dimension == "country":
            return str(self.countries.get(value, value))
        if dimension == "language":
            return str(self.languages.get(value, value))
        if dimension == "sector":
            return str(self.sectors.get(value, value))
        if dimension == "gender":
            return str(self.genders.get(value, value))
        if dimension == "course":
            return self.courses.get(value, value)
        if dimension in ("room", "webinar"):
            return self.pages.get(value, f"{dimension.title()} {value}")
        if dimension == "recording":
            return f"Recording {value}"
        return value


def dimension_values(version: str) -> dict[str, list[str]]:
    """Rooms, courses and webinars with figures (the filter's choices); one query."""
    from django.db import connection

    found: dict[str, list[str]] = {"room": [], "course": [], "webinar": []}
    in_dimensions, dimension_params = among(list(found))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT dimension, value FROM records_rollup "
            "WHERE version = %s AND grain = 'month' AND scope = '' "
            f"AND dimension {in_dimensions} ORDER BY dimension, value",
            [version, *dimension_params],
        )
        for dimension, value in cursor.fetchall():
            found[dimension].append(value)
    return found


# --- the period and filter form -----------------------------------------------------


class TrainingReportForm(forms.Form):
    """Period (a year, or a date range) and filters that combine; validated here."""

    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1990, max_value=2200
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Or, with the year left empty, a date range."),
    )
    end = forms.DateField(
        label=_("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    room = forms.ChoiceField(label=_("Room"), required=False)
    course = forms.ChoiceField(label=_("Course"), required=False)
    webinar = forms.ChoiceField(label=_("Webinar"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    version = forms.ChoiceField(
        label=_("Definitions version"),
        required=False,
        # The current rules first: a browser submits the first option by default.
        choices=[
            (CURRENT_VERSION, f"{CURRENT_VERSION} (current)"),
            *((name, name) for name in reversed(VERSIONS) if name != CURRENT_VERSION),
        ],
    )
    suppress = forms.BooleanField(label=_("Hide small cells"), required=False)

    def __init__(self, data, *, labels: DimensionLabels, values: dict):
        super().__init__(data)
        for name in ("room", "course", "webinar"):
            self.fields[name].choices = [
                ("", _("All")),
                *sorted(
                    ((value, labels.label(name, value)) for value in values[name]),
                    key=lambda choice: choice[1].lower(),
                ),
            ]
        self.fields["country"].choices = [("", _("All")), *countries]
        self.fields["language"].choices = [("", _("All")), *settings.LANGUAGES]
        self.fields["suppress"].help_text = _(
            "Counts below %(threshold)s show as “<%(threshold)s” in breakdowns."
        ) % {"threshold": settings.RECORDS_SMALL_CELL_THRESHOLD}

    def clean(self):
        cleaned = super().clean()
        year, start, end = cleaned.get("year"), cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if year and (start or end):
            raise forms.ValidationError(_("Choose a year or a date range, not both."))
        if (start or end) and not (start and end):
            raise forms.ValidationError(
                _("A date range needs both a start date and an end date.")
            )
        if start and end and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        if not year and not start:
            cleaned["year"] = timezone.localdate().year
        return cleaned

    @property
    def period(self) -> tuple[date, date]:
        if self.cleaned_data.get("year"):
            return selectors.period_for_year(self.cleaned_data["year"])
        return self.cleaned_data["start"], self.cleaned_data["end"]

    @property
    def filters(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in SCOPE_FILTERS
            if self.cleaned_data.get(name)
        }

    @property
    def rules_version(self) -> str:
        return self.cleaned_data.get("version") or CURRENT_VERSION

    @property
    def hide_small_cells(self) -> bool:
        return bool(self.cleaned_data.get("suppress"))

    def query(self) -> QueryDict:
        """The cleaned period and filters as a query string, for links and exports."""
        params = QueryDict(mutable=True)
        start, end = self.period
        if self.cleaned_data.get("year"):
            params["year"] = str(self.cleaned_data["year"])
        else:
            params["start"], params["end"] = start.isoformat(), end.isoformat()
        params.update(self.filters)
        if self.rules_version != CURRENT_VERSION:
            params["version"] = self.rules_version
        if self.hide_small_cells:
            params["suppress"] = "on"
        return params


def report_form(request) -> TrainingReportForm:
    version = request.GET.get("version") or CURRENT_VERSION
    values = dimension_values(version if version in VERSIONS else CURRENT_VERSION)
    labels = DimensionLabels({name: set(found) for name, found in values.items()})
    data = request.GET.copy()
    if not any(data.get(name) for name in ("year", "start", "end")):
        data["year"] = str(timezone.localdate().year)  # shown in the form, too
    form = TrainingReportForm(data, labels=labels, values=values)
    form.labels = labels
    return form


# --- the report's tables ------------------------------------------------------------


@dataclass
class ReportRow:
    key: str
    label: str
    values: dict[str, object]
    links: dict[str, str] = field(default_factory=dict)


@dataclass
class ReportTable:
    slug: str
    title: str
    measures: list[tuple[str, str]]
    rows: list[ReportRow]
    note: str = ""
    chart: object = None
    export_csv: str = ""
    export_xlsx: str = ""

    @property
    def body(self) -> list[tuple[ReportRow, list[tuple[str, str, str]]]]:
        """Rows with (measure, shown value, drill-down link) cells, for templates."""
        return [
            (
                row,
                [
                    (measure, _shown(row.values[measure]), row.links.get(measure, ""))
                    for measure, _heading in self.measures
                ],
            )
            for row in self.rows
        ]


def _shown(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def drill_url(
    base: QueryDict,
    metric: str,
    *,
    period: tuple[date, date] | None = None,
    **extra,
) -> str:
    """The records behind a figure, under the report's period and filters.

    A report with small cells hidden links to no records: the records name the
    people a hidden cell stands for (see "Small cells and drill-down" in the README).
    """
    if base.get("suppress"):
        return ""
    params = base.copy()
    params["metric"] = metric
    if period is not None:
        params.pop("year", None)
        params["start"], params["end"] = (day.isoformat() for day in period)
    for name, value in extra.items():
        if value is not None:
            params[name] = value
    return f"{reverse('records_training_report_records')}?{params.urlencode()}"


def _breakdown(
    slug: str,
    title: str,
    measure: tuple[str, str],
    counts: dict,
    *,
    dimension: str,
    metric: str,
    labels: DimensionLabels,
    base: QueryDict,
    unit: str | None = None,
    note: str = "",
) -> ReportTable:
    rows = []
    for key, value in sorted(
        counts.items(),
        key=lambda item: (-item[1] if isinstance(item[1], int) else 0, item[0]),
    ):
        links = {}
        if isinstance(value, int):
            links[measure[0]] = drill_url(
                base, metric, dimension=dimension, value=key, unit=unit
            )
        rows.append(
            ReportRow(key, labels.label(dimension, key), {measure[0]: value}, links)
        )
    return ReportTable(slug, title, [measure], rows, note=note)


# Headline figures: (key, label, where in the report, drill-down metric, unit).
HEADLINE_FIGURES = (
    (
        "practitioners_trained",
        _("Practitioners trained"),
        ("practitioners_trained",),
        "trained",
        "learner",
    ),
    (
        "completions",
        _("Course completions"),
        ("completions", "total"),
        "course_completion",
        None,
    ),
    (
        "completion_learners",
        _("Learners who completed a course"),
        ("completions", "learners"),
        "course_completion",
        "learner",
    ),
    (
        "completion_countries",
        _("Countries of those learners"),
        ("completions", "countries"),
        "course_completion",
        "country",
    ),
    (
        "recordings_total",
        _("Recordings viewed or downloaded"),
        ("recordings", "total"),
        "recording",
        None,
    ),
    (
        "recording_views",
        _("Recording views"),
        ("recordings", "views"),
        "recording_view",
        None,
    ),
    (
        "recording_downloads",
        _("Recording downloads"),
        ("recordings", "downloads"),
        "recording_download",
        None,
    ),
    (
        "webinars_delivered",
        _("Webinars delivered"),
        ("webinars", "delivered"),
        "webinar_attendance",
        "webinar",
    ),
    (
        "webinar_participants",
        _("Webinar participants"),
        ("webinars", "participants"),
        "webinar_attendance",
        None,
    ),
    (
        "webinar_registrations",
        _("Webinar registrations"),
        ("webinars", "registrations"),
        "webinar_registration",
        None,
    ),
    (
        "sessions_held",
        _("Live sessions held"),
        ("sessions", "held"),
        "session_attendance",
        "session",
    ),
    (
        "session_participants",
        _("Session participants"),
        ("sessions", "participants"),
        "session_attendance",
        None,
    ),
    (
        "enrolments",
        _("Course enrolments"),
        ("enrolments", "total"),
        "course_enrolment",
        None,
    ),
    (
        "enrolled_learners",
        _("Learners enrolled"),
        ("enrolments", "learners"),
        "course_enrolment",
        "learner",
    ),
    ("rooms_active", _("Active iRooms"), ("rooms", "active"), "activity", "room"),
    ("room_members", _("iRoom members"), ("rooms", "members"), "member", None),
    (
        "resource_views",
        _("Resource views"),
        ("resources", "views"),
        "resource_view",
        None,
    ),
    (
        "resource_downloads",
        _("Resource downloads"),
        ("resources", "downloads"),
        "resource_download",
        None,
    ),
    (
        "surveys_answered",
        _("Follow-up surveys answered"),
        ("surveys", "answered"),
        "survey_answer",
        None,
    ),
    (
        "surveys_sent",
        _("Follow-up surveys sent"),
        ("surveys", "sent"),
        "survey_sent",
        None,
    ),
)
# The trend table: (measure, heading, drill-down metric, unit).
MONTH_MEASURES = (
    ("trained", _("Practitioners trained"), "trained", "learner"),
    ("completions", _("Course completions"), "course_completion", None),
    ("recordings", _("Recordings viewed or downloaded"), "recording", None),
    ("webinar_participants", _("Webinar participants"), "webinar_attendance", None),
    ("session_participants", _("Session participants"), "session_attendance", None),
    ("enrolments", _("Enrolments"), "course_enrolment", None),
)


def report_tables(
    report: dict, trend: dict, labels: DimensionLabels, base: QueryDict
) -> list[ReportTable]:
    """Every table of the report page, in order; the exports are built from these.

    Every count links to the records behind it (`drill_url`), under the same
    period and filters; a month's cells under that month (clipped to the period).
    """
    completions = report["completions"]
    recordings = report["recordings"]
    webinars = report["webinars"]

    headline_rows = []
    for key, label, path, metric, unit in HEADLINE_FIGURES:
        value = report
        for part in path:
            value = value[part]
        links = {"count": drill_url(base, metric, unit=unit)}
        headline_rows.append(ReportRow(key, str(label), {"count": value}, links))
    tables = [
        ReportTable(
            "headline", str(_("Headline figures")), [("count", "Count")], headline_rows
        )
    ]

    start, end = (
        date.fromisoformat(report["period"][name]) for name in ("start", "end")
    )
    month_rows = []
    for month, counts in trend.items():
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        period = (max(month, start), min(following - timedelta(days=1), end))
        values = {
            "trained": counts["trained"],
            "completions": counts["course_completion"],
            "recordings": counts["recording_view"] + counts["recording_download"],
            "webinar_participants": counts["webinar_attendance"],
            "session_participants": counts["session_attendance"],
            "enrolments": counts["course_enrolment"],
        }
        links = {
            measure: drill_url(base, metric, period=period, unit=unit)
            for measure, _heading, metric, unit in MONTH_MEASURES
        }
        month_rows.append(
            ReportRow(month.strftime("%Y-%m"), date_format(month, "F Y"), values, links)
        )
    tables.append(
        ReportTable(
            "by_month",
            str(_("Trend per month")),
            [(measure, str(heading)) for measure, heading, *_drill in MONTH_MEASURES],
            month_rows,
            note=str(
                _(
                    "A practitioner trained in two months counts in both months, "
                    "once in the period's total."
                )
            ),
        )
    )
    completion_measure = ("completions", str(_("Course completions")))
    for slug, title, dimension in (
        ("by_country", _("Course completions by country"), "country"),
        ("by_language", _("Course completions by language"), "language"),
        ("by_sector", _("Course completions by sector"), "sector"),
        ("by_gender", _("Course completions by gender"), "gender"),
        ("by_course", _("Completions by course"), "course"),
    ):
        tables.append(
            _breakdown(
                slug,
                str(title),
                completion_measure,
                completions[slug],
                dimension=dimension,
                metric="course_completion",
                labels=labels,
                base=base,
            )
        )
    tables.append(
        _breakdown(
            "by_recording",
            str(_("Views and downloads by recording")),
            ("views_downloads", str(_("Views and downloads"))),
            recordings["by_recording"],
            dimension="recording",
            metric="recording",
            labels=labels,
            base=base,
        )
    )
    tables.append(
        _breakdown(
            "webinars_by_language",
            str(_("Webinars delivered by language")),
            ("webinars", str(_("Webinars delivered"))),
            webinars["by_language"],
            dimension="language",
            metric="webinar_attendance",
            labels=labels,
            base=base,
            unit="webinar",
        )
    )
    return tables


def _attach_charts(tables: list[ReportTable]) -> None:
    by_slug = {table.slug: table for table in tables}
    months = by_slug["by_month"]
    for measure, title in (
        ("trained", _("Practitioners trained per month")),
        ("recordings", _("Recordings viewed or downloaded per month")),
    ):
        chart = charts.column_chart(
            chart_id=f"chart-month-{measure}",
            title=str(title),
            items=[
                (row.label, row.values[measure], row.links.get(measure, ""))
                for row in months.rows
            ],
        )
        months.chart = [*(months.chart or []), chart]
    for slug in ("by_country", "by_language", "by_sector"):
        table = by_slug[slug]
        measure = table.measures[0][0]
        table.chart = [
            charts.horizontal_bar_chart(
                chart_id=f"chart-{slug}",
                title=f"{table.title} (top 10)",
                items=[
                    (row.label, row.values[measure], row.links.get(measure, ""))
                    for row in table.rows
                ],
            )
        ]


def about_rows(report: dict, form: TrainingReportForm) -> list[dict]:
    """The export's header rows: period, filters, definitions and freshness."""

    def about(measure, value, key="", label=""):
        return {
            "table": "about",
            "measure": measure,
            "key": key,
            "label": label,
            "value": value,
        }

    rows = [
        about("period_start", report["period"]["start"]),
        about("period_end", report["period"]["end"]),
        about("fresh_to", report["fresh_to"], label="Data fresh to"),
        about("definitions_version", report["definitions"]["version"]),
    ]
    for name, value in form.filters.items():
        rows.append(about("filter", value, key=name))
    if report.get("suppressed_below"):
        rows.append(
            about(
                "suppressed_below",
                report["suppressed_below"],
                label="Counts below this show as <N",
            )
        )
    for rule, text in report["definitions"]["rules"].items():
        rows.append(about("rule", text, key=rule))
    return rows


def export_rows(tables: list[ReportTable]) -> list[dict]:
    return [
        {
            "table": table.slug,
            "measure": measure,
            "key": row.key,
            "label": row.label,
            "value": row.values[measure],
        }
        for table in tables
        for row in table.rows
        for measure, _heading in table.measures
    ]


# --- the views ----------------------------------------------------------------------


class ReportPermissionMixin:
    """Deny by default: 403 for anyone without the reporting permission."""

    def user_allowed(self, user) -> bool:
        return user_can_view_training_report(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.user_allowed(request.user):
            return TemplateResponse(
                request, "records/admin/denied.html", {}, status=403
            )
        return super().dispatch(request, *args, **kwargs)


class TrainingReportView(ReportPermissionMixin, ReportView):
    """The admins' training report: figures, charts, tables, summary, exports."""

    template_name = "records/admin/training_report.html"
    page_title = _("Training report")
    header_icon = "table"
    paginate_by = None
    index_url_name = "records_training_report"
    list_export = ["table", "measure", "key", "label", "value"]
    export_headings = {
        "table": "table",
        "measure": "measure",
        "key": "key",
        "label": "label",
        "value": "value",
    }

    def get_filename(self):
        start, end = self.form.period
        table = self.request.GET.get("table")
        suffix = f"-{table}" if table else ""
        return f"training-report-{start.isoformat()}-{end.isoformat()}{suffix}"

    def get(self, request, *args, **kwargs):
        self.form = report_form(request)
        self.report = None
        self.object_list = []
        if self.form.is_valid():
            try:
                self._build()
            except RecordsError as error:
                self.form.add_error(None, str(error))
        if self.report is None:
            context = self.get_context_data()
            return self.render_to_response(context, status=400)
        if self.is_export:
            return self.as_spreadsheet(self.object_list, request.GET.get("export"))
        if request.GET.get("format") == "summary":
            response = HttpResponse(
                self.summary_text, content_type="text/plain; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="{self.get_filename()}-summary.txt"'
            )
            return response
        return self.render_to_response(self.get_context_data())

    def _build(self) -> None:
        form = self.form
        start, end = form.period
        params = {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "version": form.rules_version,
            "suppress": "1" if form.hide_small_cells else "",
            **form.filters,
        }
        self.report = report_for_params(params)
        trend = selectors.monthly_trend(
            start, end, form.filters, version=form.rules_version, metrics=TREND_METRICS
        )
        courses = selectors.completions_per_course(
            start, end, form.filters, version=form.rules_version
        )
        base = form.query()
        self.tables = report_tables(self.report, trend, form.labels, base)
        _attach_charts(self.tables)
        kwargs = {
            "courses": courses,
            "course_titles": {key: form.labels.label("course", key) for key in courses},
        }
        self.summary = summary_sentences(self.report, **kwargs)
        self.summary_text = summary_text(self.report, **kwargs)
        wanted = self.request.GET.get("table")
        rows = export_rows(
            [table for table in self.tables if not wanted or table.slug == wanted]
        )
        self.object_list = about_rows(self.report, form) + rows
        for table in self.tables:
            table.export_csv = self._export_url(base, "csv", table.slug)
            table.export_xlsx = self._export_url(base, "xlsx", table.slug)
        self.base_query = base

    def _export_url(self, base: QueryDict, export: str, table: str = "") -> str:
        params = base.copy()
        params["export"] = export
        if table:
            params["table"] = table
        return f"{self.request.path}?{params.urlencode()}"

    def get_export_url(self, format):
        if getattr(self, "base_query", None) is None:
            return super().get_export_url(format)
        return self._export_url(self.base_query, format)

    @property
    def show_export_buttons(self):
        return self.report is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["report"] = self.report
        if self.report is not None:
            start, end = self.form.period
            context.update(
                tables=self.tables,
                headline=self.tables[0],
                summary=self.summary,
                summary_url=f"{self.request.path}?"
                f"{self.base_query.urlencode()}&format=summary",
                period_label=f"{date_format(start, 'j F Y')} – "
                f"{date_format(end, 'j F Y')}",
                rules=self.report["definitions"]["rules"],
                threshold=settings.RECORDS_SMALL_CELL_THRESHOLD,
            )
        return context

    def render_to_response(self, context, **response_kwargs):
        return TemplateResponse(
            self.request, self.template_name, context, **response_kwargs
        )


RECORD_TYPES = {**dict(EventType.choices), "survey_sent": _("Follow-up survey sent")}


class EventTypeColumn(Column):
    def get_value(self, instance):
        return RECORD_TYPES[instance.event_type]


def survey_invitation_records(invitations: QuerySet) -> QuerySet:
    """Invitations shaped as the records list's rows (the event they are about)."""
    about = {
        name: F(f"source_event__{name}")
        for name in (
            "country",
            "sector",
            "gender",
            "language",
            "room",
            "course",
            "webinar",
            "recording",
        )
    }
    return invitations.annotate(
        occurred_at=F("sent_at"),
        event_type=Value("survey_sent"),
        learner=F("actor__email"),
        idempotency_key=Concat(
            Value("survey-invitation:"), Cast("pk", output_field=CharField())
        ),
        **about,
    )


class TrainingReportRecordsView(ReportPermissionMixin, ReportView):
    """The records behind a figure: the counted events, filterable and exportable.

    Its number of records equals the figure: a distinct figure (learners,
    countries, webinars, sessions, rooms) lists one record per unit counted.
    """

    template_name = "records/admin/training_report_records.html"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    page_title = _("Records behind a figure")
    header_icon = "list-ul"
    paginate_by = 50
    index_url_name = "records_training_report_records"
    columns = [
        Column("occurred_at", label=_("When (UTC)")),
        EventTypeColumn("event_type", label=_("Event")),
        Column("learner", label=_("Learner")),
        Column("country", label=_("Country")),
        Column("sector", label=_("Sector")),
        Column("gender", label=_("Gender")),
        Column("language", label=_("Language")),
        Column("object_label", label=_("Object")),
        Column("room", label=_("Room")),
        Column("course", label=_("Course")),
        Column("webinar", label=_("Webinar")),
        Column("recording", label=_("Recording")),
    ]
    list_export = [
        "occurred_at",
        "event_type",
        "learner",
        "country",
        "sector",
        "gender",
        "language",
        "object_type",
        "object_id",
        "room",
        "course",
        "webinar",
        "recording",
        "idempotency_key",
    ]
    export_headings = {name: name for name in list_export}

    def get_filename(self):
        start, end = self.form.period
        return f"training-records-{self.metric}-{start.isoformat()}-{end.isoformat()}"

    def get(self, request, *args, **kwargs):
        self.form = report_form(request)
        self.metric = request.GET.get("metric", "")
        self.dimension = request.GET.get("dimension") or None
        self.value = request.GET.get("value", "")
        self.unit = request.GET.get("unit") or None
        self.error = None
        status = 400
        if self.metric not in DRILL_METRICS:
            self.error = _("Choose a figure to see the records behind it.")
        elif self.dimension and self.dimension not in selectors.DRILL_DIMENSIONS:
            self.error = _("Unknown breakdown.")
        elif self.unit and self.unit not in DRILL_UNITS:
            self.error = _("Unknown unit.")
        elif not self.form.is_valid():
            self.error = _("Correct the period or filters below.")
        elif self.form.hide_small_cells:
            # The records name the people a hidden cell stands for.
            self.error = _(
                "Records are not listed for a report with small cells hidden. "
                "Show the report without hiding small cells to see its records."
            )
            status = 403
        if self.error is None:
            try:
                self.object_list = self.get_queryset()
            except RecordsError as error:
                self.error = str(error)
        if self.error is not None:
            self.object_list = []
            return TemplateResponse(
                request, self.template_name, self.get_context_data(), status=status
            )
        context = self.get_context_data()
        if self.is_export:
            return self.as_spreadsheet(
                context["object_list"], request.GET.get("export")
            )
        return TemplateResponse(request, self.template_name, context)

    @property
    def hidden_params(self) -> list[tuple[str, str]]:
        """The figure being drilled into, kept when the form is submitted again."""
        params = [("metric", self.metric)]
        if self.dimension:
            params += [("dimension", self.dimension), ("value", self.value)]
        if self.unit:
            params.append(("unit", self.unit))
        return params

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("records_training_report"), "label": _("Training report")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_queryset(self):
        start, end = self.form.period
        if self.metric == "survey_sent":
            return survey_invitation_records(
                selectors.survey_invitations_sent(start, end, self.form.filters)
            )
        return selectors.facts_behind(
            metric=self.metric,
            start=start,
            end=end,
            filters=self.form.filters,
            dimension=self.dimension,
            value=self.value,
            unit=self.unit,
            version=self.form.rules_version,
        ).annotate(learner=F("actor__email"))

    def decorate_paginated_queryset(self, object_list):
        for event in object_list:
            event.object_label = f"{event.object_type}:{event.object_id}"
        return object_list

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        if self.error is not None:
            context.update(
                error=self.error, report_url=reverse("records_training_report")
            )
            return context
        context["object_list"] = self.decorate_paginated_queryset(
            context["object_list"]
        )
        start, end = self.form.period
        described = [str(DRILL_METRICS[self.metric])]
        if self.dimension:
            shown = self.form.labels.label(self.dimension, self.value)
            described.append(f"{self.dimension}: {shown}")
        for name, value in self.form.filters.items():
            described.append(f"{name}: {self.form.labels.label(name, value)}")
        if self.unit:
            described.append(str(DRILL_UNITS[self.unit]))
        context.update(
            form=self.form,
            description=", ".join(described),
            period_label=f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}",
            report_url=f"{reverse('records_training_report')}?"
            f"{self.form.query().urlencode()}",
            metric=self.metric,
            dimension=self.dimension or "",
            value=self.value,
            unit=self.unit or "",
        )
        return context


# --- reporting tokens ---------------------------------------------------------------


class ReportingTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as “Monthly dashboard”."),
    )
    expires_on = forms.DateField(
        label=_("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The token stops working when this day begins (UTC)."),
    )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day and day <= timezone.now().date():
            raise forms.ValidationError(_("Choose a day after today."))
        return day

    @property
    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        return datetime.combine(day, time.min, tzinfo=UTC) if day else None


class ReportingTokensView(ReportPermissionMixin, WagtailAdminTemplateMixin, View):
    """Issue and list reporting API tokens: your own, or everyone's for superusers.

    A new key is shown once, in the answer to the form that issued it; only its
    hash is stored, so it can never be shown again.
    """

    template_name = "records/admin/reporting_tokens.html"
    page_title = _("Reporting API tokens")
    header_icon = "key"

    def user_allowed(self, user) -> bool:
        # The API answers staff only: a token for anyone else would never work.
        return user_can_view_training_report(user) and user.is_staff

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=ReportingTokenForm()))

    def post(self, request):
        form = ReportingTokenForm(request.POST)
        if form.is_valid():
            try:
                key = tokens.reporting_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    expires_at=form.expires_at,
                )
            except RecordsError as error:
                form.add_error(None, str(error))
            else:
                context = self.get_context_data(form=ReportingTokenForm(), new_key=key)
                return self.render_to_response(context, status=201)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tokens=tokens.reporting_tokens_visible(user=self.request.user),
            show_owner=self.request.user.is_superuser,
            now=timezone.now(),
            api_url=self.request.build_absolute_uri(reverse("records:training_report")),
        )
        return context


class ReportingTokenRevokeView(ReportingTokensView):
    """POST: revoke one token (its owner's, or any for a superuser)."""

    http_method_names = ["post"]

    def post(self, request, token_id: int):
        try:
            token = tokens.reporting_token_revoke(token_id=token_id, by=request.user)
        except RecordsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The token “%(name)s” is revoked.") % {"name": token.name}
            )
        return redirect("records_reporting_tokens")
