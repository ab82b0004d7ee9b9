"""A minimal file-serving view for records tests: the wrapper other apps use."""

from django.http import HttpResponse
from django.urls import path

from learning.records.api import EventType, recording_download_response
from learning.urls import urlpatterns as site_urlpatterns

BODY = [b"x" * 1024] * 8


def recording_file(request, recording_id: str):
    """Whole file (recorded once the last chunk is sent) or a byte range (not)."""
    if request.headers.get("Range"):
        response = HttpResponse(b"x" * 100, status=206)
        response["Content-Range"] = f"bytes 0-99/{len(BODY) * 1024}"
        return response
    return recording_download_response(
        request=request,
        chunks=iter(BODY),
        event_type=EventType.RECORDING_DOWNLOADED,
        object_type="webinars.recording",
        object_id=recording_id,
        content_type="video/mp4",
    )


urlpatterns = [
    path("test-recordings/<str:recording_id>/", recording_file),
    *site_urlpatterns,
]
