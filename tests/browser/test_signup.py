"""A new practitioner signs up, verifies the e-mail, completes the profile, is in."""

import re

import pytest
from playwright.sync_api import expect

from learning.accounts.selectors import profile_is_complete

pytestmark = pytest.mark.browser

EMAIL = "amina.haddad@justice.example.org"
PASSWORD = "Tall-granite-lantern-42"
CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_new_user_signs_up_verifies_email_completes_profile_and_is_signed_in(
    page, home_page, mailoutbox, django_user_model
):
    # given a visitor on the home page
    page.goto("/en/")
    page.get_by_role("link", name="Create an account").click()

    # when they sign up with an e-mail address and a password
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("verify your email address", re.IGNORECASE)
    )

    # and open the link from the verification e-mail, and confirm
    [message] = [message for message in mailoutbox if EMAIL in message.to]
    link = CONFIRMATION_LINK.search(message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # then they are asked for their profile first
    expect(page).to_have_url(re.compile(r"/en/profile/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")

    # when they fill it in and save it
    page.get_by_label("Full name").fill("Amina Haddad")
    page.get_by_label("Country").select_option("JO")
    page.get_by_label("Organisation").fill("Public Prosecution Office")
    page.get_by_label("Sector").select_option("prosecution")
    page.get_by_label("Professional role").fill("Prosecutor")
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Save profile").click()

    # then they reach the home page, signed in, and are told the profile is saved
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(home_page.title)
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Create an account")).to_have_count(0)
    assert profile_is_complete(django_user_model.objects.get(email=EMAIL))
