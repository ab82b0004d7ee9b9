"""The Wagtail admin upload: a SCORM zip becomes a lesson or a whole course."""

import io

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import Page

from courses.models import CoursePage, ModulePage
from scorm.models import ImportAs, PackageStatus, ScormLessonPage, ScormPackage
from scorm.services import scorm_package_unpack
from tests.courses.factories import course_build, course_index
from tests.factories import UserFactory, totp_activate
from tests.scorm.conftest import tree_snapshot
from tests.scorm.factories import (
    MULTI_SCO_TITLES,
    multi_sco_zip,
    sample_path,
)
from tests.scorm.test_packages import MALICIOUS

pytestmark = pytest.mark.django_db
UPLOAD_URL = "/admin/scorm/upload/"


@pytest.fixture
def editor(client):
    """A superuser past the MFA gate, signed in to the admin."""
    user = UserFactory(staff=True, is_superuser=True)
    totp_activate(user)
    client.force_login(user)
    return user


def upload(client, data: bytes, name: str, **fields):
    return client.post(
        UPLOAD_URL,
        {"package": _named(data, name), "publish": "on", **fields},
        HTTP_ACCEPT="application/json",
    )


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def unpacked_by_the_task(queued) -> ScormPackage:
    """Run what the commit queued (the unpack task) and return the package."""
    assert len(queued) == 1
    package = ScormPackage.objects.get()
    return scorm_package_unpack(package_id=package.pk)


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_editor_uploads_a_sample_package_as_a_lesson_of_a_module(
    client, editor, scorm_root, django_capture_on_commit_callbacks, standard
):
    # given a course with a module, and the upload screen
    module = course_build(lessons=1, final_quiz=False).modules[0]
    assert "Upload and import" in client.get(UPLOAD_URL).content.decode()
    path = sample_path(standard)

    # when the editor uploads the sample as a lesson of that module
    with django_capture_on_commit_callbacks() as queued:
        response = upload(
            client,
            path.read_bytes(),
            path.name,
            import_as=ImportAs.LESSON,
            module=module.pk,
        )
    status_url = response.json()["status_url"]
    before = client.get(status_url).json()
    package = unpacked_by_the_task(queued)
    after = client.get(status_url).json()

    # then the screen reported it queued, then done with the new lesson, every
    # file counted, and the lesson plays the package under that module
    assert response.status_code == 201
    assert before["status"] == PackageStatus.PENDING
    assert before["label"].startswith("Queued")
    assert after["finished"] and after["label"] == "Done."
    assert (
        package.files_done
        == package.files_total
        == len(
            [
                p
                for p in (scorm_root / "packages" / str(package.key)).rglob("*")
                if p.is_file()
            ]
        )
    )
    lesson = ScormLessonPage.objects.get(package=package)
    assert (
        after["page"]["title"]
        == lesson.title
        == "Golf Explained - Run-time Basic Calls"
    )
    assert after["page"]["edit_url"] == f"/admin/pages/{lesson.pk}/edit/"
    assert lesson.get_parent().pk == module.pk
    assert lesson.live and lesson.item_identifier == ""
    status_page = client.get(response.json()["status_page"]).content.decode()
    assert "Done." in status_page


def test_whole_course_import_creates_one_lesson_per_item_in_order(
    client, editor, scorm_root, django_capture_on_commit_callbacks
):
    # given the course catalogue and a package of three SCOs in two clusters
    catalogue = course_index()

    # when the editor imports it as a whole course
    with django_capture_on_commit_callbacks() as queued:
        response = upload(
            client, multi_sco_zip(), "financing.zip", import_as=ImportAs.COURSE
        )
    package = unpacked_by_the_task(queued)

    # then a published course under the catalogue has one module per cluster and
    # one required lesson per item, in the organization's order and with its titles
    assert response.status_code == 201
    course = CoursePage.objects.get(title="Investigating financing")
    assert package.imported_page_id == course.pk
    assert course.get_parent().pk == catalogue.pk and course.live
    modules = course.get_children().type(ModulePage).specific()
    assert [module.title for module in modules] == ["Basics", "Practice"]
    lessons = [
        lesson
        for module in modules
        for lesson in module.get_children().type(ScormLessonPage).specific()
    ]
    assert [lesson.title for lesson in lessons] == MULTI_SCO_TITLES
    assert [lesson.item_identifier for lesson in lessons] == ["part1", "part2", "part3"]
    assert all(lesson.live and lesson.required for lesson in lessons)


def test_a_lesson_import_without_publishing_leaves_a_draft(
    client, editor, scorm_root, django_capture_on_commit_callbacks
):
    module = course_build(lessons=1, final_quiz=False).modules[0]

    with django_capture_on_commit_callbacks() as queued:
        client.post(
            UPLOAD_URL,
            {
                "package": _named(multi_sco_zip(), "financing.zip"),
                "import_as": ImportAs.LESSON,
                "module": module.pk,
            },
            HTTP_ACCEPT="application/json",
        )
    package = unpacked_by_the_task(queued)

    lesson = ScormLessonPage.objects.get(package=package)
    assert not lesson.live
    assert lesson.get_latest_revision().user_id is not None


@pytest.mark.parametrize("case", ["zip slip", "zip bomb", "symlink entry", "not a zip"])
def test_malicious_zip_through_the_admin_is_refused_and_leaves_nothing(
    client, editor, scorm_root, django_capture_on_commit_callbacks, case
):
    # given a module to import into and a dangerous zip
    module = course_build(lessons=1, final_quiz=False).modules[0]
    data, reason = MALICIOUS[case]
    pages_before = Page.objects.count()

    # when the editor uploads it
    with django_capture_on_commit_callbacks() as queued:
        response = upload(
            client, data, f"{case}.zip", import_as=ImportAs.LESSON, module=module.pk
        )

    # then the screen shows the reason, and nothing is stored on disk or in the db
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not queued
    assert tree_snapshot(scorm_root) == []
    assert not ScormPackage.objects.exists()
    assert Page.objects.count() == pages_before


def test_without_javascript_a_refusal_shows_on_the_form(client, editor, scorm_root):
    module = course_build(lessons=1, final_quiz=False).modules[0]
    data, reason = MALICIOUS["zip slip"]

    response = client.post(
        UPLOAD_URL,
        {
            "package": _named(data, "slip.zip"),
            "import_as": "lesson",
            "module": module.pk,
        },
    )

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not ScormPackage.objects.exists()


def test_a_lesson_needs_a_module(client, editor, scorm_root):
    response = upload(
        client,
        sample_path("scorm12").read_bytes(),
        "golf.zip",
        import_as=ImportAs.LESSON,
    )

    assert response.status_code == 400
    assert "Choose the module" in response.json()["error"]
    assert not ScormPackage.objects.exists()


def test_upload_needs_the_permission_and_a_right_to_add_pages_there(client, scorm_root):
    # given an admin user without the upload permission
    module = course_build(lessons=1, final_quiz=False).modules[0]
    user = UserFactory(staff=True)
    totp_activate(user)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    refused = client.get(UPLOAD_URL)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")

    # when they are given the upload but no page permission on the course
    user.user_permissions.add(Permission.objects.get(codename="add_scormpackage"))
    response = upload(
        client,
        sample_path("scorm12").read_bytes(),
        "golf.zip",
        import_as=ImportAs.LESSON,
        module=module.pk,
    )

    # then the import is refused and nothing is stored
    assert response.status_code == 400
    assert "You may not add pages" in response.json()["error"]
    assert not ScormPackage.objects.exists()
    assert tree_snapshot(scorm_root) == []
