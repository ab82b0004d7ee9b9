"""Trainers create and change their room's sessions; nobody else can."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from irooms.models import Role, Session
from tests.irooms.factories import (
    member_add,
    room_create,
    room_document,
    session_create,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_post(**overrides) -> dict:
    return {
        "title": "Workshop on battlefield evidence",
        "starts_at": "2031-03-10T14:30",
        "timezone": "Africa/Nairobi",
        "duration_minutes": "120",
        "mode": "hybrid",
        "agenda": "1. Collection\n2. Chain of custody",
        "join_url": "https://meet.example.org/abc",
        "location": "Nairobi",
        "capacity": "25",
        **overrides,
    }


def test_trainer_creates_a_follow_up_session_with_materials_in_its_time_zone():
    # given a room with a trainer, an earlier session and a document of the room
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    earlier = session_create(room=room, title="Introduction")
    document = room_document(room=room, title="Checklist")

    # when the trainer saves a new session
    response = client_for(trainer).post(
        reverse("irooms:session_create", args=[room.pk]),
        session_post(follow_up_of=str(earlier.pk), materials=[str(document.pk)]),
    )

    # then it is in the room, at 14:30 Nairobi time, following the earlier one
    assert response.status_code == 302
    session = Session.objects.get(title="Workshop on battlefield evidence")
    assert session.room_id == room.pk
    assert session.starts_at == datetime(
        2031, 3, 10, 14, 30, tzinfo=ZoneInfo("Africa/Nairobi")
    )
    assert (session.mode, session.capacity) == ("hybrid", 25)
    assert session.follow_up_of_id == earlier.pk
    assert list(session.materials.all()) == [document]


def test_trainer_changes_a_session():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    session = session_create(room=room)

    response = client_for(trainer).post(
        reverse("irooms:session_edit", args=[room.pk, session.pk]),
        session_post(title="Renamed", capacity=""),
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.capacity) == ("Renamed", None)


def test_another_rooms_session_or_document_is_refused_and_nothing_is_saved():
    # given a trainer of this room, and a session and a document of another room
    room, other = room_create(), room_create(title="Other room")
    trainer = member_add(room=room, role=Role.TRAINER)
    foreign_session = session_create(room=other)
    foreign_document = room_document(room=other)

    # when they try to link them to a new session
    response = client_for(trainer).post(
        reverse("irooms:session_create", args=[room.pk]),
        session_post(
            follow_up_of=str(foreign_session.pk), materials=[str(foreign_document.pk)]
        ),
    )

    # then the form says so and no session is created in the room
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not Session.objects.filter(room=room).exists()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.EXPERT])
def test_participants_and_experts_cannot_create_sessions(role):
    room = room_create()
    member = member_add(room=room, role=role)

    response = client_for(member).post(
        reverse("irooms:session_create", args=[room.pk]), session_post()
    )

    assert response.status_code == 403
    assert not Session.objects.filter(room=room).exists()


def test_other_rooms_trainer_cannot_edit_this_rooms_session():
    room, other = room_create(), room_create(title="Other room")
    session = session_create(room=room, title="Original")
    outsider_trainer = member_add(room=other, role=Role.TRAINER)

    response = client_for(outsider_trainer).post(
        reverse("irooms:session_edit", args=[room.pk, session.pk]),
        session_post(title="Hijacked"),
    )

    assert response.status_code == 404
    session.refresh_from_db()
    assert session.title == "Original"
