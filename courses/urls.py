"""Course URLs under /<language>/learn/ (the pages themselves are Wagtail's)."""

from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("my-learning/", views.my_learning_view, name="my_learning"),
    path("<int:page_id>/enrol/", views.course_enrol_view, name="enrol"),
    path("<int:page_id>/learners/", views.course_learners_view, name="learners"),
    path(
        "<int:page_id>/learners/imports/<int:import_id>/",
        views.enrolment_import_view,
        name="enrolment_import",
    ),
    path(
        "<int:page_id>/learners/imports/<int:import_id>/progress.json",
        views.enrolment_import_progress_view,
        name="enrolment_import_progress",
    ),
    path(
        "<int:page_id>/learners/imports/<int:import_id>/report.csv",
        views.enrolment_import_report_view,
        name="enrolment_import_report",
    ),
    path(
        "lessons/<int:page_id>/complete/",
        views.lesson_complete_view,
        name="lesson_complete",
    ),
    path(
        "certificates/<str:code>.pdf",
        views.certificate_pdf_view,
        name="certificate_pdf",
    ),
    path("verify/", views.certificate_verify_view, name="certificate_verify"),
]
