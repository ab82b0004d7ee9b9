"""Where packages live on disk: private, outside MEDIA_ROOT, one folder each."""

from pathlib import Path

from django.conf import settings


def scorm_root() -> Path:
    root = getattr(settings, "SCORM_ROOT", "") or settings.PRIVATE_MEDIA_ROOT / "scorm"
    return Path(root)


def uploads_dir() -> Path:
    return scorm_root() / "uploads"


def packages_dir() -> Path:
    return scorm_root() / "packages"


def upload_path(key) -> Path:
    return uploads_dir() / f"{key}.zip"


def content_dir(key) -> Path:
    return packages_dir() / str(key)
