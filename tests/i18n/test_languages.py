"""Seven languages: URL prefixes, the switcher, right-to-left Arabic, our catalogues."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.accounts.steps import site_pages_build
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

CATALOGUE_LANGUAGES = ["ar", "zh_Hans", "fr", "ru", "es", "pt"]
SKIP_LINK = {
    "ar": "انتقل إلى المحتوى الرئيسي",
    "zh-hans": "跳至主要内容",
    "en": "Skip to main content",
    "fr": "Aller au contenu principal",
    "ru": "Перейти к основному содержанию",
    "es": "Saltar al contenido principal",
    "pt": "Saltar para o conteúdo principal",
}


def switcher_next_value(html: str) -> str:
    match = re.search(r'<input name="next" type="hidden" value="([^"]*)">', html)
    assert match, "The language switcher has no next field."
    return match.group(1)


def test_site_offers_the_six_un_languages_and_portuguese():
    # then the language list is the one the platform promises
    codes = [code for code, _ in settings.LANGUAGES]
    assert codes == ["ar", "zh-hans", "en", "fr", "ru", "es", "pt"]


@pytest.mark.parametrize(
    ("start", "expected"),
    [("/en/", "/fr/"), ("/en/rooms/", "/fr/rooms/"), ("/en/profile/", "/fr/profile/")],
)
def test_language_switcher_moves_to_the_same_page_in_french(client, start, expected):
    # given a signed-in user with a complete profile on an English page
    site_pages_build()
    client.force_login(ProfileFactory().user)
    html = client.get(start).content.decode()

    # when they choose French in the switcher
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": switcher_next_value(html)}
    )

    # then they land on the same page in French
    assert response.status_code == 302
    assert response["Location"] == expected
    assert SKIP_LINK["fr"] in client.get(expected).content.decode()


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("ar", "rtl"),
        ("zh-hans", "ltr"),
        ("en", "ltr"),
        ("fr", "ltr"),
        ("ru", "ltr"),
        ("es", "ltr"),
        ("pt", "ltr"),
    ],
)
def test_pages_declare_their_language_and_direction(client, language, direction):
    # given the home page
    site_pages_build()

    # when it is opened under a language prefix
    html = client.get(f"/{language}/").content.decode()

    # then <html> says which language and which direction, and the interface speaks it
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert SKIP_LINK[language] in html


def test_arabic_profile_page_speaks_arabic(client):
    # given a signed-in user
    client.force_login(UserFactory())

    # when they open their profile in Arabic
    html = client.get("/ar/profile/").content.decode()

    # then title, labels, choices and button come from our Arabic catalogue
    assert '<html lang="ar" dir="rtl">' in html
    for text in ("ملفك الشخصي", "الاسم الكامل", "إنفاذ القانون", "حفظ الملف الشخصي"):
        assert text in html


def test_arabic_form_errors_are_in_arabic(client):
    # given a signed-in user on the Arabic profile page
    client.force_login(UserFactory())

    # when they save an empty form
    html = client.post("/ar/profile/", {}).content.decode()

    # then the summary and Django's field errors are in Arabic
    assert "لم يُحفظ ملفك الشخصي" in html
    assert "هذا الحقل مطلوب" in html


ROOT = Path(settings.BASE_DIR)
# Every catalogue of the project: the project's own (LOCALE_PATHS) and each app's.
CATALOGUE_DIRS = sorted(
    folder
    for folder in ROOT.glob("**/locale")
    if not {".venv", "node_modules"} & set(folder.relative_to(ROOT).parts)
)
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")


def _translations(entries) -> dict:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in entries
        if entry.msgid
    }


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
@pytest.mark.parametrize(
    "folder", CATALOGUE_DIRS, ids=[str(f.relative_to(ROOT)) for f in CATALOGUE_DIRS]
)
def test_catalogue_is_complete_and_compiled(folder, language):
    # given one of our catalogues for a language
    messages = folder / language / "LC_MESSAGES"
    source = polib.pofile(str(messages / "django.po"))
    compiled = polib.mofile(str(messages / "django.mo"))

    # then every string is translated, none is fuzzy, and the .mo matches the .po
    assert not [entry.msgid for entry in source.untranslated_entries()]
    assert not [entry.msgid for entry in source.fuzzy_entries()]
    assert _translations(source.translated_entries()) == _translations(compiled)
    # and every translation keeps the placeholders of its source string (a plural
    # form may leave the count out: Arabic's "one" and "two" forms say it in words)
    for entry in source.translated_entries():
        if entry.msgid_plural:
            allowed = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            for text in entry.msgstr_plural.values():
                assert set(PLACEHOLDER.findall(text)) <= allowed, (entry.msgid, text)
        else:
            wanted = sorted(PLACEHOLDER.findall(entry.msgid))
            found = sorted(PLACEHOLDER.findall(entry.msgstr))
            assert found == wanted, (entry.msgid, entry.msgstr)


def test_every_app_with_interface_strings_has_its_catalogue():
    # then the member-facing apps translate their own strings
    assert {str(folder.relative_to(ROOT)) for folder in CATALOGUE_DIRS} >= {
        "learning/locale",
        "learning/records/locale",
        "irooms/locale",
        "courses/locale",
        "webinars/locale",
        "scorm/locale",
    }


@pytest.mark.parametrize("language", ["ar", "zh-hans", "ru"])
def test_a_room_and_a_lesson_speak_the_members_language(client, language):
    # given a member of a room and a learner of a course
    from django.utils import translation

    from courses.services import enrolment_create
    from tests.courses.factories import course_build
    from tests.irooms.factories import member_add, practitioner, room_create

    room = room_create()
    member = practitioner()
    member_add(room=room, user=member)
    tree = course_build(lessons=1)
    enrolment_create(user=member, course=tree.course)
    lesson = tree.lessons[0]
    client.force_login(member)

    # when they open the room home and the lesson under the language's prefix
    pages = [
        client.get(re.sub(r"^/en/", f"/{language}/", url)).content.decode()
        for url in (room.url, lesson.url)
    ]

    # then the interface around the content is in that language
    with translation.override(language):
        expected = [
            translation.gettext("Search this room"),
            translation.gettext("Mark as complete and continue"),
        ]
    assert "Search this room" not in expected
    assert expected[0] in pages[0]
    assert expected[1] in pages[1]
