"""The profile: its owner edits it, rooms wait for it, nobody else sees it."""

import pytest

from learning.accounts.models import Profile
from tests.accounts.steps import site_pages_build
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = "/en/profile/"
ROOM_URL = "/en/rooms/room-a/"
COMPLETE = {
    "full_name": "Amina Diallo",
    "country": "SN",
    "organisation": "Ministry of Justice",
    "sector": "prosecution",
    "professional_role": "Prosecutor",
    "gender": "female",
    "preferred_language": "fr",
}


def test_anonymous_visitor_is_sent_to_log_in_from_the_profile(client):
    # when an anonymous visitor opens the profile page
    response = client.get(PROFILE_URL)

    # then they are asked to log in first
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_profile_form_labels_every_field_and_marks_it_required(client):
    # given a signed-in user without a profile
    client.force_login(UserFactory())

    # when they open the profile page
    html = client.get(PROFILE_URL).content.decode()

    # then each field has a label tied to its input and is required
    for name in Profile.REQUIRED_FIELDS:
        assert f'<label for="id_{name}">' in html
        assert f'name="{name}"' in html
    assert html.count(" required") >= len(Profile.REQUIRED_FIELDS)
    assert 'aria-describedby="id_country_helptext"' in html


def test_incomplete_profile_is_refused_with_errors_tied_to_the_fields(client):
    # given a signed-in user
    user = UserFactory()
    client.force_login(user)

    # when they save the form with the organisation and gender missing
    data = {**COMPLETE, "organisation": "", "gender": ""}
    response = client.post(PROFILE_URL, data)

    # then nothing is saved, and each error is announced and tied to its input
    html = response.content.decode()
    assert response.status_code == 200
    assert not Profile.objects.filter(user=user).exists()
    assert 'role="alert"' in html
    assert 'id="id_organisation_error"' in html
    assert 'aria-describedby="id_organisation_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_full_name_error"' not in html


def test_owner_completes_profile_and_returns_to_next(client):
    # given a signed-in user sent to the profile from a room
    user = UserFactory()
    client.force_login(user)

    # when they fill in every field
    response = client.post(f"{PROFILE_URL}?next={ROOM_URL}", {**COMPLETE})

    # then the profile is saved, complete, and they go back to the room
    assert response.status_code == 302
    assert response["Location"] == ROOM_URL
    profile = Profile.objects.get(user=user)
    assert profile.is_complete
    assert profile.organisation == "Ministry of Justice"


def test_profile_form_does_not_redirect_to_another_site(client):
    # given a signed-in user
    client.force_login(UserFactory())

    # when the form carries a foreign next address
    response = client.post(f"{PROFILE_URL}?next=https://evil.example/", COMPLETE)

    # then they stay on this site
    assert response["Location"] == "/"


def test_owner_edits_an_existing_profile(client):
    # given a user with a complete profile
    profile = ProfileFactory()
    client.force_login(profile.user)

    # when they change their role
    client.post(PROFILE_URL, {**COMPLETE, "professional_role": "Judge"})

    # then it is saved on their profile, and only one profile exists
    profile.refresh_from_db()
    assert profile.professional_role == "Judge"
    assert Profile.objects.filter(user=profile.user).count() == 1


def test_profile_page_shows_only_the_owners_profile(client):
    # given two users with profiles
    mine = ProfileFactory(full_name="Amina Diallo")
    theirs = ProfileFactory(full_name="Carlos Pereira", organisation="Other Agency")
    client.force_login(mine.user)

    # when one tries to reach the other's profile on the public site
    own_page = client.get(f"{PROFILE_URL}?user={theirs.user.pk}&pk={theirs.pk}")
    by_id = client.get(f"{PROFILE_URL}{theirs.pk}/")

    # then they only ever see their own
    html = own_page.content.decode()
    assert "Amina Diallo" in html
    assert "Carlos Pereira" not in html
    assert "Other Agency" not in html
    assert by_id.status_code == 404


def test_room_sends_an_incomplete_profile_to_the_profile_page(client):
    # given a room and a signed-in user without a complete profile
    site_pages_build()
    client.force_login(UserFactory())

    # when they open the room
    response = client.get(ROOM_URL)

    # then they are sent to the profile, with the room as the next page
    assert response.status_code == 302
    assert response["Location"] == f"{PROFILE_URL}?next=%2Fen%2Frooms%2Froom-a%2F"


def test_room_sends_an_anonymous_visitor_to_log_in(client):
    # given a room
    site_pages_build()

    # when an anonymous visitor opens it
    response = client.get(ROOM_URL)

    # then they are asked to log in
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_room_opens_once_the_profile_is_complete(client):
    # given a room and a user who completes their profile from its door
    site_pages_build()
    client.force_login(UserFactory())
    door = client.get(ROOM_URL)
    back = client.post(door["Location"], COMPLETE)

    # when they follow the way back
    response = client.get(back["Location"])

    # then the room opens
    assert back["Location"] == ROOM_URL
    assert response.status_code == 200
    assert "Room A" in response.content.decode()
