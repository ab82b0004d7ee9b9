"""Repeated failed log-ins for one address are refused for a while (allauth, Redis)."""

import pytest
from django.conf import settings

from tests.accounts.steps import log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Too many failed login attempts. Try again later."


def failures_allowed_per_address() -> int:
    """The `/key` part of allauth's login_failed limit, e.g. 5 in "5/5m/key"."""
    rules = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    return next(int(rule.split("/")[0]) for rule in rules if rule.endswith("/key"))


def test_repeated_failed_log_ins_lock_the_address_even_with_the_right_password(
    client,
):
    # given someone who got the password wrong as often as allowed
    user = UserFactory()
    for _ in range(failures_allowed_per_address()):
        response = log_in(client, email=user.email, password="wrong-guess-123")
        assert REFUSAL not in response.content.decode()

    # when the right password is tried within the window
    response = log_in(client, email=user.email, password=DEFAULT_PASSWORD)

    # then the log-in is refused with a message, and nobody is signed in
    assert response.status_code in (200, 429)
    assert REFUSAL in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_locking_one_address_leaves_other_users_alone(client):
    # given one address locked by failed attempts
    target = UserFactory()
    for _ in range(failures_allowed_per_address() + 1):
        log_in(client, email=target.email, password="wrong-guess-123")
    client.cookies.clear()
    other = UserFactory()

    # when another user logs in
    response = log_in(client, email=other.email, password=DEFAULT_PASSWORD)

    # then they get in
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == other.pk
