"""axe-core finds no WCAG 2.1 A/AA violation on the entrance pages, en and ar."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]


def sign_in(page, live_server, email: str = "reader@example.org") -> None:
    """Give the browser the session of a verified user, without the log-in form."""
    user = get_user_model().objects.create_user(
        username=email, email=email, password="correct-horse-battery"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def violations_message(violations: list[dict]) -> str:
    return "\n".join(
        f"{violation['id']}: {violation['help']} at {violation['targets']}"
        for violation in violations
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/signup/", "/accounts/login/"],
    ids=["home", "signup", "login"],
)
def test_entrance_pages_have_no_accessibility_violations(
    page, home_page, axe_violations, language, path
):
    # given the public pages in one language
    response = page.goto(f"/{language}{path}")
    assert response.ok, response.status

    # when axe-core checks them
    violations = axe_violations(page)

    # then it finds nothing
    assert violations == [], violations_message(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_profile_page_has_no_accessibility_violations(
    page, home_page, live_server, axe_violations, language
):
    # given a signed-in user on the profile form
    sign_in(page, live_server)
    response = page.goto(f"/{language}/profile/")
    assert response.ok, response.status
    expect(page.locator("main form")).to_be_visible()

    # when axe-core checks it
    violations = axe_violations(page)

    # then it finds nothing
    assert violations == [], violations_message(violations)


def test_accessibility_check_reports_the_violations_it_finds(browser, axe_violations):
    # given a page with an unlabelled field and an image without a text alternative
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<html lang="en"><title>Broken</title>'
        '<main><img src="data:,"><input type="text"></main></html>'
    )

    # when axe-core checks it
    violations = axe_violations(page)
    context.close()

    # then both problems are reported, with where they are
    found = {violation["id"]: violation["targets"] for violation in violations}
    assert found["image-alt"] == [["img"]]
    assert found["label"] == [["input"]]
