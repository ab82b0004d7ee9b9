"""Translators work with files: wagtail-localize's PO export and import in the admin.

An editor sends a course to translation into French, downloads the PO file of the
strings, a translator fills it in, the editor uploads it and publishes; learners
then read the French course, and it is still one course for progress.
"""

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail_localize.models import StringTranslation, Translation

from courses.models import CoursePage
from tests.courses.factories import course_build, learner, locale
from tests.factories import UserFactory, totp_activate

pytestmark = pytest.mark.django_db


def editor_client() -> Client:
    editor = UserFactory(staff=True, is_superuser=True)
    totp_activate(editor)  # staff must have a second factor
    client = Client()
    client.force_login(editor)
    return client


def course_sent_to_french(client, course) -> Translation:
    answer = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[course.pk]),
        {"locales": [locale("fr").pk]},
    )
    assert answer.status_code == 302, answer.content[:500]
    return Translation.objects.get(
        source__object_id=course.translation_key,
        target_locale__language_code="fr",
    )


def test_a_course_translated_through_a_po_file_is_published_in_french(
    django_capture_on_commit_callbacks,
):
    # given an English course and an editor who sends it to translation into French
    tree = course_build(title="CBRN legal framework", lessons=2)
    client = editor_client()
    translation = course_sent_to_french(client, tree.course)

    # when they download the PO file, a translator fills every string in ...
    exported = client.get(
        reverse("wagtail_localize:download_pofile", args=[translation.pk])
    )
    assert exported.status_code == 200
    po = polib.pofile(exported.content.decode())
    assert "CBRN legal framework" in [entry.msgid for entry in po]
    for entry in po:
        entry.msgstr = (
            "Cadre juridique NRBC"
            if entry.msgid == "CBRN legal framework"
            else f"[fr] {entry.msgid}"
        )
    # ... and they upload it and publish the translation
    french = CoursePage.objects.get(
        translation_key=tree.course.translation_key, locale__language_code="fr"
    )
    uploaded = client.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]),
        {
            "file": SimpleUploadedFile("course-fr.po", str(po).encode()),
            "next": reverse("wagtailadmin_pages:edit", args=[french.pk]),
        },
    )
    assert uploaded.status_code == 302
    # (wagtail-localize publishes once the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(
            reverse("wagtailadmin_pages:edit", args=[french.pk]), {"action": "publish"}
        )
    assert published.status_code == 302

    # then a learner reads the course in French, and it is the same course
    french.refresh_from_db()
    assert french.live and french.title == "Cadre juridique NRBC"
    reader = Client()
    reader.force_login(learner())
    page = reader.get(french.url)
    assert page.status_code == 200
    assert "Cadre juridique NRBC" in page.content.decode()
    assert french.translation_key == tree.course.translation_key


def test_a_po_file_made_for_another_translation_is_refused_and_changes_nothing():
    first = course_build(title="CBRN legal framework", lessons=1)
    second = course_build(title="Foreign terrorist fighters", lessons=1)
    client = editor_client()
    first_translation = course_sent_to_french(client, first.course)
    second_translation = course_sent_to_french(client, second.course)
    po = polib.pofile(
        client.get(
            reverse("wagtail_localize:download_pofile", args=[second_translation.pk])
        ).content.decode()
    )
    for entry in po:
        entry.msgstr = "Combattants terroristes étrangers"

    answer = client.post(
        reverse("wagtail_localize:upload_pofile", args=[first_translation.pk]),
        {"file": SimpleUploadedFile("wrong.po", str(po).encode())},
        follow=True,
    )

    assert "different translation" in answer.content.decode()
    assert not StringTranslation.objects.filter(locale__language_code="fr").exists()
