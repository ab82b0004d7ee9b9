"""Seven languages: URL prefixes, the switcher, right-to-left Arabic, our catalogues."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.accounts.steps import site_pages_build
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
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


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_catalogue_is_complete_and_compiled(language):
    # given our catalogue for a language
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    compiled = polib.mofile(str(folder / "django.mo"))

    # then every string is translated, none is fuzzy, and the .mo matches the .po
    assert source.percent_translated() == 100
    assert not [entry.msgid for entry in source.fuzzy_entries()]
    assert {e.msgid: e.msgstr for e in source.translated_entries()} == {
        e.msgid: e.msgstr for e in compiled if e.msgid
    }
