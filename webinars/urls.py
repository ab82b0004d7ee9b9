"""Webinar URLs, under the language prefix: /<lang>/webinars/..."""

from django.urls import path

from webinars import views

app_name = "webinars"

urlpatterns = [
    path("<int:webinar_id>/register/", views.webinar_register, name="register"),
    path("<int:webinar_id>/cancel/", views.webinar_cancel, name="cancel"),
    path("<int:webinar_id>/calendar.ics", views.webinar_calendar, name="calendar"),
    path("<int:webinar_id>/attendance/", views.attendance_page, name="attendance"),
    path(
        "<int:webinar_id>/recordings/",
        views.recording_upload_page,
        name="recording_upload_page",
    ),
    path(
        "<int:webinar_id>/recordings/uploads/",
        views.recording_upload_start,
        name="recording_upload_start",
    ),
    path(
        "uploads/<uuid:token>/",
        views.recording_upload_chunk,
        name="recording_upload_chunk",
    ),
    path(
        "recordings/<int:recording_id>/",
        views.recording_player,
        name="recording_player",
    ),
    path(
        "recordings/<int:recording_id>/stream/",
        views.recording_stream,
        name="recording_stream",
    ),
    path(
        "recordings/<int:recording_id>/download/",
        views.recording_download,
        name="recording_download",
    ),
    path(
        "recordings/<int:recording_id>/captions/<str:language>.vtt",
        views.recording_caption,
        name="recording_caption",
    ),
]
