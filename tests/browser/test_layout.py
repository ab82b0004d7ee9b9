"""Layout: styles load, Arabic mirrors, narrow screens never scroll sideways."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEADER_BACKGROUND = "rgb(0, 47, 79)"  # --brand-dark in site.css


def test_site_stylesheet_is_served_and_applied(page, home_page):
    # given the home page
    page.goto("/en/")

    # then the stylesheet came from the static files and styles the header
    expect(page.locator(".site-header")).to_have_css(
        "background-color", HEADER_BACKGROUND
    )


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("ar", "rtl")], ids=["en", "ar"]
)
def test_page_direction_and_layout_follow_the_language(
    page, home_page, language, direction
):
    # given the home page in a left-to-right and a right-to-left language
    page.goto(f"/{language}/")

    # then the document declares its direction
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert page.evaluate("document.documentElement.dir") == direction

    # and the header mirrors: the brand starts the line, the language switcher ends it
    brand = page.locator(".site-header__brand").bounding_box()
    switcher = page.locator(".language-switcher").bounding_box()
    heading = page.get_by_role("heading", level=1).bounding_box()
    middle = page.viewport_size["width"] / 2
    if direction == "ltr":
        assert brand["x"] + brand["width"] < middle < switcher["x"]
        assert heading["x"] < middle
    else:
        assert switcher["x"] + switcher["width"] < middle < brand["x"]
        assert heading["x"] + heading["width"] > middle


@pytest.mark.parametrize(
    "path", ["/en/", "/ar/", "/en/accounts/signup/", "/ar/accounts/signup/"]
)
def test_narrow_screen_has_no_horizontal_scrolling(page, home_page, path):
    # given a phone-sized window
    page.set_viewport_size({"width": 375, "height": 812})

    # when a page opens
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # then nothing is wider than the window
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], widths
