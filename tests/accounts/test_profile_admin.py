"""Profiles in the Wagtail admin: read-only, for staff with the view permission."""

import pytest
from django.contrib.auth.models import Permission

from tests.accounts.steps import log_in_with_totp
from tests.factories import DEFAULT_PASSWORD, ProfileFactory, UserFactory, totp_activate

pytestmark = pytest.mark.django_db

LISTING = "/admin/profiles/"


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def signed_in_admin_user(client, *codenames, staff=True):
    """A user with an authenticator, signed in through allauth, with permissions."""
    user = UserFactory(staff=staff)
    grant(user, "access_admin", *codenames)
    secret = totp_activate(user)
    log_in_with_totp(client, email=user.email, password=DEFAULT_PASSWORD, secret=secret)
    return user


def test_staff_with_view_permission_lists_profiles_filtered_by_country(client):
    # given profiles from two countries and a staff member who may view them
    ProfileFactory(full_name="Amina Diallo", country="SN")
    ProfileFactory(full_name="Carlos Pereira", country="BR")
    signed_in_admin_user(client, "view_profile")

    # when they filter the listing by country
    everyone = client.get(LISTING)
    senegal = client.get(f"{LISTING}?country=SN")

    # then they see everyone, then only the chosen country
    assert everyone.status_code == 200
    assert "Amina Diallo" in everyone.content.decode()
    assert "Carlos Pereira" in everyone.content.decode()
    assert "Amina Diallo" in senegal.content.decode()
    assert "Carlos Pereira" not in senegal.content.decode()


def test_staff_filters_profiles_by_sector(client):
    # given profiles from two sectors
    ProfileFactory(full_name="Amina Diallo", sector="prosecution")
    ProfileFactory(full_name="Carlos Pereira", sector="judiciary")
    signed_in_admin_user(client, "view_profile")

    # when they filter by sector
    response = client.get(f"{LISTING}?sector=judiciary")

    # then only that sector is listed
    assert "Carlos Pereira" in response.content.decode()
    assert "Amina Diallo" not in response.content.decode()


def test_staff_inspects_a_profile_but_cannot_edit_or_delete_it(client):
    # given a profile and a staff member with every profile permission
    profile = ProfileFactory(organisation="Ministry of Justice")
    signed_in_admin_user(client, "view_profile", "change_profile", "delete_profile")

    # when they inspect, then try to edit and delete it
    inspect = client.get(f"{LISTING}inspect/{profile.pk}/")
    edit = client.post(f"{LISTING}edit/{profile.pk}/", {"organisation": "Changed"})
    delete = client.post(f"{LISTING}delete/{profile.pk}/")

    # then they can read it, and it is unchanged
    assert inspect.status_code == 200
    assert "Ministry of Justice" in inspect.content.decode()
    assert edit.status_code in (302, 403)
    assert delete.status_code in (302, 403)
    profile.refresh_from_db()
    assert profile.organisation == "Ministry of Justice"


def test_staff_without_view_permission_cannot_see_profiles(client):
    # given a profile and a staff member who may use the admin but not view profiles
    profile = ProfileFactory(full_name="Amina Diallo")
    signed_in_admin_user(client)

    # when they open the listing and the profile
    listing = client.get(LISTING)
    inspect = client.get(f"{LISTING}inspect/{profile.pk}/")

    # then they are turned away without seeing it
    for response in (listing, inspect):
        assert response.status_code in (302, 403)
        assert "Amina Diallo" not in response.content.decode()


def test_non_staff_user_cannot_see_profiles_even_with_the_permission(client):
    # given a non-staff trainer who was somehow given admin and view permissions
    profile = ProfileFactory(full_name="Amina Diallo")
    user = UserFactory(trainer=True)
    grant(user, "access_admin", "view_profile")
    secret = totp_activate(user)
    log_in_with_totp(client, email=user.email, password=DEFAULT_PASSWORD, secret=secret)

    # when they open the listing
    response = client.get(LISTING, follow=True)

    # then the profiles stay hidden
    assert "Amina Diallo" not in response.content.decode()
    assert f"inspect/{profile.pk}/" not in response.content.decode()


def test_practitioner_cannot_open_the_profiles_listing(client):
    # given a practitioner with a profile, signed in
    profile = ProfileFactory(full_name="Amina Diallo")
    client.force_login(profile.user)

    # when they open the admin listing
    response = client.get(LISTING, follow=True)

    # then they land on the log-in form with a refusal, not on the listing
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/en/accounts/login/")
    assert "You do not have permission to access the admin." in html
    assert f"inspect/{profile.pk}/" not in html
