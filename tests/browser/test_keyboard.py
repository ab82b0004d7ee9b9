"""Keyboard users: a skip link first, and a language switcher without a mouse."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAX_TAB_STOPS = 30


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, home_page):
    # given the home page, just opened
    page.goto("/en/")

    # when the user presses Tab once
    page.keyboard.press("Tab")

    # then the skip link has focus and shows itself
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    # when they follow it
    page.keyboard.press("Enter")

    # then the main content has focus
    expect(page.locator("main")).to_be_focused()


def tab_to(page, locator) -> None:
    """Press Tab until `locator` has focus, as a keyboard user would."""
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{locator} is not reachable with Tab.")


def test_language_switcher_changes_language_from_the_keyboard(page, home_page):
    # given the sign-in page in English
    page.goto("/en/accounts/login/")
    language = page.get_by_label("Language", exact=True)

    # when the user tabs to the switcher, picks Arabic with a key and submits
    tab_to(page, language)
    page.keyboard.press("Home")
    expect(language).to_have_value("ar")
    tab_to(page, page.locator(".language-switcher").get_by_role("button"))
    page.keyboard.press("Enter")

    # then the same page opens in Arabic
    expect(page).to_have_url(re.compile(r"/ar/accounts/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
