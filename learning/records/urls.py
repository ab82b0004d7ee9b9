"""URLs of the learning records: tracking, the report API, the follow-up survey."""

from django.urls import path

from learning.records import views

app_name = "records"

urlpatterns = [
    path("api/v1/track/", views.track, name="track"),
    path(
        "api/v1/reports/training/",
        views.training_report_api,
        name="training_report",
    ),
    path("records/survey/<str:token>/", views.survey, name="survey"),
]
