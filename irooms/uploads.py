"""Upload rules for resources, recordings, attachments: type by content, size."""

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Allowed:
    extension: str
    mime: str


# What a file's first bytes must say it is. Office formats (docx, xlsx, pptx, odt)
# are zip containers; filetype reports them by their own signatures.
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
}
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
MEDIA_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "mp3": "audio/mpeg"}
# Text files have no signature: they are accepted when they decode as UTF-8 text
# without control characters other than whitespace, and do not open with a tag
# (HTML, SVG or XML that a browser could be led to run).
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
# Files members attach to discussion posts.
ATTACHMENT_TYPES = {**DOCUMENT_TYPES, **IMAGE_TYPES, **TEXT_TYPES}
ATTACHMENTS_PER_POST = 3


def upload_max_bytes() -> int:
    return getattr(settings, "IROOMS_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)


def upload_validate(*, uploaded_file, allowed: dict[str, str]) -> Allowed:
    """Check an upload's size and real type; return what it is or raise ValidationError.

    The name and the browser's content type are not trusted: the type comes from
    the file's first bytes.
    """
    limit = upload_max_bytes()
    if uploaded_file.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {
                "size": filesizeformat(uploaded_file.size),
                "limit": filesizeformat(limit),
            }
        )
    if uploaded_file.size == 0:
        raise ValidationError(_("The file is empty."))
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        for extension, mime in allowed.items():
            if kind.mime == mime or kind.extension == extension:
                return Allowed(extension=extension, mime=mime)
    elif _looks_like_plain_text(head):
        for extension, mime in allowed.items():
            if extension in TEXT_TYPES:
                return Allowed(extension=extension, mime=mime)
    names = ", ".join(sorted(allowed))
    raise ValidationError(
        _("This type of file is not accepted. Accepted types: %(types)s.")
        % {"types": names}
    )


def _looks_like_plain_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The sample may end inside a multi-byte character.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    if text.lstrip("\ufeff \r\n\t").startswith("<"):
        return False
    return all(char.isprintable() or char in "\r\n\t" for char in text)
