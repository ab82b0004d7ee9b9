"""Reads for courses: outlines, access, progress, dashboards; flat query counts."""

from dataclasses import dataclass, field
from uuid import UUID

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Locale, Page

from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
    QuizAttempt,
    QuizPage,
)
from learning.accounts.selectors import profile_is_complete

# --- Course structure ---------------------------------------------------------------


@dataclass
class ModuleOutline:
    module: Page
    items: list = field(default_factory=list)


@dataclass
class CourseOutline:
    """A course's live modules, lessons and quizzes in tree order (one query).

    The items are plain `Page` objects carrying what the outline needs:
    `outline_kind` ("module", "lesson" or "quiz"), `required` (lessons) and
    `is_final_assessment` (quizzes); `specific_class` names the real page type.
    """

    modules: list[ModuleOutline]
    items: list[Page]  # lessons and quizzes in reading order
    lessons: list[Page]
    quizzes: list[Page]

    @property
    def required_lesson_keys(self) -> set[UUID]:
        return {lesson.translation_key for lesson in self.lessons if lesson.required}

    @property
    def final_quiz_keys(self) -> set[UUID]:
        return {
            quiz.translation_key for quiz in self.quizzes if quiz.is_final_assessment
        }


def _outline_kinds() -> dict[int, str]:
    # ContentType ids are cached by Django after the first look-up.
    models = {"module": ModulePage, "lesson": LessonPage, "quiz": QuizPage}
    kinds = {
        ContentType.objects.get_for_model(model).pk: kind
        for kind, model in models.items()
    }
    # Lesson types of other apps (a SCORM lesson) subclass LessonPage: lessons too.
    for model in django_apps.get_models():
        if issubclass(model, LessonPage) and model is not LessonPage:
            kinds[ContentType.objects.get_for_model(model).pk] = "lesson"
    return kinds


def course_outline(*, course: CoursePage) -> CourseOutline:
    """The live outline; reuses the one `CoursePage.route` loaded for this request."""
    prefetched = getattr(course, "_prefetched_outline", None)
    if prefetched is not None:
        return prefetched
    kinds = _outline_kinds()
    pages = (
        Page.objects.live()
        .descendant_of(course)
        .filter(depth__lte=course.depth + 2, content_type_id__in=list(kinds))
        .annotate(
            lesson_required=F("lessonpage__required"),
            quiz_final=F("quizpage__is_final_assessment"),
        )
        .order_by("path")
    )
    modules: dict[str, ModuleOutline] = {}
    items: list[Page] = []
    for page in pages:
        page.outline_kind = kinds[page.content_type_id]
        page.required = page.lesson_required if page.outline_kind == "lesson" else None
        page.is_final_assessment = (
            page.quiz_final if page.outline_kind == "quiz" else None
        )
        if page.outline_kind == "module":
            if page.depth == course.depth + 1:
                modules[page.path] = ModuleOutline(module=page)
            continue
        parent_path = page.path[: -Page.steplen]
        if page.depth == course.depth + 1:
            items.append(page)
        elif parent_path in modules:  # under an unpublished module: hidden with it
            modules[parent_path].items.append(page)
            items.append(page)
    return CourseOutline(
        modules=list(modules.values()),
        items=items,
        lessons=[item for item in items if item.outline_kind == "lesson"],
        quizzes=[item for item in items if item.outline_kind == "quiz"],
    )


def course_outline_item_for_path(*, course: CoursePage, url_path: str) -> Page | None:
    """The live module, lesson or quiz at `url_path` in the course (two queries).

    The outline is kept on the course for the rest of the request, and the course
    on the page, so serving the page needs neither again.
    """
    outline = course_outline(course=course)
    course._prefetched_outline = outline
    candidates = [module.module for module in outline.modules] + outline.items
    found = next((page for page in candidates if page.url_path == url_path), None)
    if found is None:
        return None
    page = found.specific_class.objects.get(pk=found.pk)
    page._course = course
    return page


def course_of(page: Page) -> CoursePage | None:
    """The course a module, lesson or quiz belongs to (one query, none if routed)."""
    if getattr(page, "_course", None) is not None:
        return page._course
    return CoursePage.objects.ancestor_of(page).select_related("locale").first()


def course_languages(*, course_key: UUID) -> list[str]:
    return list(
        CoursePage.objects.live()
        .filter(translation_key=course_key)
        .order_by("locale__language_code")
        .values_list("locale__language_code", flat=True)
    )


# --- Access ---------------------------------------------------------------------------


def course_room_ids(*, course: CoursePage) -> list[int]:
    """Rooms linked to any language version of the course, and their translations."""
    room_keys = CoursePage.rooms.through.objects.filter(
        coursepage__translation_key=course.translation_key
    ).values("roompage__translation_key")
    return list(
        Page.objects.filter(translation_key__in=room_keys).values_list("pk", flat=True)
    )


def user_can_access_course(*, user, course: CoursePage) -> bool:
    """Signed in, profile complete, and the course open to all or to their room."""
    from irooms.api import user_can_view_room

    if not user.is_authenticated or not course.live:
        return False
    if not profile_is_complete(user):
        return False
    if course.open_to_all:
        return True
    return any(
        user_can_view_room(user, room_id) for room_id in course_room_ids(course=course)
    )


def user_can_manage_course_learners(*, user, course: CoursePage) -> bool:
    """Staff, and trainers of one of the course's rooms."""
    from irooms.api import user_can_manage_room

    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return any(
        user_can_manage_room(user, room_id)
        for room_id in course_room_ids(course=course)
    )


def course_is_open(*, course: CoursePage) -> bool:
    return course.opens_at is None or course.opens_at <= timezone.now()


# --- Progress -------------------------------------------------------------------------


@dataclass
class Progress:
    completed_lesson_keys: set[UUID]
    passed_quiz_keys: set[UUID]
    required_total: int
    required_done: int
    completed: bool

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 100 if self.completed else 0
        return round(100 * self.required_done / self.required_total)


@dataclass
class LearnerRecords:
    """What one learner has done in one course (all its languages)."""

    enrolment_id: int | None = None
    last_lesson_key: UUID | None = None
    completed_lesson_keys: set[UUID] = field(default_factory=set)
    passed_quiz_keys: set[UUID] = field(default_factory=set)
    completed: bool = False
    certificate_code: str | None = None

    @property
    def enrolled(self) -> bool:
        return self.enrolment_id is not None


def learner_records(*, user, course_key: UUID) -> LearnerRecords:
    """Enrolment, lessons done, quizzes passed, completion and certificate: one query.

    A UNION of four small index scans, so the count stays one however many
    learners, lessons or attempts there are.
    """
    records = LearnerRecords()
    if not user.is_authenticated:
        return records

    def rows(queryset, kind: str, key: str, number, code):
        return queryset.filter(user_id=user.pk, course_key=course_key).values_list(
            Value(kind, output_field=CharField()),
            F(key),
            number,
            code,
        )

    no_number = Value(None, output_field=IntegerField())
    no_code = Value("", output_field=CharField())
    union = rows(
        Enrolment.objects, "enrolment", "last_lesson_key", F("pk"), no_code
    ).union(
        rows(LessonCompletion.objects, "lesson", "lesson_key", no_number, no_code),
        rows(
            QuizAttempt.objects.filter(passed=True),
            "quiz",
            "quiz_key",
            no_number,
            no_code,
        ),
        rows(
            CourseCompletion.objects,
            "completion",
            "course_key",
            F("pk"),
            Coalesce(F("certificate__code"), no_code),
        ),
        all=True,
    )
    for kind, key, number, code in union:
        if kind == "enrolment":
            records.enrolment_id, records.last_lesson_key = number, key
        elif kind == "lesson":
            records.completed_lesson_keys.add(key)
        elif kind == "quiz":
            records.passed_quiz_keys.add(key)
        else:
            records.completed = True
            records.certificate_code = code or None
    return records


def course_progress(
    *,
    user,
    course: CoursePage,
    outline: CourseOutline,
    records: LearnerRecords | None = None,
) -> Progress:
    """Required lessons and final assessments done, over those the course asks for."""
    if records is None:
        records = learner_records(user=user, course_key=course.translation_key)
    required = outline.required_lesson_keys
    finals = outline.final_quiz_keys
    done = len(required & records.completed_lesson_keys) + len(
        finals & records.passed_quiz_keys
    )
    return Progress(
        completed_lesson_keys=records.completed_lesson_keys,
        passed_quiz_keys=records.passed_quiz_keys,
        required_total=len(required) + len(finals),
        required_done=done,
        completed=records.completed,
    )


def requirements_met(*, user, course: CoursePage) -> bool:
    """Fresh from the database: called by services right after a write."""
    outline = course_outline(course=course)
    progress = course_progress(user=user, course=course, outline=outline)
    if not outline.lessons and not outline.quizzes:
        return False
    return progress.required_done == progress.required_total


def enrolment_of(*, user, course_key: UUID) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user_id=user.pk, course_key=course_key).first()


def localized_page(*, translation_key: UUID, fallback: Page | None = None):
    """The live version of a page in the active language, else any live version."""
    versions = list(
        Page.objects.live()
        .filter(translation_key=translation_key)
        .select_related("locale")
        .specific()
    )
    active = get_language()
    for version in versions:
        if version.locale.language_code == active:
            return version
    return versions[0] if versions else fallback


# --- Page contexts --------------------------------------------------------------------


def course_page_context(*, course: CoursePage, user) -> dict:
    outline = course_outline(course=course)
    records = learner_records(user=user, course_key=course.translation_key)
    context = {
        "outline": outline,
        "enrolment": records if records.enrolled else None,
        "course_is_open": course_is_open(course=course),
        "languages": course_languages(course_key=course.translation_key),
        "can_manage_learners": user_can_manage_course_learners(
            user=user, course=course
        ),
    }
    if records.enrolled:
        context["progress"] = course_progress(
            user=user, course=course, outline=outline, records=records
        )
        context["resume_page"] = _resume_page(records=records, outline=outline)
        context["certificate_code"] = records.certificate_code
    return context


def _resume_page(*, records: LearnerRecords, outline: CourseOutline):
    """Where the learner left off in this language version, else the first lesson."""
    if records.last_lesson_key:
        for item in outline.items:
            if item.translation_key == records.last_lesson_key:
                return item
    return outline.items[0] if outline.items else None


def course_child_context(*, page: Page, user) -> dict:
    """Outline, progress and previous/next links around a module, lesson or quiz.

    Reuses the course, outline and learner records the serve gate loaded for this
    request (`page._course`, `page._learner_records`) when there are any.
    """
    course = course_of(page)
    if course is None:
        return {}
    outline = course_outline(course=course)
    context = {"course": course, "outline": outline}
    if user.is_authenticated:
        context["progress"] = course_progress(
            user=user,
            course=course,
            outline=outline,
            records=getattr(page, "_learner_records", None),
        )
    keys = [item.pk for item in outline.items]
    if page.pk in keys:
        position = keys.index(page.pk)
        context["previous_item"] = outline.items[position - 1] if position else None
        context["next_item"] = (
            outline.items[position + 1] if position + 1 < len(keys) else None
        )
        context["position"] = position + 1
    return context


@dataclass
class QuizState:
    attempts: list[QuizAttempt]
    attempts_left: int | None  # None: unlimited
    passed: bool


def quiz_state(*, quiz: QuizPage, user) -> QuizState:
    attempts = (
        list(QuizAttempt.objects.filter(user_id=user.pk, quiz_key=quiz.translation_key))
        if user.is_authenticated
        else []
    )
    left = None if quiz.max_attempts == 0 else max(quiz.max_attempts - len(attempts), 0)
    return QuizState(
        attempts=attempts,
        attempts_left=left,
        passed=any(attempt.passed for attempt in attempts),
    )


def quiz_feedback(*, quiz: QuizPage, attempt: QuizAttempt) -> list[dict]:
    """Per question: the prompt, whether it was right, the chosen answers' feedback."""
    feedback = []
    for block in quiz.questions:
        result = attempt.answers.get(block.id, {"chosen": [], "correct": False})
        answers = block.value["answers"]
        feedback.append(
            {
                "prompt": block.value["prompt"],
                "correct": result["correct"],
                "chosen": [
                    answers[index] for index in result["chosen"] if index < len(answers)
                ],
            }
        )
    return feedback


def quiz_context(*, quiz: QuizPage, user) -> dict:
    return {"quiz_state": quiz_state(quiz=quiz, user=user)}


# --- Catalogue, dashboard, api -------------------------------------------------------


def catalogue_courses(*, index_page, user) -> list[CoursePage]:
    """Live courses of the catalogue this user may open (open ones for everyone)."""
    courses = list(
        CoursePage.objects.live()
        .child_of(index_page)
        .select_related("cover_image")
        .order_by("title")
    )
    return [
        course
        for course in courses
        if course.open_to_all or user_can_access_course(user=user, course=course)
    ]


def room_courses(*, room_id: int) -> list[dict]:
    """Live courses linked to the room or a translation of it: one query."""
    room_keys = Page.objects.filter(pk=room_id).values("translation_key")
    course_keys = (
        CoursePage.objects.live()
        .filter(rooms__translation_key__in=room_keys)
        .values("translation_key")
    )
    versions = list(
        CoursePage.objects.live()
        .filter(translation_key__in=course_keys)
        .select_related("locale")
        .order_by("title")
    )
    active = get_language()
    by_key: dict[UUID, list[CoursePage]] = {}
    for version in versions:
        by_key.setdefault(version.translation_key, []).append(version)
    result = []
    for same_course in by_key.values():
        chosen = next(
            (v for v in same_course if v.locale.language_code == active),
            same_course[0],
        )
        result.append(
            {
                "id": chosen.pk,
                "title": chosen.title,
                "url": chosen.get_url(),
                "summary": chosen.summary,
                "languages": sorted(v.locale.language_code for v in same_course),
            }
        )
    return sorted(result, key=lambda item: item["title"])


@dataclass
class DashboardCourse:
    course: CoursePage
    enrolment: Enrolment
    percent: int
    completed: bool
    certificate_code: str | None


def my_learning(*, user) -> dict:
    """In-progress and completed courses with certificates, in the active language.

    A fixed number of queries whatever the number of courses and lessons.
    """
    enrolments = list(
        Enrolment.objects.filter(user_id=user.pk).order_by("-last_activity_at")
    )
    keys = [enrolment.course_key for enrolment in enrolments]
    active = get_language()
    locale = Locale.objects.filter(language_code=active).first()
    versions: dict[UUID, CoursePage] = {}
    for version in CoursePage.objects.live().filter(translation_key__in=keys):
        current = versions.get(version.translation_key)
        if current is None or (locale and version.locale_id == locale.pk):
            versions[version.translation_key] = version
    completions = {
        completion.course_key: completion
        for completion in CourseCompletion.objects.filter(
            user_id=user.pk, course_key__in=keys
        ).select_related("certificate")
    }
    required = _required_counts(versions=list(versions.values()))
    done = _done_counts(user=user, course_keys=keys)
    in_progress, completed = [], []
    for enrolment in enrolments:
        course = versions.get(enrolment.course_key)
        if course is None:
            continue  # unpublished: learners never see it
        completion = completions.get(enrolment.course_key)
        total = required.get(course.pk, set())
        finished = done.get(enrolment.course_key, set())
        percent = (
            100
            if completion
            else (round(100 * len(total & finished) / len(total)) if total else 0)
        )
        certificate = getattr(completion, "certificate", None) if completion else None
        item = DashboardCourse(
            course=course,
            enrolment=enrolment,
            percent=percent,
            completed=completion is not None,
            certificate_code=certificate.code if certificate else None,
        )
        (completed if completion else in_progress).append(item)
    return {"in_progress": in_progress, "completed": completed}


def _required_counts(*, versions: list[CoursePage]) -> dict[int, set[UUID]]:
    """Per course page id: the keys of its required lessons and final quizzes."""
    if not versions:
        return {}
    result: dict[int, set[UUID]] = {version.pk: set() for version in versions}
    by_path = {version.path: version.pk for version in versions}
    steplen = Page.steplen
    depth = versions[0].depth
    paths = [version.path for version in versions]
    from django.db.models import Q

    prefix = Q()
    for path in paths:
        prefix |= Q(path__startswith=path)
    lessons = (
        LessonPage.objects.live()
        .filter(prefix, required=True)
        .values_list("path", "translation_key")
    )
    quizzes = (
        QuizPage.objects.live()
        .filter(prefix, is_final_assessment=True)
        .values_list("path", "translation_key")
    )
    for path, key in [*lessons, *quizzes]:
        course_pk = by_path.get(path[: depth * steplen])
        if course_pk is not None:
            result[course_pk].add(key)
    return result


def _done_counts(*, user, course_keys: list[UUID]) -> dict[UUID, set[UUID]]:
    done: dict[UUID, set[UUID]] = {}
    for course_key, lesson_key in LessonCompletion.objects.filter(
        user_id=user.pk, course_key__in=course_keys
    ).values_list("course_key", "lesson_key"):
        done.setdefault(course_key, set()).add(lesson_key)
    for course_key, quiz_key in QuizAttempt.objects.filter(
        user_id=user.pk, course_key__in=course_keys, passed=True
    ).values_list("course_key", "quiz_key"):
        done.setdefault(course_key, set()).add(quiz_key)
    return done


def learning_summary(*, user) -> dict:
    if not user.is_authenticated:
        return {"in_progress": 0, "completed": 0, "certificates": 0, "courses": []}
    learning = my_learning(user=user)
    return {
        "in_progress": len(learning["in_progress"]),
        "completed": len(learning["completed"]),
        "certificates": sum(
            1 for item in learning["completed"] if item.certificate_code
        ),
        "courses": [
            {
                "title": item.course.title,
                "url": item.course.url,
                "percent": item.percent,
            }
            for item in learning["in_progress"]
        ],
    }


# --- Admin report ------------------------------------------------------------------


def course_choices() -> list[tuple[str, str]]:
    """One (translation key, title) per course, titled in its original language."""
    titles: dict[str, str] = {}
    for key, title in (
        CoursePage.objects.filter(alias_of__isnull=True)
        .order_by("translation_key", "pk")
        .values_list("translation_key", "title")
    ):
        titles.setdefault(str(key), title)  # the first version made is the original
    return sorted(titles.items(), key=lambda item: item[1].lower())


def enrolment_report_rows():
    """Enrolments with learner, course version and completion date (two joins, one
    subquery): the queryset behind the staff report of learners per course."""
    completed_at = CourseCompletion.objects.filter(
        user_id=OuterRef("user_id"), course_key=OuterRef("course_key")
    ).values("completed_at")[:1]
    return (
        Enrolment.objects.select_related("user", "course")
        .annotate(completed_at=Subquery(completed_at))
        .order_by("-created_at", "-pk")
    )
