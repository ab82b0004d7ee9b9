"""Writes for SCORM: package import and unpacking, launches, runtime commits.

Every service is keyword-only and raises `ScormError` with a message a user can
read. A package refused on upload leaves nothing on disk and nothing in the
database.
"""

import secrets
import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.coreutils import find_available_slug

from scorm import cmi, sequencing, storage
from scorm.models import (
    ImportAs,
    PackageStatus,
    ScormAttempt,
    ScormLessonPage,
    ScormPackage,
)
from scorm.packaging import PackageError, package_extract, package_inspect
from scorm.selectors import completed_items
from scorm.tokens import Launch, TokenError, launch_read, launch_token

# The unpack task reports its progress about this many times per package.
PROGRESS_STEPS = 50
NAVIGATION_ENDINGS = {
    "continue": gettext_lazy("You have reached the end of this module."),
    "suspendAll": gettext_lazy(
        "Your place is saved: come back to resume where you stopped."
    ),
}


class ScormError(Exception):
    """A SCORM action was refused; the message can be shown to the user."""


def _copy_to_temp(upload) -> Path:
    """The upload as a temporary file outside the SCORM storage."""
    with tempfile.NamedTemporaryFile(
        prefix="scorm-upload-", suffix=".zip", delete=False
    ) as handle:
        if isinstance(upload, str | Path):
            with open(upload, "rb") as source:
                shutil.copyfileobj(source, handle)
        elif hasattr(upload, "chunks"):
            for chunk in upload.chunks():
                handle.write(chunk)
        else:
            shutil.copyfileobj(upload, handle)
    return Path(handle.name)


def scorm_package_create(
    *,
    upload,
    title: str = "",
    original_name: str = "",
    uploaded_by=None,
    import_as: str = "",
    import_into=None,
    import_publish: bool = False,
) -> ScormPackage:
    """Check a SCORM 1.2 / 2004 zip, keep it privately and queue its unpacking.

    `upload` is a path, an UploadedFile or a binary file object. With `import_as`,
    the unpack task then creates the lesson or course under `import_into` (see
    `scorm_package_import`). Raises ScormError (with the reason: zip slip, absolute
    path, symbolic link, zip bomb, missing manifest or launch page, too large...)
    and then nothing is stored.
    """
    from scorm.tasks import scorm_package_unpack_task

    temporary = _copy_to_temp(upload)
    kept: Path | None = None
    try:
        try:
            manifest = package_inspect(temporary)
        except PackageError as error:
            raise ScormError(str(error)) from error
        with transaction.atomic():
            package = ScormPackage.objects.create(
                title=(title or manifest.title)[:255],
                version=manifest.version,
                manifest=manifest.as_dict(),
                original_name=(original_name or getattr(upload, "name", ""))[-255:],
                zip_bytes=temporary.stat().st_size,
                uploaded_by=uploaded_by,
                import_as=import_as,
                import_into=import_into,
                import_publish=import_publish,
            )
            kept = storage.upload_path(package.key)
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(temporary, kept)
            transaction.on_commit(lambda: scorm_package_unpack_task.delay(package.pk))
        return package
    except BaseException:
        if kept is not None:
            kept.unlink(missing_ok=True)
        raise
    finally:
        temporary.unlink(missing_ok=True)


def scorm_package_import(
    *, upload, import_as: str, parent, user, publish: bool = False, title: str = ""
) -> ScormPackage:
    """Check a zip and queue it to become a lesson or a whole course, once unpacked.

    `import_as` "lesson": a SCORM lesson (the whole package, with navigation between
    its items) under `parent`, a module. "course": a new course under `parent`, the
    course catalogue, with one lesson per launchable item in the organization's
    order. Raises ScormError when `user` may not add that page there or the package
    is refused; nothing is stored then.
    """
    from courses.models import CourseIndexPage, ModulePage

    expected = {ImportAs.LESSON: ModulePage, ImportAs.COURSE: CourseIndexPage}
    parent = parent.specific if parent is not None else None
    if import_as not in expected or not isinstance(parent, expected[import_as]):
        raise ScormError(
            _("Choose a module for a lesson, or the course catalogue for a course.")
        )
    if not parent.permissions_for_user(user).can_add_subpage():
        raise ScormError(
            _("You may not add pages under “%(title)s”.") % {"title": parent.title}
        )
    return scorm_package_create(
        upload=upload,
        title=title,
        original_name=getattr(upload, "name", ""),
        uploaded_by=user,
        import_as=import_as,
        import_into=parent,
        import_publish=publish,
    )


def _progress_report(*, package_id: int, status: str, done: int, total: int) -> None:
    """Visible at once to whoever polls (outside any transaction)."""
    ScormPackage.objects.filter(pk=package_id).exclude(
        status__in=[PackageStatus.READY, PackageStatus.FAILED]
    ).update(status=status, files_done=done, files_total=total)


def _unpack_refused(*, package_id: int, reason: str) -> ScormPackage:
    package = ScormPackage.objects.get(pk=package_id)
    storage.upload_path(package.key).unlink(missing_ok=True)
    package.status = PackageStatus.FAILED
    package.error = reason
    package.save(update_fields=["status", "error"])
    return package


def scorm_package_unpack(*, package_id: int) -> ScormPackage:
    """Unpack a checked package into its private folder; safe to run twice.

    Reports its progress on the package row (validating, then unpacking N of M
    files), which the admin upload screen polls. The limits are enforced again on
    the inflated bytes; a package that breaks them is marked refused, with its
    reason, its files are removed and no page is created. Otherwise the lesson or
    course the upload asked for is created with the package marked ready.
    """
    package = ScormPackage.objects.get(pk=package_id)
    if package.status == PackageStatus.FAILED or (
        package.status == PackageStatus.READY
        and storage.content_dir(package.key).is_dir()
    ):
        return package
    source = storage.upload_path(package.key)
    if not source.is_file():
        return _unpack_refused(
            package_id=package_id,
            reason=_("The uploaded file is gone; upload the package again."),
        )
    _progress_report(
        package_id=package_id, status=PackageStatus.VALIDATING, done=0, total=0
    )
    target = storage.content_dir(package.key)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Each run unpacks into a folder of its own: two runs at once cannot collide.
    working = target.parent / f".unpacking-{package.key}-{secrets.token_hex(4)}"
    working.mkdir()

    def reported(done: int, total: int) -> None:
        if done in (0, total) or done % max(total // PROGRESS_STEPS, 1) == 0:
            _progress_report(
                package_id=package_id,
                status=PackageStatus.UNPACKING,
                done=done,
                total=total,
            )

    try:
        unpacked = package_extract(source, working, on_progress=reported)
        return _unpacked_keep(package_id=package_id, working=working, size=unpacked)
    except (PackageError, ScormError) as error:
        shutil.rmtree(working, ignore_errors=True)
        return _unpack_refused(package_id=package_id, reason=str(error))
    except BaseException:
        shutil.rmtree(working, ignore_errors=True)
        raise


@transaction.atomic
def _unpacked_keep(*, package_id: int, working, size: int) -> ScormPackage:
    """Move the unpacked files in place, mark the package ready, create its pages."""
    package = ScormPackage.objects.select_for_update().get(pk=package_id)
    target = storage.content_dir(package.key)
    if package.status == PackageStatus.READY and target.is_dir():
        shutil.rmtree(working)  # another run finished first
        return package
    package.status = PackageStatus.READY
    package.error = ""
    package.unpacked_bytes = size
    package.unpacked_at = timezone.now()
    package.save()
    if package.import_as and package.imported_page_id is None:
        package.imported_page = _package_pages_create(package=package)
        package.save(update_fields=["imported_page"])
    if target.exists():  # a previous run died after unpacking: replace its files
        shutil.rmtree(target)
    working.rename(target)  # last: if anything above fails, nothing is kept
    storage.upload_path(package.key).unlink(missing_ok=True)
    return package


def _page_add(*, parent, page, user, publish: bool):
    """Add a page as the admin would: a unique slug, a revision, published or not."""
    page.slug = find_available_slug(parent, slugify(page.title) or "scorm")
    page.live = publish
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return page


def _package_pages_create(*, package: ScormPackage):
    """The lesson or course the upload asked for; ScormError if its place is gone."""
    from courses.models import CourseIndexPage, CoursePage, ModulePage

    parent = package.import_into.specific if package.import_into_id else None
    user, publish = package.uploaded_by, package.import_publish
    if package.import_as == ImportAs.LESSON and isinstance(parent, ModulePage):
        lesson = ScormLessonPage(title=package.title, package=package)
        return _page_add(parent=parent, page=lesson, user=user, publish=publish)
    if package.import_as != ImportAs.COURSE or not isinstance(parent, CourseIndexPage):
        raise ScormError(_("The module or catalogue chosen for the import is gone."))
    course = _page_add(
        parent=parent,
        page=CoursePage(
            title=package.title,
            summary=_("Imported from the SCORM package %(name)s.")
            % {"name": package.original_name or package.title},
        ),
        user=user,
        publish=publish,
    )
    modules: dict[str, ModulePage] = {}
    for item in package.manifest.get("items", []):
        # Items outside any cluster share a module named after the package.
        heading = (item.get("parents") or [package.title])[0]
        if heading not in modules:
            modules[heading] = _page_add(
                parent=course,
                page=ModulePage(title=heading[:255]),
                user=user,
                publish=publish,
            )
        _page_add(
            parent=modules[heading],
            page=ScormLessonPage(
                title=item["title"][:255],
                package=package,
                item_identifier=item["identifier"],
                # An asset never reports anything: it cannot gate completion.
                required=item.get("scorm_type", "sco") == "sco",
            ),
            user=user,
            publish=publish,
        )
    return course


def scorm_package_delete(*, package: ScormPackage) -> None:
    """Remove a package no lesson uses, with its files."""
    if package.lessons.exists():
        raise ScormError(_("A lesson still uses this package."))
    key = package.key
    package.delete()
    shutil.rmtree(storage.content_dir(key), ignore_errors=True)
    storage.upload_path(key).unlink(missing_ok=True)


def launch_item(*, package: ScormPackage, item_identifier: str = "") -> dict:
    items = package.manifest.get("items", [])
    for item in items:
        if item_identifier and item["identifier"] == item_identifier:
            return item
    if not items:
        raise ScormError(_("This package has nothing to launch."))
    return items[0]


def lesson_items(*, lesson: ScormLessonPage) -> list[dict]:
    """The items a lesson delivers: the one it names, or the whole package."""
    if lesson.item_identifier:
        return [
            launch_item(package=lesson.package, item_identifier=lesson.item_identifier)
        ]
    return lesson.package.manifest.get("items", [])


@transaction.atomic
def scorm_attempt_start(
    *, user, lesson: ScormLessonPage, item_identifier: str = ""
) -> ScormAttempt:
    """The learner's attempt at one item of this lesson (one, resumed each launch).

    Without `item_identifier`, the lesson resumes the item the learner was in last
    (the first item the first time). Raises ScormError for an item the lesson does
    not deliver.
    """
    items = lesson_items(lesson=lesson)
    if not items:
        raise ScormError(_("This package has nothing to launch."))
    identifiers = [item["identifier"] for item in items]
    if item_identifier and item_identifier not in identifiers:
        raise ScormError(_("This lesson has no item %(id)s.") % {"id": item_identifier})
    attempts = ScormAttempt.objects.filter(
        user=user, package_id=lesson.package_id, lesson_key=lesson.translation_key
    )
    if not item_identifier:
        last = (
            attempts.filter(item_identifier__in=identifiers)
            .order_by("-updated_at")
            .values_list("item_identifier", flat=True)
            .first()
        )
        item_identifier = last or identifiers[0]
    attempt, _created = attempts.get_or_create(
        user=user,
        package_id=lesson.package_id,
        lesson_key=lesson.translation_key,
        item_identifier=item_identifier,
    )
    return attempt


def _attempt_launch_token(*, attempt: ScormAttempt, launch: Launch) -> str:
    return launch_token(
        Launch(
            user_id=attempt.user_id,
            attempt_id=attempt.pk,
            package_id=attempt.package_id,
            lesson_id=launch.lesson_id,
            platform_origin=launch.platform_origin,
        )
    )


def launch_check(*, token: str) -> tuple[Launch, ScormAttempt, dict]:
    """The launch behind a token, if still valid for an enrolled learner.

    Returns (launch, attempt, course context); raises ScormError for a forged or
    expired token, one naming another learner's attempt, or a learner no longer
    enrolled.
    """
    from courses.api import lesson_learner_context

    try:
        launch = launch_read(token)
    except TokenError as error:
        raise ScormError(str(error)) from error
    attempt = (
        ScormAttempt.objects.select_related("package", "user")
        .filter(pk=launch.attempt_id)
        .first()
    )
    if (
        attempt is None
        or attempt.user_id != launch.user_id
        or attempt.package_id != launch.package_id
        or not attempt.user.is_active
    ):
        raise ScormError(_("This launch token is not valid."))
    context = lesson_learner_context(user=attempt.user, lesson_id=launch.lesson_id)
    if context is None or context["lesson_key"] != str(attempt.lesson_key):
        raise ScormError(_("You are not enrolled on this course."))
    if attempt.package.status != PackageStatus.READY:
        raise ScormError(_("This package is not ready."))
    return launch, attempt, context


def _record_quiz(*, attempt: ScormAttempt, context: dict, key: str, event: str, score):
    from learning.records.api import record

    record(
        event_type=event,
        actor=attempt.user,
        object_type="scorm.scormlessonpage",
        object_id=str(attempt.lesson_key),
        dimensions={"course": context["course_key"], "room": context["room"]},
        language=context["language"],
        idempotency_key=key,
        context={"score": round(float(score) * 100) if score is not None else None},
    )


@transaction.atomic
def scorm_runtime_commit(
    *, token: str, values: dict, session_id: str, terminated: bool = False
) -> ScormAttempt:
    """Store a SCO's CMI data; completion, success and score reach the platform.

    Completed (or passed) completes the platform lesson, once, and so possibly the
    course; a scored pass/fail records `quiz_attempted` once per session and a pass
    `quiz_passed` once. Raises ScormError for a bad token or bad CMI data, storing
    nothing.
    """
    launch, attempt, context = launch_check(token=token)
    attempt = ScormAttempt.objects.select_for_update().get(pk=attempt.pk)
    standard = attempt.package.standard
    if not isinstance(session_id, str) or not 8 <= len(session_id) <= 64:
        raise ScormError(_("A commit names its session."))
    try:
        clean = cmi.commit_clean(standard=standard, values=values)
        result = cmi.outcome(standard=standard, values=clean)
        seconds = cmi.seconds_from_timespan(result["session_time"], standard=standard)
    except cmi.CmiError as error:
        raise ScormError(str(error)) from error
    item = launch_item(package=attempt.package, item_identifier=attempt.item_identifier)
    if (
        terminated
        and standard == "scorm2004"
        and not item.get("completion_set_by_content", True)
        and result["completion_status"] in ("unknown", "not attempted")
    ):
        # SCORM 2004's End Attempt process: content that does not set completion
        # itself is completed when its attempt ends.
        result["completion_status"] = "completed"
    before = (attempt.success_status, attempt.score_scaled)
    attempt.cmi = clean
    attempt.completion_status = result["completion_status"]
    attempt.success_status = result["success_status"]
    attempt.score_scaled = result["score_scaled"]
    attempt.location = result["location"][:1000]
    attempt.suspend_data = result["suspend_data"]
    attempt.exit = result["exit"]
    sessions = dict(attempt.sessions)
    sessions[session_id] = seconds
    attempt.sessions = sessions
    attempt.total_seconds = sum(sessions.values())
    done = result["completion_status"] == "completed" or (
        result["success_status"] == "passed"
    )
    if done and attempt.completed_at is None:
        attempt.completed_at = timezone.now()
    attempt.save()
    if done:
        _lesson_completion_check(attempt=attempt, lesson_id=launch.lesson_id)
    scored = result["success_status"] in ("passed", "failed") and (
        result["score_scaled"] is not None
    )
    if scored and (attempt.success_status, attempt.score_scaled) != before:
        _record_quiz(
            attempt=attempt,
            context=context,
            key=f"scorm_quiz_attempted:{attempt.pk}:{session_id}",
            event="quiz_attempted",
            score=result["score_scaled"],
        )
    if scored and result["success_status"] == "passed":
        _record_quiz(
            attempt=attempt,
            context=context,
            key=f"scorm_quiz_passed:{attempt.user_id}:{attempt.lesson_key}",
            event="quiz_passed",
            score=result["score_scaled"],
        )
    return attempt


def _lesson_completion_check(*, attempt: ScormAttempt, lesson_id: int) -> None:
    """Complete the platform lesson once every SCO it delivers is completed.

    A lesson of one item completes with it; a whole package played as one lesson
    when all its SCOs are completed or passed (assets, which report nothing, do
    not count unless the package has nothing else).
    """
    from courses.api import lesson_completion_record
    from courses.services import CourseError

    lesson = ScormLessonPage.objects.select_related("package").get(pk=lesson_id)
    items = lesson_items(lesson=lesson)
    required = {i["identifier"] for i in items if i.get("scorm_type") == "sco"} or {
        i["identifier"] for i in items
    }
    completed = completed_items(attempt=attempt)
    if not required <= completed:
        return
    try:
        lesson_completion_record(user=attempt.user, lesson_id=lesson_id)
    except CourseError as error:
        raise ScormError(str(error)) from error


@transaction.atomic
def scorm_navigation_request(*, token: str, request: str) -> dict:
    """Act on a SCORM 2004 navigation request (from the SCO or the player's controls).

    Returns ``{"token": ...}``, the launch token of the learner's attempt at the
    item to deliver next, or ``{"end": message}`` when the request ends the
    session (continue past the last item, exit, suspendAll...). Leaving an asset
    completes it, as the standard's End Attempt process does. Raises ScormError for
    a bad token, or a request the package's control modes do not allow from here.
    """
    launch, attempt, _context = launch_check(token=token)
    lesson = (
        ScormLessonPage.objects.select_related("package")
        .filter(pk=launch.lesson_id)
        .first()
    )
    if lesson is None:
        raise ScormError(_("This lesson is not available."))
    items = lesson_items(lesson=lesson)
    try:
        parsed = sequencing.request_parse(request)
        target = sequencing.navigation_target(items, attempt.item_identifier, parsed)
    except sequencing.NavigationError as error:
        raise ScormError(str(error)) from error
    current = launch_item(
        package=lesson.package, item_identifier=attempt.item_identifier
    )
    if current.get("scorm_type") == "asset" and attempt.completed_at is None:
        attempt.completion_status = "completed"
        attempt.completed_at = timezone.now()
        attempt.save(update_fields=["completion_status", "completed_at", "updated_at"])
        _lesson_completion_check(attempt=attempt, lesson_id=lesson.pk)
    if target is None:
        ending = NAVIGATION_ENDINGS.get(parsed.kind, _("You have left this module."))
        return {"end": str(ending)}
    following = scorm_attempt_start(
        user=attempt.user, lesson=lesson, item_identifier=target["identifier"]
    )
    following.save(update_fields=["updated_at"])  # the item to resume next time
    return {"token": _attempt_launch_token(attempt=following, launch=launch)}
