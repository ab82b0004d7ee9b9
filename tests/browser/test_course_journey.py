"""A learner completes a course in French, then opens it right-to-left in Arabic."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from courses.models import Certificate
from tests.courses.factories import course_build, course_translate, learner
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

LEARNER_NAME = "Amina Diallo"


def sign_in(page, email: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def answer_quiz(page, choices: list[str]) -> None:
    for choice in choices:
        page.locator(f"#{choice}").check()
    page.locator(".quiz-form button[type=submit]").click()


def test_learner_completes_a_french_course_verifies_the_certificate_reads_arabic(
    page, home_page
):
    # given a published course with two lessons and a final quiz, in French and Arabic
    english = course_build(lessons=2, modules=1, max_attempts=3)
    french = course_translate(english, "fr")
    arabic = course_translate(english, "ar")
    user = learner(full_name=LEARNER_NAME)

    # and a learner signed in through the real sign-in form, on the English course
    sign_in(page, user.email)
    page.goto(english.course.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(english.course.title)

    # when they switch the site to French with the header's language switcher
    page.get_by_label("Language", exact=True).select_option("fr")
    page.locator(".language-switcher").get_by_role("button").click()

    # then the French version of the course opens
    expect(page).to_have_url(re.compile(r"/fr/courses/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(french.course.title)

    # when they enrol, they land on the first lesson, and work through the lessons
    page.locator("form[action*='/enrol/'] button").click()
    for lesson in french.lessons:
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        page.locator("form[action*='/complete/'] button").click()

    # then the final quiz follows; a half-right attempt fails (50% < 70%)
    expect(page.get_by_role("heading", level=1)).to_have_text(french.quiz.title)
    answer_quiz(page, ["q-q1-0", "q-q2-2"])
    expect(page.locator(".quiz .message--error[role=status]")).to_contain_text("50")

    # and an all-right attempt passes (100%) and completes the course
    answer_quiz(page, ["q-q1-0", "q-q2-0", "q-q2-1"])
    expect(page.locator(".quiz .message--success[role=status]")).to_contain_text("100")
    page.locator(".course-nav a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(french.course.title)
    code = page.locator(".certificate-code").inner_text().strip()
    assert code == Certificate.objects.get(completion__user=user).code

    # when they download the certificate
    with page.expect_download() as download_info:
        page.locator("a[href*='/certificates/']").click()
    download = download_info.value

    # then it is a real PDF in French with their name and the code
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    text = "\n".join(pdf_page.extract_text() for pdf_page in pages)
    assert LEARNER_NAME in text
    assert code in text
    assert "Certificat de réussite" in text

    # when anyone checks the code on the public verification page
    page.goto("/fr/learn/verify/")
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")

    # then the page confirms it, and a forged code is refused
    expect(page.locator(".message--success[role=status]")).to_be_visible()
    page.locator("#code").fill("AAAA-BBBB-CCCC")
    page.locator("#code").press("Enter")
    expect(page.locator(".message--error[role=status]")).to_be_visible()

    # when the learner opens the same course in Arabic
    page.goto(arabic.course.url)

    # then it reads right to left, and it is the course they have completed
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("heading", level=1)).to_have_text(arabic.course.title)
    expect(page.locator(".certificate-code")).to_have_text(code)
