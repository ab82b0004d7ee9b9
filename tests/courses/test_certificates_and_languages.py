"""Certificates (real PDFs, public verification) and language versions as one course."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ContentStream

from courses.certificates import certificate_pdf, certificate_wording
from courses.models import Certificate, CourseCompletion, Enrolment, LessonCompletion
from learning.records.models import Event
from tests.courses.factories import (
    RIGHT,
    course_build,
    course_translate,
    learner,
    quiz_answers,
)

pytestmark = pytest.mark.django_db


def enrol(client, course):
    return client.post(reverse("courses:enrol", args=[course.pk]))


def complete(client, lesson):
    return client.post(reverse("courses:lesson_complete", args=[lesson.pk]))


def pass_quiz(client, quiz):
    data = {f"q-{key}": values for key, values in quiz_answers(RIGHT).items()}
    return client.post(quiz.url, data)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_learner_downloads_a_certificate_pdf_with_name_and_code(client):
    # given
    tree = course_build(lessons=1)
    user = learner(full_name="Amina Diallo")
    client.force_login(user)
    enrol(client, tree.course)
    complete(client, tree.lessons[0])
    pass_quiz(client, tree.quiz)
    certificate = Certificate.objects.get(completion__user=user)
    # when
    response = client.get(reverse("courses:certificate_pdf", args=[certificate.code]))
    # then
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Amina Diallo" in text
    assert certificate.code in text
    assert tree.course.title in text


def test_nobody_else_may_download_a_learners_certificate(client):
    tree = course_build(lessons=1, final_quiz=False)
    owner = learner()
    client.force_login(owner)
    enrol(client, tree.course)
    complete(client, tree.lessons[0])
    code = Certificate.objects.get(completion__user=owner).code
    client.force_login(learner())
    response = client.get(reverse("courses:certificate_pdf", args=[code]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("code_of", "expected"),
    [
        ("real", "genuine certificate"),
        ("forged", "No certificate has this code."),
    ],
)
def test_verification_page_confirms_a_real_code_and_rejects_a_forged_one(
    client, code_of, expected
):
    # given
    tree = course_build(lessons=1, final_quiz=False)
    user = learner(full_name="Secret Name")
    client.force_login(user)
    enrol(client, tree.course)
    complete(client, tree.lessons[0])
    client.logout()
    real = Certificate.objects.get(completion__user=user).code
    code = real if code_of == "real" else "AAAA-BBBB-CCCC"
    # when
    response = client.get(reverse("courses:certificate_verify"), {"code": code})
    # then: a public page that reveals nothing but the verdict
    body = response.content.decode()
    assert response.status_code == 200
    assert expected in body
    assert "Secret Name" not in body
    assert tree.course.title not in body


def pdf_runs(data: bytes) -> list[tuple[str, list[int], str]]:
    """Each text run drawn on the page: (font, glyph codes, text by ToUnicode), in
    the order the glyphs are drawn (visual order, left to right)."""
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    to_unicode = {}
    for name, font in fonts.items():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode()
        to_unicode[name] = {
            int(code, 16): bytes.fromhex(text).decode("utf-16-be")
            for code, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
        }
    runs, font = [], None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            font = operands[0]
        elif operator == b"Tj":
            raw = operands[0].original_bytes  # two bytes a glyph (Identity-H)
            codes = [int.from_bytes(raw[i : i + 2]) for i in range(0, len(raw), 2)]
            text = "".join(to_unicode[font][code] for code in codes)
            runs.append((str(fonts[font].get_object()["/BaseFont"]), codes, text))
    return runs


def certificate_for(*, language: str, name: str, title: str) -> Certificate:
    tree = course_build(lessons=1, final_quiz=False)
    completion = CourseCompletion.objects.create(
        user=learner(full_name=name),
        course_key=tree.course.translation_key,
        course=tree.course,
        language=language,
    )
    return Certificate.objects.create(
        completion=completion,
        code="ABCD-EFGH-JKLM",
        learner_name=name,
        course_title=title,
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "name", "title", "font"),
    [
        ("ar", "أمينة ديالو", "الإطار القانوني", "NotoNaskhArabic"),
        ("zh-hans", "王芳", "反恐法律框架", "WenQuanYiMicroHei"),
        ("ru", "Анна Иванова", "Правовая основа", "NotoSans"),
        ("fr", "Amélie Durand", "Cadre juridique", "NotoSans"),
    ],
)
def test_certificate_pdf_gives_back_the_learners_name_and_course_as_text(
    language, name, title, font
):
    # given
    certificate = certificate_for(language=language, name=name, title=title)
    # when
    data = certificate_pdf(certificate)
    # then: the glyphs of the language's font, and text that copies and searches
    # (for Arabic, in logical order: the reader reverses the right-to-left runs)
    assert data.startswith(b"%PDF")
    assert any(font in embedded for embedded in pdf_fonts(data))
    text = pdf_text(data)
    assert "\x00" not in text
    assert name in text.splitlines()
    assert title in text.splitlines()
    assert "ABCD-EFGH-JKLM" in text


def test_arabic_certificate_draws_the_name_shaped_from_right_to_left():
    # given
    name = "أمينة ديالو"
    certificate = certificate_for(language="ar", name=name, title="الإطار القانوني")
    # when
    runs = pdf_runs(certificate_pdf(certificate))
    # then: one run in the Arabic font whose glyphs, drawn left to right, are the
    # name's letters from its end (right-to-left order)...
    [(font, codes, _text)] = [run for run in runs if run[2] == name[::-1]]
    assert "NotoNaskhArabic" in font
    # ...and shaped: "ي" joins on both sides in "أمينة" (medial form) but only
    # to the left in "ديالو" (initial form), so two different glyphs show it.
    drawn = dict(zip(codes, name[::-1], strict=True))
    assert len({code for code, letter in drawn.items() if letter == "ي"}) == 2


def test_two_language_versions_are_one_course_for_progress_and_completion(client):
    # given: a learner who starts in English and finishes in French
    english = course_build(lessons=2)
    french = course_translate(english, "fr")
    user = learner(full_name="Jean Martin")
    client.force_login(user)
    enrol(client, english.course)
    complete(client, english.lessons[0])
    # when
    enrol(client, french.course)
    french_page = client.get(french.course.url).content.decode()
    complete(client, french.lessons[1])
    pass_quiz(client, french.quiz)
    # and the English quiz is then passed again, in vain
    again = pass_quiz(client, english.quiz)
    # then
    assert 'value="33"' in french_page  # 1 of 2 lessons + quiz, done in English
    assert Enrolment.objects.filter(user=user).count() == 1
    assert LessonCompletion.objects.filter(user=user).count() == 2
    assert CourseCompletion.objects.filter(user=user).count() == 1
    assert again.status_code == 302  # already passed
    assert Event.objects.filter(actor=user, event_type="course_completed").count() == 1
    certificate = Certificate.objects.get(completion__user=user)
    assert certificate.language == "fr"
    assert certificate.course_title == french.course.title
    assert "Certificat de réussite" in pdf_text(certificate_pdf(certificate))


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Certificate of completion"),
        ("fr", "Certificat de réussite"),
        ("es", "Certificado de finalización"),
        ("pt", "Certificado de conclusão"),
        ("ru", "Сертификат об окончании курса"),
        ("ar", "شهادة إتمام"),
        ("zh-hans", "结业证书"),
    ],
)
def test_certificate_wording_comes_in_each_of_the_seven_languages(language, title):
    # given / when
    wording = certificate_wording(language)
    # then
    assert wording["title"] == title
    if language != "en":
        assert wording["code"] != "Verification code"
