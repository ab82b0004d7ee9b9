"""Writes for courses: enrolment, lessons, quiz attempts, completion, certificates.

Every service is keyword-only and atomic, and raises `CourseError` with a message a
learner can read. Records are keyed by the course's translation_key, so the
language versions of a course share one enrolment, one progress and one completion.
"""

import csv
import io
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from uuid import UUID, uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce, Now
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses import selectors
from courses.blocks import QuestionKind
from courses.models import (
    Certificate,
    CourseCompletion,
    CoursePage,
    Enrolment,
    EnrolmentImport,
    EnrolmentImportStatus,
    EnrolmentSource,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
    QuizPage,
)
from learning.accounts.selectors import profile_for

CERTIFICATE_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BULK_ENROLMENT_MAX_ROWS = 5000
# Rows enrolled per transaction of a background import; progress moves per chunk.
ENROLMENT_IMPORT_CHUNK_ROWS = 100


class CourseError(Exception):
    """A course action was refused; the message can be shown to the user."""


def _record(*, event_type: str, user, page, course: CoursePage, key: str, **extra):
    from learning.records.api import EventType, record

    room_ids = sorted(
        course.rooms.through.objects.filter(coursepage_id=course.pk).values_list(
            "roompage_id", flat=True
        )
    )
    record(
        event_type=EventType(event_type),
        actor=user,
        object_type=f"courses.{type(page).__name__.lower()}",
        object_id=str(page.translation_key),
        dimensions={
            "course": str(course.translation_key),
            "room": str(room_ids[0]) if len(room_ids) == 1 else "",
        },
        language=page.locale.language_code,
        idempotency_key=key,
        **extra,
    )


# --- Content cache --------------------------------------------------------------------


def course_content_cache_clear() -> None:
    """Start a new content generation: every cached outline, course page and lesson
    body is stale, so the next request shows the edit.

    Done at once and again when the edit's transaction commits, so that a request
    that read the old rows in between cannot keep them cached.
    """

    def generation_start() -> None:
        cache.set(selectors.CONTENT_GENERATION_KEY, uuid4().hex, timeout=None)
        selectors.content_generation_forget()

    generation_start()
    transaction.on_commit(generation_start)


# --- Enrolment ------------------------------------------------------------------------


@transaction.atomic
def enrolment_create(
    *,
    user,
    course: CoursePage,
    source: str = EnrolmentSource.SELF,
    enrolled_by=None,
) -> tuple[Enrolment, bool]:
    """Enrol `user` on every language version of `course`; (enrolment, created).

    Raises CourseError when the course is not open yet or the learner may not
    access it (a room-only course and not a member, or an incomplete profile).
    Enrolling twice returns the existing enrolment.
    """
    if not selectors.user_can_access_course(user=user, course=course):
        raise CourseError(
            _("This learner cannot access the course (room membership or profile).")
        )
    if not selectors.course_is_open(course=course):
        raise CourseError(_("This course is not open for enrolment yet."))
    enrolment, created = Enrolment.objects.get_or_create(
        user=user,
        course_key=course.translation_key,
        defaults={
            "course": course,
            "language": course.locale.language_code,
            "source": source,
            "enrolled_by": enrolled_by,
        },
    )
    if created:
        _record(
            event_type="course_enrolled",
            user=user,
            page=course,
            course=course,
            key=f"course_enrolled:{user.pk}:{course.translation_key}",
            context={"source": source},
        )
    return enrolment, created


@dataclass
class BulkRow:
    line: int
    email: str
    enrolled: bool
    reason: str


def enrolment_bulk_rows_read(*, csv_text: str) -> list[tuple[int, str]]:
    """The (line, e-mail) rows of a CSV of addresses (first column), blanks and a
    heading left out; nothing is checked against the accounts yet.

    Raises CourseError for a file that is not a CSV of e-mail addresses at all: not
    a CSV, more than BULK_ENROLMENT_MAX_ROWS rows, or no address.
    """
    try:
        records = list(csv.reader(io.StringIO(csv_text)))
    except csv.Error as error:
        raise CourseError(_("This file is not a valid CSV file.")) from error
    if len(records) > BULK_ENROLMENT_MAX_ROWS:
        raise CourseError(
            _("A file may list at most %(count)d addresses.")
            % {"count": BULK_ENROLMENT_MAX_ROWS}
        )
    rows = []
    for line, record in enumerate(records, start=1):
        email = record[0].strip() if record else ""
        if email and not (line == 1 and email.lower() in {"email", "e-mail"}):
            rows.append((line, email))
    if not rows:
        raise CourseError(_("The file lists no e-mail addresses."))
    return rows


@transaction.atomic
def enrolment_bulk_create(
    *,
    course: CoursePage,
    rows: Iterable[tuple[int, str]],
    enrolled_by,
    source: str = EnrolmentSource.BULK,
) -> list[BulkRow]:
    """Enrol the e-mail address of each (line, e-mail) row; one result per row.

    A bad row (not an e-mail, no such account, no access) is reported and skipped;
    the other rows are enrolled. A learner already enrolled is reported as such.
    """
    User = get_user_model()
    results: list[BulkRow] = []
    for line, email in rows:
        try:
            validate_email(email)
        except ValidationError:
            results.append(BulkRow(line, email, False, _("Not an e-mail address.")))
            continue
        learner = User.objects.filter(email__iexact=email, is_active=True).first()
        if learner is None:
            results.append(
                BulkRow(line, email, False, _("No account uses this e-mail address."))
            )
            continue
        try:
            with transaction.atomic():
                _enrolment, created = enrolment_create(
                    user=learner,
                    course=course,
                    source=source,
                    enrolled_by=enrolled_by,
                )
        except CourseError as error:
            results.append(BulkRow(line, email, False, str(error)))
            continue
        results.append(
            BulkRow(line, email, created, "" if created else _("Already enrolled."))
        )
    return results


@transaction.atomic
def enrolment_import_create(
    *, course: CoursePage, csv_text: str, requested_by, source: str
) -> EnrolmentImport:
    """Check a CSV of addresses and queue its enrolment in the background.

    Raises CourseError, and queues nothing, for a file that is not a CSV of e-mail
    addresses at all (see enrolment_bulk_rows_read).
    """
    rows = enrolment_bulk_rows_read(csv_text=csv_text)
    enrolment_import = EnrolmentImport.objects.create(
        course=course,
        requested_by=requested_by,
        source=source,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows=rows,
        total=len(rows),
    )
    from courses.tasks import enrolment_import_run_task

    transaction.on_commit(lambda: enrolment_import_run_task.delay(enrolment_import.pk))
    return enrolment_import


def enrolment_import_run(
    *, import_id: int, chunk_size: int = ENROLMENT_IMPORT_CHUNK_ROWS
) -> EnrolmentImport:
    """Enrol an import's rows, a chunk per transaction; safe to run twice.

    Each chunk commits its enrolments with the import's progress, under the
    import's row lock: a re-run, or a run beside this one, starts after the last
    committed chunk, so no row is processed twice.
    """
    enrolment_import = EnrolmentImport.objects.select_related(
        "course", "requested_by"
    ).get(pk=import_id)
    if enrolment_import.finished:
        return enrolment_import
    EnrolmentImport.objects.filter(pk=import_id).update(
        status=EnrolmentImportStatus.RUNNING,
        started_at=Coalesce("started_at", Now()),
    )
    rows = enrolment_import.rows
    with translation.override(enrolment_import.language):
        while True:
            with transaction.atomic():
                progress = (
                    EnrolmentImport.objects.select_for_update()
                    .only("processed", "enrolled_count", "results")
                    .get(pk=import_id)
                )
                chunk = rows[progress.processed : progress.processed + chunk_size]
                if not chunk:
                    break
                results = enrolment_bulk_create(
                    course=enrolment_import.course,
                    rows=chunk,
                    enrolled_by=enrolment_import.requested_by,
                    source=enrolment_import.source,
                )
                progress.processed += len(chunk)
                progress.enrolled_count += sum(row.enrolled for row in results)
                progress.results += [asdict(row) for row in results]
                progress.save(update_fields=["processed", "enrolled_count", "results"])
    EnrolmentImport.objects.filter(pk=import_id).update(
        status=EnrolmentImportStatus.DONE, finished_at=timezone.now()
    )
    enrolment_import.refresh_from_db(
        fields=["status", "processed", "enrolled_count", "finished_at"]
    )
    return enrolment_import


def enrolment_import_fail(*, import_id: int) -> None:
    """Mark an import that cannot go on as failed; its report keeps the rows done."""
    EnrolmentImport.objects.filter(pk=import_id).exclude(
        status=EnrolmentImportStatus.DONE
    ).update(status=EnrolmentImportStatus.FAILED, finished_at=timezone.now())


def enrolment_resume_point_set(
    *, enrolment_id: int, current_key: UUID | None, page
) -> None:
    """Remember the lesson or quiz the learner opened last, for "resume".

    One UPDATE, atomic by itself, and only when the place changed: no savepoint
    and no write on most page views.
    """
    if current_key != page.translation_key:
        Enrolment.objects.filter(pk=enrolment_id).update(
            last_lesson_key=page.translation_key
        )


# --- Progress -------------------------------------------------------------------------


def _enrolment_required(*, user, course: CoursePage) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(user_id=user.pk, course_key=course.translation_key)
        .first()
    )
    if enrolment is None:
        raise CourseError(_("Enrol on the course first."))
    if not selectors.user_can_access_course(user=user, course=course):
        raise CourseError(_("You no longer have access to this course."))
    return enrolment


@transaction.atomic
def lesson_completion_submit(*, user, lesson: LessonPage) -> LessonCompletion:
    """Mark a live lesson done (once per learner, whatever the language version)."""
    course = selectors.course_of(lesson)
    if course is None or not lesson.live or not course.live:
        raise CourseError(_("This lesson is not available."))
    _enrolment_required(user=user, course=course)
    completion, created = LessonCompletion.objects.get_or_create(
        user=user,
        lesson_key=lesson.translation_key,
        defaults={
            "course_key": course.translation_key,
            "language": lesson.locale.language_code,
        },
    )
    if created:
        _record(
            event_type="lesson_completed",
            user=user,
            page=lesson,
            course=course,
            key=f"lesson_completed:{user.pk}:{lesson.translation_key}",
        )
    course_completion_try(user=user, course=course)
    return completion


def quiz_score(*, quiz: QuizPage, answers: dict[str, list[int]]) -> tuple[int, dict]:
    """Per cent of questions answered exactly right, and per-question results.

    `answers` maps a question's block id to the indexes of the chosen answers.
    """
    questions = [block for block in quiz.questions if block.block_type == "question"]
    if not questions:
        raise CourseError(_("This quiz has no questions yet."))
    right = 0
    results = {}
    for block in questions:
        options = block.value["answers"]
        chosen = sorted(set(answers.get(block.id, [])))
        if any(index < 0 or index >= len(options) for index in chosen):
            raise CourseError(_("An answer was not one of the choices."))
        if block.value["kind"] != QuestionKind.MULTIPLE and len(chosen) > 1:
            raise CourseError(_("Choose one answer for each single-choice question."))
        correct = sorted(i for i, option in enumerate(options) if option["correct"])
        is_right = chosen == correct
        right += is_right
        results[block.id] = {"chosen": chosen, "correct": is_right}
    return round(100 * right / len(questions)), results


@transaction.atomic
def quiz_attempt_submit(
    *, user, quiz: QuizPage, answers: dict[str, list[int]]
) -> QuizAttempt:
    """Grade and store one attempt; refuse once the attempt limit is reached.

    Raises CourseError when not enrolled, out of attempts, already passed, or when
    the answers do not fit the questions (nothing is stored then).
    """
    course = selectors.course_of(quiz)
    if course is None or not quiz.live or not course.live:
        raise CourseError(_("This quiz is not available."))
    # The enrolment row lock serialises a learner's attempts: no limit overrun.
    _enrolment_required(user=user, course=course)
    previous = list(
        QuizAttempt.objects.filter(user_id=user.pk, quiz_key=quiz.translation_key)
    )
    if any(attempt.passed for attempt in previous):
        raise CourseError(_("You have already passed this quiz."))
    if quiz.max_attempts and len(previous) >= quiz.max_attempts:
        raise CourseError(_("You have used all your attempts at this quiz."))
    score, results = quiz_score(quiz=quiz, answers=answers)
    attempt = QuizAttempt.objects.create(
        user=user,
        course_key=course.translation_key,
        quiz_key=quiz.translation_key,
        number=len(previous) + 1,
        score=score,
        passed=score >= quiz.pass_mark,
        answers=results,
        language=quiz.locale.language_code,
    )
    _record(
        event_type="quiz_attempted",
        user=user,
        page=quiz,
        course=course,
        key=f"quiz_attempted:{attempt.pk}",
        context={"score": score, "number": attempt.number},
    )
    if attempt.passed:
        _record(
            event_type="quiz_passed",
            user=user,
            page=quiz,
            course=course,
            key=f"quiz_passed:{user.pk}:{quiz.translation_key}",
            context={"score": score},
        )
        course_completion_try(user=user, course=course)
    return attempt


# --- Completion and certificates ------------------------------------------------------


@transaction.atomic
def course_completion_try(*, user, course: CoursePage) -> CourseCompletion | None:
    """Complete the course once when every requirement is met; else None.

    Race-safe: two concurrent calls make one completion, one event, one certificate.
    """
    existing = CourseCompletion.objects.filter(
        user_id=user.pk, course_key=course.translation_key
    ).first()
    if existing is not None:
        return existing
    if not selectors.requirements_met(user=user, course=course):
        return None
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(
                user=user,
                course_key=course.translation_key,
                course=course,
                language=course.locale.language_code,
            )
    except IntegrityError:
        # Another request completed it first; that one recorded the event.
        return CourseCompletion.objects.get(
            user_id=user.pk, course_key=course.translation_key
        )
    _record(
        event_type="course_completed",
        user=user,
        page=course,
        course=course,
        key=f"course_completed:{user.pk}:{course.translation_key}",
    )
    certificate_issue(completion=completion)
    return completion


def certificate_code_new() -> str:
    raw = "".join(secrets.choice(CERTIFICATE_CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


@transaction.atomic
def certificate_issue(*, completion: CourseCompletion) -> Certificate:
    """The completion's certificate, issued once with a fresh verification code."""
    certificate = Certificate.objects.filter(completion=completion).first()
    if certificate is not None:
        return certificate
    profile = profile_for(completion.user)
    name = (profile.full_name if profile else "") or completion.user.get_username()
    course = completion.course
    certificate = Certificate.objects.create(
        completion=completion,
        code=certificate_code_new(),
        learner_name=name,
        course_title=course.title if course else "",
        language=completion.language,
    )
    if course is not None:
        _record(
            event_type="certificate_issued",
            user=completion.user,
            page=course,
            course=course,
            key=f"certificate_issued:{completion.user_id}:{completion.course_key}",
        )
    return certificate


def certificate_verify(*, code: str) -> bool:
    """True when the code belongs to an issued certificate; nothing else is revealed."""
    normalised = code.strip().upper().replace(" ", "")
    if len(normalised) == 12 and "-" not in normalised:
        normalised = "-".join(normalised[i : i + 4] for i in range(0, 12, 4))
    return Certificate.objects.filter(code=normalised).exists()
