"""Room activity driven through the web appears in the training report."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from irooms.models import JoinPolicy, Role
from learning.records.services import stream_client
from tests.irooms.factories import (
    ResourceFactory,
    member_add,
    practitioner,
    room_create,
    room_document,
    session_create,
)
from tests.records.tracking import report_today, settle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_records_stream():
    stream_client(timeout=5).delete(settings.RECORDS_STREAM_KEY)
    yield
    stream_client(timeout=5).delete(settings.RECORDS_STREAM_KEY)


def test_joins_views_downloads_and_attendance_reach_the_training_report():
    # given an open room with a manual and a session, and its trainer
    room = room_create(policy=JoinPolicy.OPEN)
    trainer = member_add(room=room, role=Role.TRAINER)
    document = room_document(room=room)
    resource = ResourceFactory(document=document, rooms=[room])
    session = session_create(room=room)
    learners = [practitioner(), practitioner()]

    # when two practitioners join, view and download the manual twice, register;
    # and the trainer marks one of them present
    for learner in learners:
        client = Client()
        client.force_login(learner)
        assert (
            client.post(reverse("irooms:room_join", args=[room.pk])).status_code == 302
        )
        detail = reverse("irooms:resource_detail", args=[room.pk, resource.pk])
        assert client.get(detail).status_code == 200
        for _ in range(2):
            response = client.get(document.url)
            assert response.status_code == 200
            b"".join(response.streaming_content)  # the whole file is sent
        register = reverse("irooms:session_register", args=[room.pk, session.pk])
        assert client.post(register).status_code == 302
    trainer_client = Client()
    trainer_client.force_login(trainer)
    trainer_client.post(
        reverse("irooms:session_attendance", args=[room.pk, session.pk]),
        {"user": learners[0].pk},
    )
    settle()

    # then the report counts them by the records' rules
    report = report_today()
    assert report["resources"] == {"views": 2, "downloads": 4}
    assert report["sessions"] == {"held": 1, "participants": 1}
    assert report["rooms"]["members"] >= 2
    assert report["rooms"]["active"] >= 1
    assert report_today(room=str(room.pk))["resources"]["downloads"] == 4


def test_an_aborted_download_is_not_counted():
    room = room_create(policy=JoinPolicy.OPEN)
    document = room_document(room=room)
    ResourceFactory(document=document, rooms=[room])
    learner = member_add(room=room)
    client = Client()
    client.force_login(learner)

    response = client.get(document.url)
    next(iter(response.streaming_content))  # the first chunk only, then gone
    settle()

    assert report_today()["resources"]["downloads"] == 0
