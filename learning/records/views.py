"""HTTP: the tracking endpoint, the training-report API, the follow-up survey form."""

import functools
import json
import re
from datetime import date

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from learning.records import services
from learning.records.api import (
    CLIENT_EVENT_TYPES,
    EventType,
    TrackingDenied,
    event_payload,
    tracking_access_check,
    tracking_grant_read,
)
from learning.records.definitions import CURRENT_VERSION
from learning.records.selectors import period_for_year, training_report
from learning.records.services import RecordsError
from learning.records.tokens import reporting_token_user

REPORT_PERMISSION = "records.view_training_report"
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,80}$")
_OBJECT_TYPES = {
    EventType.RECORDING_VIEWED: "webinars.recording",
    EventType.RESOURCE_VIEWED: "irooms.resource",
}
_MAX_SECONDS = 7 * 24 * 3600
GRANT_META = "HTTP_X_TRACKING_GRANT"  # the X-Tracking-Grant header


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _number(item: dict, name: str, *, required: bool) -> float | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordsError(f"'{name}' must be a number of seconds.")
    if not 0 <= value <= _MAX_SECONDS:
        raise RecordsError(f"'{name}' is out of range.")
    return float(value)


def _client_fields(item) -> tuple[str, str, str, dict, dict, str | None]:
    """Validate one browser-sent event: (type, key, object id, context, claimed
    dimensions, language). The actor and the time are the server's."""
    if not isinstance(item, dict):
        raise RecordsError("Each event must be a JSON object.")
    event_type = item.get("type")
    if event_type not in CLIENT_EVENT_TYPES:
        allowed = ", ".join(sorted(CLIENT_EVENT_TYPES))
        raise RecordsError(f"'type' must be one of: {allowed}.")
    key = item.get("idempotency_key")
    if not isinstance(key, str) or not _KEY_PATTERN.match(key):
        raise RecordsError(
            "'idempotency_key' is required: 8 to 80 letters, digits or . _ : -"
        )
    object_id = item.get("object_id")
    if not isinstance(object_id, str | int) or not str(object_id).strip():
        raise RecordsError("'object_id' is required.")
    context = {}
    if event_type == EventType.RECORDING_VIEWED:
        context["seconds_played"] = _number(item, "seconds_played", required=True)
        # Validated for a clear error, but never trusted: see the duration below.
        _number(item, "duration", required=False)
    dimensions = {}
    for name in ("room", "course", "webinar"):
        value = item.get(name)
        if value is not None:
            if not isinstance(value, str | int) or len(str(value)) > 64:
                raise RecordsError(f"'{name}' must be an id.")
            dimensions[name] = str(value)
    language = item.get("language")
    if language is not None and (not isinstance(language, str) or len(language) > 10):
        raise RecordsError("'language' must be a language code.")
    return event_type, key, str(object_id).strip()[:100], context, dimensions, language


def _client_payload(*, actor, fields: tuple, facts: dict, language: str | None) -> dict:
    """The event from `_client_fields(item)`, with the server's `facts` replacing the
    browser's claims; `language` when the event names none."""
    event_type, key, object_id, context, dimensions, own_language = fields
    if event_type == EventType.RECORDING_VIEWED and facts.get("duration"):
        # The stored duration, not the browser's: a forged short duration would
        # lower the 10% threshold. Unknown: the 30 s rule alone applies.
        context["duration"] = float(facts["duration"])
    return event_payload(
        event_type=event_type,
        actor=actor,
        object_type=_OBJECT_TYPES[event_type],
        object_id=object_id,
        dimensions={**dimensions, **(facts.get("dimensions") or {})},
        language=own_language or language,
        # Namespaced by user: one learner's keys can never hide another's events.
        idempotency_key=f"c:{actor.pk}:{key}",
        context=context,
    )


def _session_event(request, item) -> dict:
    """An event sent with the session: the object's app checks access now."""
    fields = _client_fields(item)
    event_type, _key, object_id, _context, dimensions, _language = fields
    # Deny by default: the object's app must agree that this user may see it.
    facts = tracking_access_check(
        user=request.user,
        object_type=_OBJECT_TYPES[event_type],
        object_id=object_id,
        dimensions=dimensions,
    )
    return _client_payload(
        actor=request.user, fields=fields, facts=facts, language=request.LANGUAGE_CODE
    )


def _granted_event(grant, item) -> dict:
    """An event sent with a page's grant: it may only be about the granted object."""
    fields = _client_fields(item)
    event_type, _key, object_id, _context, _dimensions, _language = fields
    if _OBJECT_TYPES[event_type] != grant.object_type or object_id != grant.object_id:
        raise TrackingDenied("The grant is for another object.")
    facts = {"dimensions": grant.dimensions, "duration": grant.duration}
    # No LocaleMiddleware on this route: without the event's own language, the
    # learner's preferred one (event_payload's fallback).
    return _client_payload(actor=grant, fields=fields, facts=facts, language=None)


def _events_stored(request, make_payload) -> JsonResponse:
    """Validate every event of the body with `make_payload(item)`, then store them
    all or none: 202 once durable (Redis stream or PostgreSQL), never after a task."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error("The body must be JSON.")
    items = (
        body.get("events") if isinstance(body, dict) and "events" in body else [body]
    )
    if not isinstance(items, list) or not items:
        return _error("'events' must be a non-empty list.")
    if len(items) > settings.RECORDS_TRACK_MAX_EVENTS:
        return _error(
            f"At most {settings.RECORDS_TRACK_MAX_EVENTS} events per request."
        )
    try:
        payloads = [make_payload(item) for item in items]
    except TrackingDenied as error:
        return _error(str(error), status=403)
    except RecordsError as error:
        return _error(str(error))
    route = services.events_record(payloads=payloads, via="stream")
    return JsonResponse({"accepted": len(payloads), "stored": route}, status=202)


@require_http_methods(["POST"])
def track(request):
    """POST /api/v1/track/: a learner's own viewing and playback events.

    Body: one event object, or {"events": [...]}. This view is the session route
    (cookie, CSRF token, MFA gate: the whole middleware stack); a request carrying
    a page's grant in X-Tracking-Grant is answered before that stack by
    `TrackingGrantMiddleware` (`track_granted`).
    """
    if not request.user.is_authenticated:
        return _error("Log in to record learning activity.", status=403)
    return _events_stored(request, lambda item: _session_event(request, item))


def track_granted(request) -> JsonResponse:
    """The grant route of POST /api/v1/track/: the player's hot path.

    The signed grant (`tracking_grant`) proves who may track which object, so this
    reads neither the session nor the database and needs no CSRF token (a header
    the page's script sets is not a credential the browser adds by itself).
    """
    try:
        grant = tracking_grant_read(request.META[GRANT_META])
    except TrackingDenied as error:
        return _error(str(error), status=403)
    return _events_stored(request, lambda item: _granted_event(grant, item))


class TrackingGrantMiddleware:
    """Answer granted tracking requests before the session, locale, CSRF, auth,
    messages and MFA middleware, none of which they use. Goes right after Django's
    SecurityMiddleware (and the SCORM content origin's), so those still apply."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            GRANT_META in request.META
            and request.method == "POST"
            and request.path_info == _track_path()
        ):
            # What CommonMiddleware would have checked: a Host outside
            # ALLOWED_HOSTS is refused (DisallowedHost, a 400) here too.
            request.get_host()
            return track_granted(request)
        return self.get_response(request)


@functools.cache
def _track_path() -> str:
    return reverse("records:track")


def _report_user(request):
    """The session user, or the owner of a usable `Authorization: Token <key>`."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() in ("token", "bearer") and key.strip():
        return reporting_token_user(key.strip())
    return request.user if request.user.is_authenticated else None


def report_period(params) -> tuple[date, date]:
    """Read ?year= or ?start=&end= (ISO dates); raises RecordsError."""
    try:
        if params.get("year"):
            year = int(params["year"])
            if not 1990 <= year <= 2200:
                raise ValueError
            return period_for_year(year)
        if params.get("start") and params.get("end"):
            return date.fromisoformat(params["start"]), date.fromisoformat(
                params["end"]
            )
    except ValueError as error:
        raise RecordsError(
            "Give ?year=YYYY, or ?start=YYYY-MM-DD&end=YYYY-MM-DD."
        ) from error
    raise RecordsError("Give ?year=YYYY, or ?start=YYYY-MM-DD&end=YYYY-MM-DD.")


def report_for_params(params) -> dict:
    """The report a query string asks for; older rule versions are computed first."""
    start, end = report_period(params)
    filters = {
        name: params[name] for name in services.SCOPE_FILTERS if params.get(name)
    }
    version = params.get("version") or CURRENT_VERSION
    if version != CURRENT_VERSION:
        services.version_materialise(version=version, start=start, end=end)
    return training_report(
        start,
        end,
        filters,
        version=version,
        suppress=params.get("suppress") in ("1", "true", "yes"),
    )


@require_GET
def training_report_api(request):
    """GET /api/v1/reports/training/: the report as JSON, for reporting staff only."""
    user = _report_user(request)
    if (
        user is None
        or not user.is_active
        or not user.is_staff
        or not user.has_perm(REPORT_PERMISSION)
    ):
        return _error("You do not have permission to view training reports.", 403)
    try:
        report = report_for_params(request.GET)
    except RecordsError as error:
        return _error(str(error))
    return JsonResponse(report, json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    """The follow-up survey behind a signed link from the invitation e-mail."""
    try:
        invitation_id = signing.loads(token, salt=services.SURVEY_SALT)["invitation"]
    except (signing.BadSignature, KeyError, TypeError):
        return HttpResponse("This survey link is not valid.", status=400)
    error = None
    if request.method == "POST":
        try:
            services.survey_answer_submit(
                invitation_id=invitation_id,
                answer=request.POST.get("answer", ""),
                comment=request.POST.get("comment", "").strip(),
            )
        except RecordsError as problem:
            error = str(problem)
        else:
            return render(request, "records/survey_thanks.html")
    return render(
        request,
        "records/survey_form.html",
        {"error": error, "answers": services.SURVEY_ANSWERS},
        status=400 if error else 200,
    )
