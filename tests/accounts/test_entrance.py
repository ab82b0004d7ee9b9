"""Sign-up with mandatory e-mail verification, log-in by e-mail, password reset."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from tests.accounts.steps import first_link, log_in
from tests.factories import DEFAULT_PASSWORD, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-passphrase"  # noqa: S105


def sign_up(client, email: str):
    return client.post(
        "/en/accounts/signup/",
        {"email": email, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )


def test_sign_up_sends_a_verification_email(client):
    # when a visitor signs up with an e-mail address
    response = sign_up(client, "amina@example.org")

    # then they are told to check their mail, and one verification message arrives
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.org"]
    assert "/en/accounts/confirm-email/" in mail.outbox[0].body
    assert not EmailAddress.objects.get(email="amina@example.org").verified


def test_unverified_user_cannot_log_in(client):
    # given a user who signed up but never opened the verification link
    sign_up(client, "amina@example.org")
    client.logout()
    mail.outbox.clear()

    # when they try to log in with the right password
    response = log_in(client, email="amina@example.org", password=DEFAULT_PASSWORD)

    # then they are not signed in; they are sent a fresh verification message instead
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert client.get("/en/profile/")["Location"].startswith("/en/accounts/login/")


def test_verification_link_verifies_and_sends_an_incomplete_profile_to_the_profile(
    client,
):
    # given a fresh sign-up and its verification message
    sign_up(client, "amina@example.org")
    link = first_link(mail.outbox[0].body)

    # when the user opens the link and confirms
    page = client.get(link)
    response = client.post(link)

    # then the address is verified, they are signed in and asked for their profile
    assert page.status_code == 200
    assert EmailAddress.objects.get(email="amina@example.org").verified
    assert response.status_code == 302
    assert response["Location"].startswith("/en/profile/?next=")
    assert client.get(response["Location"]).status_code == 200


def test_verified_user_logs_in_by_email(client):
    # given a verified user with a complete profile
    profile = ProfileFactory()

    # when they log in with e-mail and password
    response = log_in(client, email=profile.user.email, password=DEFAULT_PASSWORD)

    # then they are signed in and land on the site, not the profile page
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert int(client.session["_auth_user_id"]) == profile.user.pk


@pytest.mark.parametrize("language", ["fr", "ar", "zh-hans"])
def test_log_in_lands_in_the_profile_language(client, language):
    # given a user whose profile says they prefer another language
    profile = ProfileFactory(preferred_language=language)

    # when they log in from the English page
    response = log_in(client, email=profile.user.email, password=DEFAULT_PASSWORD)

    # then they land on the home page in their language
    assert response["Location"] == f"/{language}/"


def test_log_in_keeps_an_explicit_next_page(client):
    # given a user with a complete profile who was sent to log in from a room
    profile = ProfileFactory(preferred_language="fr")

    # when they log in
    response = log_in(
        client,
        email=profile.user.email,
        password=DEFAULT_PASSWORD,
        next_url="/en/rooms/room-a/",
    )

    # then they go back to that page
    assert response["Location"] == "/en/rooms/room-a/"


def test_log_in_with_an_incomplete_profile_goes_to_the_profile_page(client):
    # given a verified user who has not filled in a profile
    user = UserFactory()

    # when they log in
    response = log_in(client, email=user.email, password=DEFAULT_PASSWORD)

    # then they are sent to complete it, and back where they were going afterwards
    assert response["Location"] == "/en/profile/?next=%2F"


def test_wrong_password_is_refused_with_a_form_error(client):
    # given a verified user
    user = UserFactory()

    # when someone logs in with the wrong password
    response = log_in(client, email=user.email, password="not-the-password")

    # then the form says so and nobody is signed in
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_link_sets_a_new_password(client):
    # given a verified user who forgot their password
    user = UserFactory()

    # when they ask for a reset and follow the link in the e-mail
    client.post("/en/accounts/password/reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    link = first_link(mail.outbox[0].body)
    form_page = client.get(link, follow=True)
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then the new password works and the old one does not
    assert form_page.status_code == 200
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(DEFAULT_PASSWORD)


def test_password_reset_for_an_unknown_address_changes_nothing(client):
    # when someone asks to reset the password of an address nobody has
    response = client.post(
        "/en/accounts/password/reset/", {"email": "nobody@example.org"}
    )

    # then the answer does not reveal it, and no account appears
    assert response.status_code == 302
    assert not get_user_model().objects.filter(email="nobody@example.org").exists()
