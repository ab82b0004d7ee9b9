"""Course URLs under /<language>/learn/ (the pages themselves are Wagtail's)."""

from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("my-learning/", views.my_learning_view, name="my_learning"),
    path("<int:page_id>/enrol/", views.course_enrol_view, name="enrol"),
    path("<int:page_id>/learners/", views.course_learners_view, name="learners"),
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
