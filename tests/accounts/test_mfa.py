"""Two-factor authentication: enrolment, enforcement for trainers and staff, log-in."""

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator

from tests.accounts.steps import (
    current_totp_code,
    log_in,
    log_in_with_totp,
    open_totp_setup,
    reauthenticate,
    wrong_totp_code,
)
from tests.factories import DEFAULT_PASSWORD, ProfileFactory, UserFactory, totp_activate

pytestmark = pytest.mark.django_db

TOTP_SETUP = "/en/accounts/2fa/totp/activate/"
MFA_AUTHENTICATE = "/en/accounts/2fa/authenticate/"


@pytest.mark.parametrize(
    "role", [{"trainer": True}, {"staff": True}], ids=["trainer", "staff"]
)
@pytest.mark.parametrize("path", ["/en/profile/", "/en/", "/fr/", "/admin/"])
def test_trainer_or_staff_without_totp_is_sent_to_mfa_setup(client, role, path):
    # given a trainer or staff member with a complete profile and no authenticator
    profile = ProfileFactory(user=UserFactory(**role))
    log_in(client, email=profile.user.email, password=DEFAULT_PASSWORD)

    # when they open any page outside allauth
    response = client.get(path)

    # then they are sent to set up an authenticator app first
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/2fa/totp/activate/")


def test_practitioner_is_not_forced_to_set_up_mfa(client):
    # given a practitioner without an authenticator
    profile = ProfileFactory()
    log_in(client, email=profile.user.email, password=DEFAULT_PASSWORD)

    # when they open their profile
    response = client.get("/en/profile/")

    # then they see it
    assert response.status_code == 200


def test_trainer_enrols_totp_and_gets_recovery_codes(client):
    # given a trainer who must enrol a second factor
    profile = ProfileFactory(user=UserFactory(trainer=True))
    log_in(client, email=profile.user.email, password=DEFAULT_PASSWORD)

    # when they scan the secret and type the code their app shows
    setup_page, secret = open_totp_setup(client, password=DEFAULT_PASSWORD)
    response = client.post(TOTP_SETUP, {"code": current_totp_code(secret)})

    # then TOTP is on, recovery codes are shown, and the site opens up
    assert setup_page.status_code == 200
    assert secret in setup_page.content.decode()
    assert response["Location"] == "/en/accounts/2fa/recovery-codes/"
    types = set(
        Authenticator.objects.filter(user=profile.user).values_list("type", flat=True)
    )
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes_page = client.get("/en/accounts/2fa/recovery-codes/")
    assert codes_page.status_code == 200
    assert client.get("/en/profile/").status_code == 200


def test_wrong_code_does_not_enrol_totp(client):
    # given a trainer on the setup page
    user = UserFactory(trainer=True)
    log_in(client, email=user.email, password=DEFAULT_PASSWORD)
    _, secret = open_totp_setup(client, password=DEFAULT_PASSWORD)

    # when they type a wrong code
    response = client.post(TOTP_SETUP, {"code": wrong_totp_code(secret)})

    # then the form says so and nothing is enrolled
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_totp_secret_is_stored_encrypted(client):
    # given a trainer who enrolled through the setup page
    user = UserFactory(trainer=True)
    log_in(client, email=user.email, password=DEFAULT_PASSWORD)
    _, secret = open_totp_setup(client, password=DEFAULT_PASSWORD)
    client.post(TOTP_SETUP, {"code": current_totp_code(secret)})

    # when we read what the database holds
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)

    # then it is not the secret, but our adapter turns it back into the secret
    assert stored.data["secret"] != secret
    assert secret not in str(stored.data)
    assert get_adapter().decrypt(stored.data["secret"]) == secret


def test_log_in_with_totp_asks_for_the_code(client):
    # given a trainer with an authenticator
    user = UserFactory(trainer=True)
    totp_activate(user)

    # when they give e-mail and password
    response = log_in(client, email=user.email, password=DEFAULT_PASSWORD)

    # then they are asked for the code and are not signed in yet
    assert response["Location"] == MFA_AUTHENTICATE
    assert client.get(MFA_AUTHENTICATE).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/en/profile/")["Location"].startswith("/en/accounts/login/")


def test_wrong_totp_code_does_not_finish_log_in(client):
    # given a trainer at the code step
    user = UserFactory(trainer=True)
    secret = totp_activate(user)
    log_in(client, email=user.email, password=DEFAULT_PASSWORD)

    # when they type a wrong code
    response = client.post(MFA_AUTHENTICATE, {"code": wrong_totp_code(secret)})

    # then they are refused and still signed out
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_correct_totp_code_finishes_log_in(client):
    # given a trainer with a complete profile and an authenticator
    profile = ProfileFactory(user=UserFactory(trainer=True))
    secret = totp_activate(profile.user)

    # when they log in and type the current code
    response = log_in_with_totp(
        client, email=profile.user.email, password=DEFAULT_PASSWORD, secret=secret
    )

    # then they are signed in and may use the site
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert int(client.session["_auth_user_id"]) == profile.user.pk
    assert client.get("/en/profile/").status_code == 200


def test_a_totp_code_cannot_be_used_twice(client):
    # given a trainer who just logged in with a code
    user = UserFactory(trainer=True)
    secret = totp_activate(user)
    log_in_with_totp(client, email=user.email, password=DEFAULT_PASSWORD, secret=secret)
    client.post("/en/accounts/logout/")

    # when someone replays the same code
    log_in(client, email=user.email, password=DEFAULT_PASSWORD)
    response = client.post(MFA_AUTHENTICATE, {"code": current_totp_code(secret)})

    # then it is refused
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "role", [{"trainer": True}, {"staff": True}], ids=["trainer", "staff"]
)
def test_required_totp_cannot_be_deactivated(client, role):
    # given a trainer or staff member signed in with their authenticator
    user = UserFactory(**role)
    secret = totp_activate(user)
    log_in_with_totp(client, email=user.email, password=DEFAULT_PASSWORD, secret=secret)

    # when they try to switch TOTP off
    reauthenticate(client, password=DEFAULT_PASSWORD)
    response = client.post("/en/accounts/2fa/totp/deactivate/")

    # then it stays on, and the page says why
    assert response.status_code == 200
    assert "You cannot deactivate" in response.content.decode()
    assert Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def test_practitioner_may_deactivate_optional_totp(client):
    # given a practitioner who chose to use an authenticator
    user = UserFactory()
    secret = totp_activate(user)
    log_in_with_totp(client, email=user.email, password=DEFAULT_PASSWORD, secret=secret)

    # when they switch it off
    reauthenticate(client, password=DEFAULT_PASSWORD)
    response = client.post("/en/accounts/2fa/totp/deactivate/")

    # then it is gone
    assert response.status_code == 302
    assert not Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()
