"""The training report in the Wagtail admin: figures, charts, tables, exports, records.

Both views are Wagtail `ReportView`s, so CSV and XLSX export come from Wagtail's
SpreadsheetExportMixin: `?export=csv` (every table) or `?export=csv&table=by_country`
(one table). Every export starts with "about" rows: the period, the filters, the
definitions version and its rules, and the time the data is fresh to.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from learning.accounts.models import Gender, Sector
from learning.records import charts, selectors
from learning.records.definitions import CURRENT_VERSION, VERSIONS
from learning.records.models import EventType
from learning.records.services import SCOPE_FILTERS, RecordsError
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
# Drill-down metrics: the core's metrics, "trained", and "recording" (views and
# downloads together, as the headline counts them).
DRILL_METRICS = {
    "trained": _("Practitioners trained"),
    "recording": _("Recording views and downloads"),
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
DRILL_DIMENSIONS = (
    "country",
    "language",
    "sector",
    "gender",
    "course",
    "room",
    "webinar",
    "recording",
)


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
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT dimension, value FROM records_rollup "
            "WHERE version = %s AND grain = 'month' AND scope = '' "
            "AND dimension = ANY(%s) ORDER BY dimension, value",
            [version, list(found)],
        )
        for dimension, value in cursor.fetchall():
            found[dimension].append(value)
    return found


# --- the period and filter form -----------------------------------------------------


class TrainingReportForm(forms.Form):
    """Period (a year, or a date range) and one optional filter; validated here."""

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
        chosen = [name for name in SCOPE_FILTERS if cleaned.get(name)]
        if len(chosen) > 1:
            raise forms.ValidationError(
                _(
                    "Filter by one of room, course, webinar, country or language at "
                    "a time."
                )
            )
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


def _drill_url(base: QueryDict, metric: str, **extra) -> str:
    params = base.copy()
    params.pop("suppress", None)
    params["metric"] = metric
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
    note: str = "",
) -> ReportTable:
    rows = []
    for key, value in sorted(
        counts.items(),
        key=lambda item: (-item[1] if isinstance(item[1], int) else 0, item[0]),
    ):
        links = {}
        if isinstance(value, int) and value:
            # A suppressed cell links nowhere: its records would reveal it.
            links[measure[0]] = _drill_url(base, metric, dimension=dimension, value=key)
        rows.append(
            ReportRow(key, labels.label(dimension, key), {measure[0]: value}, links)
        )
    return ReportTable(slug, title, [measure], rows, note=note)


def report_tables(
    report: dict, trend: dict, labels: DimensionLabels, base: QueryDict
) -> list[ReportTable]:
    """Every table of the report page, in order; the exports are built from these."""
    completions = report["completions"]
    recordings = report["recordings"]
    webinars = report["webinars"]

    def headline(key, label, value, metric=None):
        links = {"count": _drill_url(base, metric)} if metric and value else {}
        return ReportRow(key, str(label), {"count": value}, links)

    headline_rows = [
        headline(
            "practitioners_trained",
            _("Practitioners trained"),
            report["practitioners_trained"],
            "trained",
        ),
        headline(
            "completions",
            _("Course completions"),
            completions["total"],
            "course_completion",
        ),
        headline(
            "completion_learners",
            _("Learners who completed a course"),
            completions["learners"],
            "course_completion",
        ),
        headline(
            "completion_countries",
            _("Countries of those learners"),
            completions["countries"],
            "course_completion",
        ),
        headline(
            "recordings_total",
            _("Recordings viewed or downloaded"),
            recordings["total"],
            "recording",
        ),
        headline(
            "recording_views",
            _("Recording views"),
            recordings["views"],
            "recording_view",
        ),
        headline(
            "recording_downloads",
            _("Recording downloads"),
            recordings["downloads"],
            "recording_download",
        ),
        headline(
            "webinars_delivered",
            _("Webinars delivered"),
            webinars["delivered"],
            "webinar_attendance",
        ),
        headline(
            "webinar_participants",
            _("Webinar participants"),
            webinars["participants"],
            "webinar_attendance",
        ),
        headline(
            "webinar_registrations",
            _("Webinar registrations"),
            webinars["registrations"],
            "webinar_registration",
        ),
        headline(
            "sessions_held",
            _("Live sessions held"),
            report["sessions"]["held"],
            "session_attendance",
        ),
        headline(
            "session_participants",
            _("Session participants"),
            report["sessions"]["participants"],
            "session_attendance",
        ),
        headline(
            "enrolments",
            _("Course enrolments"),
            report["enrolments"]["total"],
            "course_enrolment",
        ),
        headline(
            "enrolled_learners",
            _("Learners enrolled"),
            report["enrolments"]["learners"],
            "course_enrolment",
        ),
        headline(
            "rooms_active", _("Active iRooms"), report["rooms"]["active"], "room_join"
        ),
        headline("room_members", _("iRoom members"), report["rooms"]["members"]),
        headline(
            "resource_views",
            _("Resource views"),
            report["resources"]["views"],
            "resource_view",
        ),
        headline(
            "resource_downloads",
            _("Resource downloads"),
            report["resources"]["downloads"],
            "resource_download",
        ),
        headline(
            "surveys_answered",
            _("Follow-up surveys answered"),
            report["surveys"]["answered"],
            "survey_answer",
        ),
        headline(
            "surveys_sent", _("Follow-up surveys sent"), report["surveys"]["sent"]
        ),
    ]
    tables = [
        ReportTable(
            "headline", str(_("Headline figures")), [("count", "Count")], headline_rows
        )
    ]

    month_measures = [
        ("trained", str(_("Practitioners trained"))),
        ("completions", str(_("Course completions"))),
        ("recordings", str(_("Recordings viewed or downloaded"))),
        ("webinar_participants", str(_("Webinar participants"))),
        ("session_participants", str(_("Session participants"))),
        ("enrolments", str(_("Enrolments"))),
    ]
    month_rows = []
    for month, counts in trend.items():
        month_rows.append(
            ReportRow(
                month.strftime("%Y-%m"),
                date_format(month, "F Y"),
                {
                    "trained": counts["trained"],
                    "completions": counts["course_completion"],
                    "recordings": counts["recording_view"]
                    + counts["recording_download"],
                    "webinar_participants": counts["webinar_attendance"],
                    "session_participants": counts["session_attendance"],
                    "enrolments": counts["course_enrolment"],
                },
            )
        )
    tables.append(
        ReportTable(
            "by_month",
            str(_("Trend per month")),
            month_measures,
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
            note=str(_("The records behind a row are the webinars' attendances.")),
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
            items=[(row.label[:3], row.values[measure]) for row in months.rows],
        )
        months.chart = [*(months.chart or []), chart]
    for slug in ("by_country", "by_language", "by_sector"):
        table = by_slug[slug]
        measure = table.measures[0][0]
        table.chart = [
            charts.horizontal_bar_chart(
                chart_id=f"chart-{slug}",
                title=f"{table.title} (top 10)",
                items=[(row.label, row.values[measure]) for row in table.rows],
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

    def dispatch(self, request, *args, **kwargs):
        if not user_can_view_training_report(request.user):
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


class EventTypeColumn(Column):
    def get_value(self, instance):
        return EventType(instance.event_type).label


class TrainingReportRecordsView(ReportPermissionMixin, ReportView):
    """The records behind a figure: the counted events, filterable and exportable."""

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
        self.error = None
        if self.metric not in DRILL_METRICS:
            self.error = _("Choose a figure to see the records behind it.")
        elif self.dimension and self.dimension not in DRILL_DIMENSIONS:
            self.error = _("Unknown breakdown.")
        elif not self.form.is_valid():
            self.error = _("Correct the period or filters below.")
        if self.error is None:
            try:
                self.object_list = self.get_queryset()
            except RecordsError as error:
                self.error = str(error)
        if self.error is not None:
            self.object_list = []
            return TemplateResponse(
                request, self.template_name, self.get_context_data(), status=400
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
        return params

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("records_training_report"), "label": _("Training report")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_queryset(self):
        from django.db.models import F

        start, end = self.form.period
        kwargs = {
            "start": start,
            "end": end,
            "filters": self.form.filters,
            "dimension": self.dimension,
            "value": self.value,
            "version": self.form.rules_version,
        }
        if self.metric == "recording":
            queryset = selectors.facts_behind(
                metric="recording_view", **kwargs
            ) | selectors.facts_behind(metric="recording_download", **kwargs)
        else:
            queryset = selectors.facts_behind(metric=self.metric, **kwargs)
        return queryset.annotate(learner=F("actor__email"))

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
        context.update(
            form=self.form,
            description=", ".join(described),
            period_label=f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}",
            report_url=f"{reverse('records_training_report')}?"
            f"{self.form.query().urlencode()}",
            metric=self.metric,
            dimension=self.dimension or "",
            value=self.value,
        )
        return context
