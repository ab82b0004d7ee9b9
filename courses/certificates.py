"""Certificate PDFs in the learner's language: Arabic shaped right-to-left, CJK.

The wording is translated with gettext (courses/locale). Fonts are looked up in
`settings.CERTIFICATE_FONT_DIRS` (Debian's fonts-noto-core and fonts-wqy-microhei
by default); a missing font is a configuration error, never a PDF with empty boxes.

Chinese is set in WenQuanYi Micro Hei, a TrueType-outline font: fpdf2 embeds it as
a CIDFontType2 with the Identity-H encoding, which PDF readers (and pypdf) turn back
into text. Noto Sans CJK has CFF outlines, which fpdf2 embeds with a CMap stream
of its own as encoding; its glyphs were right, but text extraction, copy and
search then gave a NUL before every character.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import pgettext
from fpdf import FPDF

from courses.models import Certificate

DEFAULT_FONT_DIRS = [
    str(Path(settings.BASE_DIR) / "learning" / "static" / "fonts"),
    "/usr/share/fonts",
]

# (file name, face index inside a collection)
FONTS = {
    "latin": ("NotoSans-Regular.ttf", 0),
    "arabic": ("NotoNaskhArabic-Regular.ttf", 0),
    # TrueType outlines (see above); the collection's first face is Micro Hei.
    "cjk": ("wqy-microhei.ttc", 0),
}
LANGUAGE_FONT = {"ar": "arabic", "zh-hans": "cjk"}


def certificate_wording(language: str) -> dict[str, str]:
    """The certificate's sentences in `language`, from courses/locale (gettext).

    A language without a catalogue gets English; the msgctxt "certificate" keeps
    these sentences apart from the same words used elsewhere on the site.
    """
    with translation.override(language):
        return {
            "title": pgettext("certificate", "Certificate of completion"),
            "certifies": pgettext("certificate", "This certifies that"),
            "completed": pgettext(
                "certificate", "has successfully completed the course"
            ),
            "on": pgettext("certificate", "Completed on"),
            "code": pgettext("certificate", "Verification code"),
            "verify": pgettext("certificate", "Verify this certificate at"),
        }


@cache
def font_file(name: str) -> str:
    directories = getattr(settings, "CERTIFICATE_FONT_DIRS", DEFAULT_FONT_DIRS)
    for directory in directories:
        matches = (
            sorted(Path(directory).rglob(name)) if Path(directory).is_dir() else []
        )
        if matches:
            return str(matches[0])
    raise ImproperlyConfigured(
        f"Font {name} not found in {directories}: install fonts-noto-core and "
        "fonts-wqy-microhei (scripts/test-system-deps.sh) or set CERTIFICATE_FONT_DIRS."
    )


def _add_fonts(pdf: FPDF) -> None:
    for family, (name, index) in FONTS.items():
        pdf.add_font(family, fname=font_file(name), collection_font_number=index)
    # Names and titles may mix scripts (an Arabic name on a French certificate).
    pdf.set_fallback_fonts(list(FONTS), exact_match=False)


def verification_url() -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("courses:certificate_verify")


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes, in the language it was issued in."""
    language = (
        certificate.language
        if certificate.language in dict(settings.LANGUAGES)
        else settings.LANGUAGE_CODE
    )
    words = certificate_wording(language)
    right_to_left = language == "ar"
    with translation.override(language):
        date = formats.date_format(certificate.issued_at, "DATE_FORMAT")
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(words["title"])
    pdf.set_creator(settings.WAGTAIL_SITE_NAME)
    pdf.set_lang(language)
    _add_fonts(pdf)
    pdf.set_text_shaping(
        use_shaping_engine=True,
        direction="rtl" if right_to_left else "ltr",
        script="arab" if right_to_left else None,
        language=language,
    )
    pdf.add_page()
    pdf.set_draw_color(0, 73, 122)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_font(LANGUAGE_FONT.get(language, "latin"))
    width = pdf.w - 40
    pdf.set_xy(20, 35)

    def line(text: str, size: int, height: float) -> None:
        pdf.set_font_size(size)
        pdf.set_x(20)
        pdf.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")

    line(settings.WAGTAIL_SITE_NAME, 14, 10)
    line(words["title"], 30, 18)
    pdf.ln(6)
    line(words["certifies"], 14, 10)
    line(certificate.learner_name, 26, 16)
    line(words["completed"], 14, 10)
    line(certificate.course_title, 20, 12)
    pdf.ln(6)
    line(f"{words['on']}: {date}", 12, 8)
    line(f"{words['code']}: {certificate.code}", 12, 8)
    line(f"{words['verify']} {verification_url()}", 10, 7)
    return bytes(pdf.output())
