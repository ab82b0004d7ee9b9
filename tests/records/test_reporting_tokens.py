"""Reporting API tokens: issued and revoked in the Wagtail admin, used by the API."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from learning.records.models import ReportingToken
from learning.records.tokens import reporting_token_create
from tests.factories import UserFactory, totp_activate
from tests.records.test_admin_report import (
    logged_in,
    reporting_admin,
    staff_without_reporting,
)

pytestmark = pytest.mark.django_db

TOKENS_URL = "/admin/reports/training/tokens/"
API_URL = "/api/v1/reports/training/"


def issued_key(client, **data) -> str:
    response = client.post(TOKENS_URL, {"name": "Dashboard", **data})
    assert response.status_code == 201, response.content
    return re.search(r'value="([^"]+)" data-new-key', response.content.decode())[1]


def api_status(key: str) -> int:
    return (
        Client()
        .get(API_URL, {"year": 2020}, HTTP_AUTHORIZATION=f"Token {key}")
        .status_code
    )


def revoke(client, token: ReportingToken):
    return client.post(f"{TOKENS_URL}{token.pk}/revoke/")


def test_a_token_issued_in_the_admin_reads_the_api_and_is_never_shown_again():
    owner = reporting_admin()
    client = logged_in(owner)

    key = issued_key(client)
    listing = client.get(TOKENS_URL)

    assert api_status(key) == 200
    token = ReportingToken.objects.get(user=owner)
    assert token.key_hash == ReportingToken.hash_key(key)
    assert token.last_used_at is not None
    assert key not in listing.content.decode()
    assert "Dashboard" in listing.content.decode()
    assert not ReportingToken.objects.filter(key_hash=key).exists()


def test_a_revoked_token_is_refused():
    owner = reporting_admin()
    client = logged_in(owner)
    key = issued_key(client)

    response = revoke(client, ReportingToken.objects.get(user=owner))

    assert response.status_code == 302
    assert api_status(key) == 403
    assert "Revoked" in client.get(TOKENS_URL).content.decode()


def test_an_expired_token_is_refused():
    owner = reporting_admin()
    key = reporting_token_create(
        user=owner, name="Old", expires_at=timezone.now() + timedelta(days=1)
    )
    assert api_status(key) == 200

    ReportingToken.objects.filter(user=owner).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert api_status(key) == 403
    assert "Expired" in logged_in(owner).get(TOKENS_URL).content.decode()


def test_an_expiry_is_kept_and_must_be_in_the_future():
    client = logged_in(reporting_admin())
    tomorrow = timezone.now().date() + timedelta(days=1)

    refused = client.post(TOKENS_URL, {"name": "Old", "expires_on": "2020-01-01"})
    issued_key(client, expires_on=tomorrow.isoformat())

    assert refused.status_code == 400
    assert "Choose a day after today." in refused.content.decode()
    token = ReportingToken.objects.get()
    assert token.expires_at.date() == tomorrow


def test_a_token_stops_working_when_its_owner_loses_the_permission():
    owner = reporting_admin()
    key = issued_key(logged_in(owner))

    owner.groups.clear()

    assert api_status(key) == 403


def test_staff_see_and_revoke_only_their_own_tokens():
    alice, bob = reporting_admin(), reporting_admin()
    reporting_token_create(user=alice, name="Alice's")
    bob_key = reporting_token_create(user=bob, name="Bob's")
    bobs = ReportingToken.objects.get(user=bob)

    page = logged_in(alice).get(TOKENS_URL).content.decode()
    response = logged_in(alice).post(f"{TOKENS_URL}{bobs.pk}/revoke/", follow=True)

    assert "Alice&#x27;s" in page and "Bob&#x27;s" not in page
    assert "There is no such token." in response.content.decode()
    assert api_status(bob_key) == 200


def test_superusers_see_and_revoke_everyones_tokens():
    bob = reporting_admin()
    bob_key = reporting_token_create(user=bob, name="Bob's")
    superuser = UserFactory(staff=True, is_superuser=True)
    totp_activate(superuser)
    client = logged_in(superuser)

    page = client.get(TOKENS_URL).content.decode()
    response = revoke(client, ReportingToken.objects.get(user=bob))

    assert "Bob&#x27;s" in page and bob.email in page
    assert response.status_code == 302
    assert api_status(bob_key) == 403


def test_staff_without_the_reporting_permission_cannot_issue_tokens():
    client = logged_in(staff_without_reporting())

    page = client.get(TOKENS_URL)
    issued = client.post(TOKENS_URL, {"name": "Sneaky"})
    home = client.get("/admin/")

    assert page.status_code == 403 and issued.status_code == 403
    assert not ReportingToken.objects.exists()
    assert "reporting-tokens" not in home.content.decode()
