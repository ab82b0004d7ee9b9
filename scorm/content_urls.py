"""The only URLs the content origin answers: player, files, runtime, navigation."""

from django.urls import path

from scorm import content_views

urlpatterns = [
    path("scorm/p/<str:token>/", content_views.player_view, name="scorm_player"),
    path(
        "scorm/p/<str:token>/runtime",
        content_views.runtime_commit_view,
        name="scorm_runtime",
    ),
    path(
        "scorm/p/<str:token>/navigate",
        content_views.navigate_view,
        name="scorm_navigate",
    ),
    path(
        "scorm/p/<str:token>/content/<path:file_path>",
        content_views.content_file_view,
        name="scorm_content",
    ),
]
