"""One way in: every admin log-in page hands over to allauth (rate limits, MFA)."""

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ALLAUTH_LOGIN = "/en/accounts/login/"


def test_wagtail_login_page_redirects_to_allauth_keeping_next(client):
    # when an anonymous visitor opens Wagtail's log-in page
    response = client.get("/admin/login/?next=/admin/pages/")

    # then they are sent to allauth's log-in, still bound for the admin
    assert response.status_code == 302
    assert response["Location"] == f"{ALLAUTH_LOGIN}?next=/admin/pages/"


def test_django_admin_login_page_redirects_to_allauth_keeping_next(client):
    # when an anonymous visitor opens Django's admin log-in page
    response = client.get("/django-admin/login/?next=/django-admin/auth/user/")

    # then allauth's log-in takes over
    assert response.status_code == 302
    assert response["Location"] == (
        f"{ALLAUTH_LOGIN}?next=%2Fdjango-admin%2Fauth%2Fuser%2F"
    )


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/django-admin/"])
def test_anonymous_admin_visit_ends_at_allauth_login(client, path):
    # when an anonymous visitor opens an admin page
    response = client.get(path, follow=True)

    # then the chain of redirects ends on allauth's log-in form
    final_path = response.redirect_chain[-1][0]
    assert final_path.startswith(ALLAUTH_LOGIN)
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/admin/login/", {"username": "{username}", "password": DEFAULT_PASSWORD}),
        (
            "/django-admin/login/",
            {"username": "{username}", "password": DEFAULT_PASSWORD},
        ),
    ],
    ids=["wagtail", "django-admin"],
)
def test_posting_credentials_to_old_admin_login_views_does_not_log_in(
    client, path, fields
):
    # given a staff member's valid credentials
    user = UserFactory(staff=True)
    data = {
        name: value.format(username=user.username) for name, value in fields.items()
    }

    # when someone posts them straight to an admin log-in view
    response = client.post(path, data)

    # then nobody is signed in; they are sent to allauth's form
    assert response.status_code == 302
    assert response["Location"].startswith(ALLAUTH_LOGIN)
    assert "_auth_user_id" not in client.session


def test_signed_in_non_staff_user_is_refused_by_django_admin_login(client):
    # given a signed-in practitioner
    client.force_login(UserFactory())

    # when they open Django's admin log-in page
    response = client.get("/django-admin/login/")

    # then they are refused
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/admin/", "/django-admin/"])
def test_staff_without_mfa_cannot_reach_the_admin(client, path):
    # given a staff member who logged in through allauth but has no authenticator
    user = UserFactory(staff=True)
    client.post(ALLAUTH_LOGIN, {"login": user.email, "password": DEFAULT_PASSWORD})

    # when they open the admin
    response = client.get(path)

    # then they are sent to set up TOTP
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"
