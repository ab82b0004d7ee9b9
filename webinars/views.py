"""Webinar views: registration, calendar, recordings, attendance."""

import json
import os
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from learning.accounts.gates import profile_gate, profile_required
from learning.records.api import tracking_grant
from webinars import selectors, services
from webinars.forms import AttendanceImportForm, CaptionForm
from webinars.media import UnsatisfiableRange, file_chunks, parse_range
from webinars.models import (
    Caption,
    Recording,
    RecordingStatus,
    RegistrationStatus,
    WebinarPage,
)


def deny_unless_visible(request, page):
    """None when the visitor may see the series or webinar; else log in, or 404."""
    series = page if not isinstance(page, WebinarPage) else page.series
    if series.is_public:
        return None
    gate = profile_gate(request)
    if gate is not None:
        return gate
    if not selectors.series_visible_to_user(series=series, user=request.user):
        raise Http404
    return None


def _visible_webinar(request, webinar_id: int) -> WebinarPage:
    webinar = get_object_or_404(WebinarPage.objects.live(), pk=webinar_id)
    if not selectors.webinar_visible_to_user(webinar=webinar, user=request.user):
        raise Http404
    return webinar


def _managed_webinar(request, webinar_id: int) -> WebinarPage:
    webinar = get_object_or_404(WebinarPage, pk=webinar_id)
    if not selectors.webinar_manageable_by(webinar=webinar, user=request.user):
        raise Http404
    return webinar


def _visible_recording(request, recording_id: int) -> Recording:
    """The recording if the visitor may watch it (else a 404), with the audience of
    its series kept on it for the records' dimensions."""
    recording = get_object_or_404(
        Recording.objects.select_related("webinar"), pk=recording_id
    )
    audience = selectors.recording_audience_for(recording=recording, user=request.user)
    if audience is None:
        raise Http404
    recording.series_audience = audience
    return recording


# --- registration -----------------------------------------------------------------


@require_POST
@profile_required
def webinar_register(request, webinar_id: int):
    webinar = _visible_webinar(request, webinar_id)
    try:
        registration = services.registration_create(
            webinar=webinar, user=request.user, language=request.LANGUAGE_CODE
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(request, _("You are registered."))
        else:
            messages.info(
                request,
                _("The webinar is full: you are on the waiting list."),
            )
    return redirect(webinar.url)


@require_POST
@profile_required
def webinar_cancel(request, webinar_id: int):
    webinar = _visible_webinar(request, webinar_id)
    if services.registration_cancel(webinar=webinar, user=request.user):
        messages.success(request, _("Your registration is cancelled."))
    return redirect(webinar.url)


@require_GET
def webinar_calendar(request, webinar_id: int):
    webinar = _visible_webinar(request, webinar_id)
    registration = selectors.registration_of(webinar=webinar, user=request.user)
    has_seat = bool(
        registration and registration.status == RegistrationStatus.REGISTERED
    )
    content = services.webinar_calendar_file(
        webinar=webinar, include_join_link=has_seat
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="webinar-{webinar.pk}.ics"'
    return response


# --- recordings: player, stream, download ----------------------------------------


@require_GET
def recording_player(request, recording_id: int):
    recording = _visible_recording(request, recording_id)
    return render(
        request,
        "webinars/recording_player.html",
        {
            "recording": recording,
            "webinar": recording.webinar,
            "captions": list(recording.captions.all()),
            "room_id": _record_dimensions(recording)["room"],
            "tracking_grant": tracking_grant(
                user=request.user,
                object_type="webinars.recording",
                object_id=recording.pk,
            ),
        },
    )


def _protected_file_response(recording: Recording, *, download: bool) -> HttpResponse:
    """Hand the file to the web server (X-Accel-Redirect / X-Sendfile) after the check.

    The web server then answers ranges itself.
    """
    response = HttpResponse(content_type=recording.content_type)
    if settings.PROTECTED_FILE_SERVING == "nginx":
        response["X-Accel-Redirect"] = (
            settings.PROTECTED_FILE_INTERNAL_PREFIX.rstrip("/")
            + "/"
            + quote(recording.file.name)
        )
    else:
        response["X-Sendfile"] = recording.file.path
    if download:
        response["Content-Disposition"] = _attachment(recording)
    return response


def _attachment(recording: Recording) -> str:
    extension = os.path.splitext(recording.file.name)[1]
    name = f"{recording.title}{extension}"
    ascii_name = name.encode("ascii", "ignore").decode() or f"recording{extension}"
    ascii_name = ascii_name.replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _record_dimensions(recording: Recording) -> dict:
    """As `webinars.api.recording_tracking_access` gives them: the same room."""
    room_id = recording.series_audience.first_room_id
    return {
        "webinar": str(recording.webinar_id),
        "recording": str(recording.pk),
        "room": str(room_id) if room_id is not None else "",
    }


def _serve_recording(request, recording: Recording, *, download: bool):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    path = recording.file.path
    size = os.path.getsize(path)
    try:
        byte_range = parse_range(request.headers.get("Range"), size)
    except UnsatisfiableRange:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    if settings.PROTECTED_FILE_SERVING in ("nginx", "apache"):
        if download and byte_range is None:
            _download_record_handed_over(request, recording)
        return _protected_file_response(recording, download=download)
    if byte_range is None:
        first, last, status = 0, size - 1, 200
    else:
        (first, last), status = byte_range, 206
    length = last - first + 1 if size else 0
    chunks = file_chunks(path, first, length) if request.method == "GET" else iter(())
    if download and status == 200 and request.method == "GET":
        from learning.records.api import EventType, recording_download_response

        response = recording_download_response(
            request=request,
            chunks=chunks,
            event_type=EventType.RECORDING_DOWNLOADED,
            object_type="webinars.recording",
            object_id=str(recording.pk),
            dimensions=_record_dimensions(recording),
            language=recording.webinar.delivery_language,
            content_type=recording.content_type,
        )
    else:
        response = StreamingHttpResponse(
            chunks, status=status, content_type=recording.content_type
        )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-transform"
    response["X-Content-Type-Options"] = "nosniff"
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    if download:
        response["Content-Disposition"] = _attachment(recording)
    return response


def _download_record_handed_over(request, recording: Recording) -> None:
    """With the web server sending the file, Python counts at hand-over."""
    from learning.records.api import EventType, record_download

    record_download(
        request=request,
        event_type=EventType.RECORDING_DOWNLOADED,
        object_type="webinars.recording",
        object_id=str(recording.pk),
        dimensions=_record_dimensions(recording),
        language=recording.webinar.delivery_language,
    )


def recording_stream(request, recording_id: int):
    """The video for the player: whole (200) or by range (206); 416 out of range."""
    recording = _visible_recording(request, recording_id)
    return _serve_recording(request, recording, download=False)


def recording_download(request, recording_id: int):
    """The whole file as an attachment, counted once when the last byte is sent."""
    recording = _visible_recording(request, recording_id)
    return _serve_recording(request, recording, download=True)


@require_GET
def recording_caption(request, recording_id: int, language: str):
    recording = _visible_recording(request, recording_id)
    caption = get_object_or_404(Caption, recording=recording, language=language)
    with caption.file.open("rb") as stream:
        content = stream.read()
    return HttpResponse(content, content_type="text/vtt; charset=utf-8")


# --- recordings: upload (editors of the webinar) ----------------------------------


@profile_required
def recording_upload_page(request, webinar_id: int):
    webinar = _managed_webinar(request, webinar_id)
    caption_form = CaptionForm(webinar=webinar)
    if request.method == "POST":
        caption_form = CaptionForm(request.POST, request.FILES, webinar=webinar)
        if caption_form.is_valid():
            try:
                services.caption_upload(
                    recording=caption_form.cleaned_data["recording"],
                    language=caption_form.cleaned_data["language"],
                    data=caption_form.cleaned_data["file"].read(),
                )
            except ValidationError as error:
                caption_form.add_error("file", error)
            else:
                messages.success(request, _("Captions saved."))
                return redirect(request.path)
    return render(
        request,
        "webinars/recording_upload.html",
        {
            "webinar": webinar,
            "recordings": webinar.recordings.order_by("-created_at"),
            "caption_form": caption_form,
            "max_bytes": settings.WEBINAR_RECORDING_MAX_BYTES,
            "chunk_bytes": min(
                settings.WEBINAR_UPLOAD_CHUNK_MAX_BYTES, 4 * 1024 * 1024
            ),
            "start_url": reverse("webinars:recording_upload_start", args=[webinar.pk]),
        },
    )


def _upload_state(recording: Recording) -> dict:
    return {
        "id": recording.pk,
        "offset": recording.received_bytes,
        "size": recording.size,
        "status": recording.status,
        "error": recording.error,
        "upload_url": reverse(
            "webinars:recording_upload_chunk", args=[recording.upload_token]
        ),
    }


@require_POST
def recording_upload_start(request, webinar_id: int):
    """Open an upload: JSON {filename, size, title}; answers the upload URL."""
    webinar = _managed_webinar(request, webinar_id)
    try:
        payload = json.loads(request.body)
        recording = services.recording_upload_start(
            webinar=webinar,
            user=request.user,
            title=str(payload.get("title", "")),
            filename=str(payload["filename"]),
            size=int(payload["size"]),
        )
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Send filename and size.")}, status=400)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(_upload_state(recording), status=201)


def recording_upload_chunk(request, token):
    """GET: how many bytes the server has. POST: a chunk at `Upload-Offset`.

    A chunk for another offset gets 409 with the offset to continue from.
    """
    recording = get_object_or_404(Recording, upload_token=token)
    if not selectors.webinar_manageable_by(
        webinar=recording.webinar, user=request.user
    ):
        raise Http404
    if request.method == "GET":
        return JsonResponse(_upload_state(recording))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        offset = int(request.headers["Upload-Offset"])
    except (KeyError, ValueError):
        return JsonResponse({"error": _("Send the Upload-Offset header.")}, status=400)
    try:
        # Read the raw stream: request.body would apply the form-size limit.
        chunk = request.read(settings.WEBINAR_UPLOAD_CHUNK_MAX_BYTES + 1)
        recording = services.recording_upload_append(
            recording=recording, offset=offset, chunk=chunk
        )
    except services.UploadOffsetMismatch as error:
        return JsonResponse(
            {"error": error.messages[0], "offset": error.expected}, status=409
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if recording.status == RecordingStatus.FAILED:
        return JsonResponse({**_upload_state(recording)}, status=400)
    return JsonResponse(_upload_state(recording))


# --- attendance (editors of the webinar) -------------------------------------------


@profile_required
def attendance_page(request, webinar_id: int):
    webinar = _managed_webinar(request, webinar_id)
    form = AttendanceImportForm()
    report = None
    if request.method == "POST" and "import" in request.POST:
        form = AttendanceImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = services.attendance_import(
                    webinar=webinar,
                    source=form.cleaned_data["source"],
                    data=form.cleaned_data["file"].read(),
                )
            except ValidationError as error:
                form.add_error("file", error)
    elif request.method == "POST" and "mark" in request.POST:
        marked = set(request.POST.getlist("attended"))
        users = get_user_model().objects.filter(
            pk__in=[
                registration.user_id
                for registration in selectors.registrations_for_attendance(
                    webinar=webinar
                )
            ]
        )
        try:
            for user in users:
                services.attendance_set(
                    webinar=webinar, user=user, attended=str(user.pk) in marked
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance saved."))
        return redirect(request.path)
    attendance_by_user = {
        row.user_id: row for row in selectors.attendance_rows(webinar=webinar)
    }
    return render(
        request,
        "webinars/attendance.html",
        {
            "webinar": webinar,
            "form": form,
            "report": report,
            "registrations": [
                (registration, attendance_by_user.get(registration.user_id))
                for registration in selectors.registrations_for_attendance(
                    webinar=webinar
                )
            ],
            "attendances": list(attendance_by_user.values()),
        },
    )
