"""SCORM test data: the sample packages, malicious zips, a SCORM course."""

import io
import stat
import zipfile
from pathlib import Path

import pytest

from courses.models import ModulePage
from scorm.models import ScormLessonPage, ScormPackage
from scorm.services import scorm_package_create, scorm_package_unpack
from tests.courses.factories import CourseTree, course_build

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SCORM = REPO_ROOT.parent / "shared" / "scorm"
SAMPLES = {
    "scorm12": "RuntimeBasicCalls_SCORM12.zip",
    "scorm2004": "RuntimeBasicCalls_SCORM20043rdEdition.zip",
}
MANIFEST_12 = """<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="i" identifierref="r"><title>Item</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" href="{href}"/></resources>
</manifest>"""


def sample_path(standard: str) -> Path:
    """A real sample package from ../shared/scorm; fails clearly when missing."""
    path = SHARED_SCORM / SAMPLES[standard]
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: the SCORM samples live in shared/scorm beside the "
            "repository clone (../shared/scorm from the repository root)."
        )
    return path


def zip_bytes(
    entries: list[tuple], *, manifest_href: str | None = "index.html"
) -> bytes:
    """A zip of (name, data[, mode]) entries plus, unless None, a manifest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest_href is not None:
            archive.writestr("imsmanifest.xml", MANIFEST_12.format(href=manifest_href))
        for entry in entries:
            name, data, *mode = entry
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode:
                info.external_attr = mode[0] << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def symlink_entry(name: str, target: str) -> tuple:
    return (name, target, stat.S_IFLNK | 0o777)


def package_ready(standard: str, **kwargs) -> ScormPackage:
    """A sample package imported and unpacked (the task's work, run in-process)."""
    package = scorm_package_create(upload=sample_path(standard), **kwargs)
    return scorm_package_unpack(package_id=package.pk)


def scorm_course_build(*, package: ScormPackage, other_lessons: int = 0) -> CourseTree:
    """A published course whose only required lesson plays `package`."""
    tree = course_build(lessons=other_lessons, final_quiz=False)
    module = tree.modules[0] if tree.modules else None
    if module is None:
        module = tree.course.add_child(instance=ModulePage(title="Module 1"))
        tree.modules.append(module)
    lesson = module.add_child(
        instance=ScormLessonPage(title="Golf explained", package=package)
    )
    tree.lessons.append(lesson)
    return tree
