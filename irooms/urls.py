"""A room's own URLs under /<lang>/irooms/; each one is in the access matrix."""

from django.urls import path

from irooms import views

app_name = "irooms"

urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("new/", views.room_create, name="room_create"),
    path("<int:room_id>/join/", views.room_join, name="room_join"),
    path("<int:room_id>/leave/", views.room_leave, name="room_leave"),
    path("<int:room_id>/search/", views.room_search, name="room_search"),
    path("<int:room_id>/feed/", views.room_feed, name="room_feed"),
    path("<int:room_id>/resources/", views.resource_list, name="resource_list"),
    path("<int:room_id>/resources/new/", views.resource_upload, name="resource_upload"),
    path(
        "<int:room_id>/resources/<int:resource_id>/",
        views.resource_detail,
        name="resource_detail",
    ),
    path(
        "<int:room_id>/resources/export.csv",
        views.resources_export,
        name="resources_export",
    ),
    path("<int:room_id>/api/resources/", views.resources_api, name="resources_api"),
    path(
        "<int:room_id>/images/<int:image_id>/<str:spec>/",
        views.room_image,
        name="room_image",
    ),
    path("<int:room_id>/sessions/", views.session_list, name="session_list"),
    path("<int:room_id>/sessions/new/", views.session_edit, name="session_create"),
    path(
        "<int:room_id>/sessions/<int:session_id>/edit/",
        views.session_edit,
        name="session_edit",
    ),
    path(
        "<int:room_id>/sessions/<int:session_id>/register/",
        views.session_register,
        name="session_register",
    ),
    path(
        "<int:room_id>/sessions/<int:session_id>/recording/",
        views.session_recording,
        name="session_recording",
    ),
    path(
        "<int:room_id>/sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path("<int:room_id>/discussions/", views.thread_list, name="thread_list"),
    path(
        "<int:room_id>/discussions/<int:thread_id>/",
        views.thread_detail,
        name="thread_detail",
    ),
    path(
        "<int:room_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:room_id>/discussions/<int:thread_id>/moderate/",
        views.thread_moderate,
        name="thread_moderate",
    ),
    path(
        "<int:room_id>/replies/<int:reply_id>/answer/",
        views.reply_mark_answer,
        name="reply_mark_answer",
    ),
    path("<int:room_id>/members/", views.member_directory, name="member_directory"),
    path("<int:room_id>/members/manage/", views.member_manage, name="member_manage"),
    path(
        "<int:room_id>/members/export.csv",
        views.members_export,
        name="members_export",
    ),
    path("<int:room_id>/good-practices/", views.good_practices, name="good_practices"),
    path(
        "<int:room_id>/submissions/",
        views.submission_review,
        name="submission_review",
    ),
]
