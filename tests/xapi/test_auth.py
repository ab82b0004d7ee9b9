"""Client credentials: HTTP Basic, scopes, revocation (1.0.3 Part 3 §4 "Security")."""

import pytest

from tests.xapi.factories import credentials, send, statement, url
from xapi.models import LrsClient
from xapi.services import client_revoke

pytestmark = pytest.mark.django_db


def test_request_without_credentials_is_401(client):  # Part 3 §4
    response = client.get(
        url("statements"), headers={"X-Experience-API-Version": "1.0.3"}
    )

    assert response.status_code == 401


def test_wrong_secret_is_401(client):  # Part 3 §4
    headers = credentials()
    LrsClient.objects.update(secret_hash="md5$x$y")

    response = client.get(url("statements"), headers=headers)

    assert response.status_code == 401


def test_revoked_client_gets_401(client):  # Part 3 §4
    headers = credentials()
    assert client.get(url("statements"), headers=headers).status_code == 200

    client_revoke(client=LrsClient.objects.get())

    assert client.get(url("statements"), headers=headers).status_code == 401


def test_read_only_client_gets_403_on_writes(client):  # Part 3 §4 (scopes)
    headers = credentials("read")

    response = send(client, "POST", url("statements"), statement(), headers=headers)

    assert response.status_code == 403
    assert client.get(url("statements"), headers=headers).status_code == 200


def test_write_only_client_gets_403_on_reads(client):  # Part 3 §4 (scopes)
    headers = credentials("write")

    assert client.get(url("statements"), headers=headers).status_code == 403
    assert (
        send(
            client, "POST", url("statements"), statement(), headers=headers
        ).status_code
        == 200
    )


def test_secret_is_stored_hashed(client):
    headers = credentials()

    stored = LrsClient.objects.get()

    assert stored.secret_hash.startswith(
        "md5$"
    )  # the test hasher; PBKDF2 in production
    assert stored.secret_hash not in headers["Authorization"]


def test_staff_issue_client_in_wagtail_admin_and_see_secret_once(
    client, django_user_model
):
    # given a staff member past the MFA gate
    staff = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "x" * 12
    )
    client.force_login(staff)
    session = client.session
    session["mfa_gate_passed"] = staff.pk
    session.save()

    # when they issue credentials
    response = client.post(
        "/admin/xapi_clients/new/",
        {"name": "Partner agency", "scope": "read"},
        follow=True,
    )

    # then the client exists, hashed, and the key and secret are shown once
    issued = LrsClient.objects.get()
    page = response.content.decode()
    assert issued.name == "Partner agency"
    assert issued.created_by == staff
    assert issued.key in page
    assert "secret" in page
    listing = client.get("/admin/xapi_clients/").content.decode()
    assert "secret:" not in listing


def test_staff_revoke_client_in_wagtail_admin(client, django_user_model):
    staff = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "x" * 12
    )
    client.force_login(staff)
    session = client.session
    session["mfa_gate_passed"] = staff.pk
    session.save()
    headers = credentials()
    issued = LrsClient.objects.get()

    client.post(
        f"/admin/xapi_clients/edit/{issued.pk}/",
        {"name": issued.name, "scope": issued.scope},  # "active" left unticked
    )

    issued.refresh_from_db()
    assert not issued.is_active
    assert issued.revoked_at is not None
    assert client.get(url("statements"), headers=headers).status_code == 401
