"""Writes for SCORM: package import and unpacking, launches, runtime commits.

Every service is keyword-only and raises `ScormError` with a message a user can
read. A refused package leaves nothing on disk and nothing in the database.
"""

import secrets
import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scorm import cmi, storage
from scorm.models import PackageStatus, ScormAttempt, ScormLessonPage, ScormPackage
from scorm.packaging import PackageError, package_extract, package_inspect
from scorm.tokens import Launch, TokenError, launch_read


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
    *, upload, title: str = "", original_name: str = "", uploaded_by=None
) -> ScormPackage:
    """Check a SCORM 1.2 / 2004 zip, keep it privately and queue its unpacking.

    `upload` is a path, an UploadedFile or a binary file object. Raises ScormError
    (with the reason: zip slip, absolute path, symbolic link, zip bomb, missing
    manifest or launch page, too large...) and then nothing is stored.
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


@transaction.atomic
def scorm_package_unpack(*, package_id: int) -> ScormPackage:
    """Unpack a checked package into its private folder; safe to run twice.

    The limits are enforced again on the inflated bytes; a package that breaks
    them is marked refused, with its reason, and its files are removed.
    """
    package = ScormPackage.objects.select_for_update().get(pk=package_id)
    target = storage.content_dir(package.key)
    if package.status == PackageStatus.READY and target.is_dir():
        return package
    source = storage.upload_path(package.key)
    if not source.is_file():
        package.status = PackageStatus.FAILED
        package.error = _("The uploaded file is gone; upload the package again.")
        package.save(update_fields=["status", "error"])
        return package
    target.parent.mkdir(parents=True, exist_ok=True)
    working = target.parent / f".unpacking-{package.key}-{secrets.token_hex(4)}"
    working.mkdir()
    try:
        unpacked = package_extract(source, working)
    except (PackageError, OSError) as error:
        shutil.rmtree(working, ignore_errors=True)
        source.unlink(missing_ok=True)
        package.status = PackageStatus.FAILED
        package.error = str(error)
        package.save(update_fields=["status", "error"])
        return package
    if target.exists():  # a previous run died after unpacking: replace its files
        shutil.rmtree(target)
    working.rename(target)
    source.unlink(missing_ok=True)
    package.status = PackageStatus.READY
    package.error = ""
    package.unpacked_bytes = unpacked
    package.unpacked_at = timezone.now()
    package.save(update_fields=["status", "error", "unpacked_bytes", "unpacked_at"])
    return package


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


@transaction.atomic
def scorm_attempt_start(*, user, lesson: ScormLessonPage) -> ScormAttempt:
    """The learner's attempt at this lesson's package (one, resumed each launch)."""
    attempt, _created = ScormAttempt.objects.get_or_create(
        user=user,
        package_id=lesson.package_id,
        lesson_key=lesson.translation_key,
        defaults={"item_identifier": lesson.item_identifier},
    )
    return attempt


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
    from courses.api import lesson_completion_record
    from courses.services import CourseError

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
        try:
            lesson_completion_record(user=attempt.user, lesson_id=launch.lesson_id)
        except CourseError as error:
            raise ScormError(str(error)) from error
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
