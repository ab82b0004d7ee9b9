"""Members submit good practices; trainers review and publish; members read them."""

import pytest
from django.test import Client
from django.urls import reverse

from irooms.models import Role, RoomFormSubmission, SubmissionStatus
from tests.irooms.factories import form_page_create, member_add, room_create

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_submits_trainer_publishes_members_read_it():
    # given a room's good-practice form, a participant and a trainer
    room = room_create()
    form_page = form_page_create(room=room)
    participant = member_add(room=room)
    trainer = member_add(room=room, role=Role.TRAINER)

    # when the participant submits a practice with a script in it
    response = client_for(participant).post(
        form_page.url,
        {"practice": "Joint investigation teams <script>alert(1)</script>work."},
    )

    # then it is kept, sanitised, waiting for review, and not yet shown
    assert response.status_code == 200
    submission = RoomFormSubmission.objects.get()
    assert submission.user == participant
    assert submission.status == SubmissionStatus.SUBMITTED
    assert "<script>" not in submission.form_data["practice"]
    practices_url = reverse("irooms:good_practices", args=[room.pk])
    assert (
        b"Joint investigation teams"
        not in client_for(participant).get(practices_url).content
    )

    # when the trainer publishes it
    response = client_for(trainer).post(
        reverse("irooms:submission_review", args=[room.pk]),
        {"submission": submission.pk, "decision": "publish"},
    )

    # then members read it on the room's good practices
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PUBLISHED
    assert submission.reviewed_by == trainer
    assert (
        b"Joint investigation teams"
        in client_for(participant).get(practices_url).content
    )


def test_participant_cannot_publish_a_submission():
    room = room_create()
    form_page = form_page_create(room=room)
    participant = member_add(room=room)
    client_for(participant).post(form_page.url, {"practice": "Mine"})
    submission = RoomFormSubmission.objects.get()

    response = client_for(participant).post(
        reverse("irooms:submission_review", args=[room.pk]),
        {"submission": submission.pk, "decision": "publish"},
    )

    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_trainer_of_another_room_cannot_review_this_rooms_submissions():
    room, other = room_create(), room_create(title="Other room")
    form_page = form_page_create(room=room)
    client_for(member_add(room=room)).post(form_page.url, {"practice": "Ours"})
    submission = RoomFormSubmission.objects.get()
    other_trainer = member_add(room=other, role=Role.TRAINER)

    response = client_for(other_trainer).post(
        reverse("irooms:submission_review", args=[other.pk]),
        {"submission": submission.pk, "decision": "publish"},
    )

    assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
