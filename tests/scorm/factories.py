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


MULTI_SCO_MANIFEST = """<?xml version="1.0"?>
<manifest identifier="multi" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Investigating financing</title>
      <item identifier="basics"><title>Basics</title>
        <item identifier="part1" identifierref="r1"><title>Part one</title>{seq}</item>
        <item identifier="part2" identifierref="r2"><title>Part two</title>{seq}</item>
        <imsss:sequencing><imsss:controlMode choice="true" flow="true"/>
        </imsss:sequencing>
      </item>
      <item identifier="practice"><title>Practice</title>
        <item identifier="part3" identifierref="r3"><title>Part three</title>{seq}
        </item>
        <imsss:sequencing><imsss:controlMode choice="true" flow="true"/>
        </imsss:sequencing>
      </item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/>
      </imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormType="sco"
      href="part1.html"/>
    <resource identifier="r2" type="webcontent" adlcp:scormType="sco"
      href="part2.html"/>
    <resource identifier="r3" type="webcontent" adlcp:scormType="sco"
      href="part3.html"/>
  </resources>
</manifest>"""
COMPLETION_BY_CONTENT = (
    '<imsss:sequencing><imsss:deliveryControls completionSetByContent="true"/>'
    "</imsss:sequencing>"
)
# A SCO as authoring tools make them: it finds API_1484_11 in a parent frame, can
# mark itself complete, and asks for the next or previous part (adl.nav.request).
MULTI_SCO_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><script>
var api = null, ended = false, frame = window;
while (frame && !api) {{
  api = frame.API_1484_11 || null;
  if (frame === frame.parent) {{ break; }}
  frame = frame.parent;
}}
function end() {{ if (!ended) {{ ended = true; api.Terminate(""); }} }}
function complete() {{
  api.SetValue("cmi.completion_status", "completed");
  api.Commit("");
}}
function request(what) {{ api.SetValue("adl.nav.request", what); end(); }}
window.addEventListener("load", function () {{
  api.Initialize("");
  document.getElementById("valid").textContent =
    "continue " + api.GetValue("adl.nav.request_valid.continue") +
    ", previous " + api.GetValue("adl.nav.request_valid.previous");
}});
window.addEventListener("unload", end);
</script></head><body>
<h1>{title}</h1><p id="valid"></p>
<button id="complete" onclick="complete()">Mark complete</button>
<button id="next" onclick="request('continue')">Next part</button>
<button id="back" onclick="request('previous')">Previous part</button>
</body></html>"""
MULTI_SCO_TITLES = ["Part one", "Part two", "Part three"]


def multi_sco_zip(*, completion_set_by_content: bool = True) -> bytes:
    """A SCORM 2004 package of three SCOs in two clusters, flow and choice on."""
    buffer = io.BytesIO()
    sequencing = COMPLETION_BY_CONTENT if completion_set_by_content else ""
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MULTI_SCO_MANIFEST.format(seq=sequencing))
        for number, title in enumerate(MULTI_SCO_TITLES, start=1):
            archive.writestr(f"part{number}.html", MULTI_SCO_PAGE.format(title=title))
    return buffer.getvalue()


def multi_sco_package(**kwargs) -> ScormPackage:
    package = scorm_package_create(upload=io.BytesIO(multi_sco_zip(**kwargs)))
    return scorm_package_unpack(package_id=package.pk)
