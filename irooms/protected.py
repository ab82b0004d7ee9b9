"""Private files leave the server only here, after the caller checked access.

PROTECTED_FILE_SERVING chooses how: "django" streams from Python (development,
tests); "nginx" answers with X-Accel-Redirect to PROTECTED_FILE_INTERNAL_PREFIX
(an `internal` location); "apache" with X-Sendfile. The file's path is never a URL
the web server serves to the public.
"""

import mimetypes
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.urls import reverse

CHUNK = 64 * 1024


class _WholeFileIterator:
    """Yield a file in chunks; call `on_complete` only once the last byte is sent."""

    def __init__(self, handle, on_complete: Callable[[], None] | None):
        self.handle = handle
        self.on_complete = on_complete

    def __iter__(self):
        try:
            while chunk := self.handle.read(CHUNK):
                yield chunk
            if self.on_complete is not None:
                self.on_complete()
        finally:
            self.handle.close()


def _content_disposition(filename: str, attachment: bool) -> str:
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename*=UTF-8''{quote(filename)}"


def protected_file_response(
    *,
    path: Path,
    root: Path,
    filename: str,
    content_type: str | None = None,
    attachment: bool = True,
    on_complete: Callable[[], None] | None = None,
) -> HttpResponse:
    """A response for a file under `root` that the web server must not serve itself.

    `on_complete` runs when the whole file has been sent (Django streaming), or when
    the hand-over to the web server is made (nginx/apache cannot tell us more).
    """
    content_type = content_type or (
        mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    if _web_server_serves():
        response = HttpResponse(content_type=content_type)
        _hand_over(response, path=path, root=root)
        if on_complete is not None:
            on_complete()
    else:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the iterator
        response = FileResponse(
            _WholeFileIterator(handle, on_complete), content_type=content_type
        )
        response["Content-Length"] = str(Path(path).stat().st_size)
    response["Content-Disposition"] = _content_disposition(filename, attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def _web_server_serves() -> bool:
    return getattr(settings, "PROTECTED_FILE_SERVING", "django") in ("nginx", "apache")


def _internal_prefix(root: Path) -> str:
    """nginx `internal` locations: one for MEDIA_ROOT, one for PRIVATE_MEDIA_ROOT."""
    if Path(root).resolve() == Path(settings.MEDIA_ROOT).resolve():
        return settings.PROTECTED_MEDIA_INTERNAL_PREFIX
    return settings.PROTECTED_FILE_INTERNAL_PREFIX


def _hand_over(response: HttpResponse, *, path, root) -> None:
    """Tell the web server which file to send (the body stays empty)."""
    if settings.PROTECTED_FILE_SERVING == "nginx":
        relative = Path(path).resolve().relative_to(Path(root).resolve())
        prefix = _internal_prefix(root).rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{prefix}/{relative.as_posix()}")
    else:
        response["X-Sendfile"] = str(Path(path).resolve())
    # The web server sets the length of the file it sends.
    if "Content-Length" in response:
        del response["Content-Length"]


def sendfile(request, filename, mimetype=None, **kwargs) -> HttpResponse:
    """Wagtail's SENDFILE_BACKEND for documents (served after Wagtail's checks).

    PROTECTED_FILE_SERVING decides, as for every private file: "django" streams
    with Wagtail's own backend; "nginx"/"apache" hand the file to the web server.
    """
    if not _web_server_serves():
        from wagtail.utils.sendfile_streaming_backend import sendfile as stream

        return stream(request, filename, mimetype=mimetype, **kwargs)
    response = HttpResponse(content_type=mimetype or "application/octet-stream")
    _hand_over(response, path=filename, root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class RenditionStorage(FileSystemStorage):
    """Where Wagtail keeps image renditions (WAGTAILIMAGES_RENDITION_STORAGE).

    Under PRIVATE_MEDIA_ROOT, which no web server serves: a rendition's URL leads to
    `irooms.views.image_rendition_serve`, which checks who asks before it answers.
    """

    @property
    def base_location(self):
        return Path(settings.PRIVATE_MEDIA_ROOT) / "renditions"

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        return reverse("image_rendition_serve", kwargs={"name": name})


def rendition_response(*, rendition, public: bool) -> HttpResponse:
    """A rendition's file (see RenditionStorage); the caller checked access.

    A room image's rendition may be kept by the member's browser for a while, never
    by a shared cache; an image outside every room by anyone.
    """
    response = protected_file_response(
        path=Path(rendition.file.path),
        root=settings.PRIVATE_MEDIA_ROOT,
        filename=Path(rendition.file.name).name,
        attachment=False,
    )
    response["Cache-Control"] = (
        "public, max-age=3600" if public else "private, max-age=600"
    )
    return response
