"""Join policies, requests, invitations (account or not), roles, removal."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from irooms.api import room_role, rooms_for_user, user_can_view_room
from irooms.models import Invitation, JoinPolicy, Membership, MembershipStatus, Role
from irooms.services import membership_role_change
from tests.irooms.factories import (
    ResourceFactory,
    member_add,
    practitioner,
    room_create,
    room_document,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_open_room_is_joined_at_once():
    room = room_create(policy=JoinPolicy.OPEN)
    user = practitioner()

    response = client_for(user).post(reverse("irooms:room_join", args=[room.pk]))

    assert response.status_code == 302
    assert room_role(user, room.pk) == Role.PARTICIPANT
    assert rooms_for_user(user) == [
        {"id": room.pk, "title": room.title, "url": room.url}
    ]


def test_request_room_waits_for_a_trainer_who_approves():
    room = room_create(policy=JoinPolicy.REQUEST)
    trainer = member_add(room=room, role=Role.TRAINER)
    user = practitioner()
    client_for(user).post(reverse("irooms:room_join", args=[room.pk]))
    assert room_role(user, room.pk) == "pending"
    assert not user_can_view_room(user, room.pk)

    response = client_for(trainer).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "approve", "user": user.pk},
    )

    assert response.status_code == 302
    assert room_role(user, room.pk) == Role.PARTICIPANT
    assert client_for(user).get(room.url).status_code == 200


def test_refused_request_gives_no_access():
    room = room_create(policy=JoinPolicy.REQUEST)
    trainer = member_add(room=room, role=Role.TRAINER)
    user = member_add(room=room, status=MembershipStatus.PENDING)

    client_for(trainer).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "refuse", "user": user.pk},
    )

    assert room_role(user, room.pk) is None
    url = reverse("irooms:resource_list", args=[room.pk])
    assert client_for(user).get(url).status_code == 404


def test_invitation_only_room_cannot_be_joined_or_requested():
    room = room_create(policy=JoinPolicy.INVITATION)
    user = practitioner()

    response = client_for(user).post(reverse("irooms:room_join", args=[room.pk]))

    assert response.status_code == 404
    assert not Membership.objects.filter(room=room, user=user).exists()


def test_existing_user_accepts_an_invitation_with_the_invited_role():
    room = room_create(policy=JoinPolicy.INVITATION)
    trainer = member_add(room=room, role=Role.TRAINER)
    invitee = practitioner()
    client_for(trainer).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "invite", "email": invitee.email, "role": Role.EXPERT},
    )
    invitation = Invitation.objects.get(room=room)

    response = client_for(invitee).get(
        reverse("irooms:invitation_accept", args=[invitation.token])
    )

    assert response.status_code == 302
    assert room_role(invitee, room.pk) == Role.EXPERT


def test_new_person_signs_up_from_the_invitation_and_is_a_member(client):
    room = room_create(policy=JoinPolicy.INVITATION)
    trainer = member_add(room=room, role=Role.TRAINER)
    with_invite = client_for(trainer)
    with_invite.post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "invite", "email": "new.person@example.org", "role": "participant"},
    )
    token = Invitation.objects.get(email="new.person@example.org").token

    # the link sends an anonymous visitor to sign up, remembering the invitation
    response = client.get(reverse("irooms:invitation_accept", args=[token]))
    assert response.status_code == 302
    assert reverse("account_signup") in response.url
    client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.org",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
        },
    )

    invitation = Invitation.objects.get(token=token)
    assert invitation.accepted_by is not None
    assert room_role(invitation.accepted_by, room.pk) == Role.PARTICIPANT


def test_expired_or_used_invitation_is_refused():
    room = room_create(policy=JoinPolicy.INVITATION)
    trainer = member_add(room=room, role=Role.TRAINER)
    first, second = practitioner(), practitioner()
    client_for(trainer).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "invite", "email": first.email, "role": "participant"},
    )
    url = reverse(
        "irooms:invitation_accept", args=[Invitation.objects.get(room=room).token]
    )
    client_for(first).get(url)

    response = client_for(second).get(url)

    assert response.status_code == 404
    assert room_role(second, room.pk) is None


def test_removed_member_loses_document_access_at_once():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    member = member_add(room=room)
    document = room_document(room=room)
    ResourceFactory(document=document, rooms=[room])
    member_client = client_for(member)
    assert member_client.get(document.url).status_code == 200

    client_for(trainer).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "remove", "user": member.pk},
    )

    assert member_client.get(document.url).status_code == 404
    assert member_client.get(room.url).status_code == 200  # the door, nothing more
    assert b"Manual" not in member_client.get(room.url).content


def test_trainer_changes_a_role_and_participants_cannot():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    participant = member_add(room=room)
    other = member_add(room=room)

    refused = client_for(participant).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "role", "user": other.pk, "role": Role.TRAINER},
    )
    client_for(trainer).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "role", "user": other.pk, "role": Role.EXPERT},
    )

    assert refused.status_code == 403
    assert room_role(other, room.pk) == Role.EXPERT


def test_last_trainer_cannot_leave_the_room_without_a_trainer():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)

    response = client_for(trainer).post(reverse("irooms:room_leave", args=[room.pk]))

    assert response.status_code == 302
    assert room_role(trainer, room.pk) == Role.TRAINER


def test_invitation_email_is_not_sent_for_a_bad_address():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)

    response = client_for(trainer).post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "invite", "email": "not-an-address", "role": "participant"},
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_room_trainer_without_a_second_factor_is_sent_to_set_one_up():
    # given a participant without an authenticator, then made a trainer of the room
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    user = member_add(room=room)
    client = client_for(user)
    assert client.get(room.url).status_code == 200
    membership_role_change(room=room, user_id=user.pk, role=Role.TRAINER, actor=trainer)

    # when they open the room again
    response = client.get(room.url)

    # then they must enrol TOTP first (MFA is required for trainers of any room)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
