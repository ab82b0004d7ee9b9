"""Reads for courses: outlines, access, progress, dashboards; flat query counts.

What every learner sees alike (a course found by its slug, its outline, its pages, a
lesson's rendered blocks, which pages carry view restrictions) is cached in Redis
under the current *content generation*: any edit of published content (a page saved,
published, unpublished, moved or deleted, a site, view restriction, image or
document changed) starts a new generation, so a change shows at once. What belongs
to one learner (enrolment, progress, completion) is always read from the database.
"""

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from asgiref.local import Local
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    F,
    OuterRef,
    Q,
    Subquery,
    UUIDField,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from courses.models import (
    Certificate,
    CourseCompletion,
    CoursePage,
    Enrolment,
    EnrolmentImport,
    LessonCompletion,
    LessonPage,
    ModulePage,
    QuizAttempt,
    QuizPage,
)
from learning.accounts.selectors import profile_is_complete

# --- Content cache --------------------------------------------------------------------

CONTENT_GENERATION_KEY = "courses:content-generation"
# Entries of past generations are never read again; they only wait to expire.
CONTENT_CACHE_SECONDS = 24 * 60 * 60
# The shape of what is cached: bump it when a cached class changes, so that a new
# release never reads an older one's entries.
CONTENT_CACHE_SHAPE = 2
_MISSING = object()


# A request reads the generation once (a Redis round trip less for every cached
# thing it shows), and may read several entries at once (`content_prefetch`);
# tasks and commands, outside requests, read them at every use.
_request_state = Local()


def content_generation_request_started() -> None:
    _request_state.in_request = True
    _request_state.generation = None
    _request_state.prefetched = {}


def content_generation_request_finished() -> None:
    _request_state.in_request = False
    _request_state.generation = None
    _request_state.prefetched = {}


def content_generation_forget() -> None:
    """After a new generation was started: this request reads it again."""
    _request_state.generation = None


def content_generation() -> str:
    """The current generation of published content (a random token)."""
    generation = getattr(_request_state, "generation", None)
    if generation is not None:
        return generation
    generation = cache.get(CONTENT_GENERATION_KEY)
    if generation is None:
        # A new random token, never an old one: entries cached under a generation
        # whose key Redis evicted must not come back to life.
        cache.add(CONTENT_GENERATION_KEY, uuid4().hex, timeout=None)
        generation = cache.get(CONTENT_GENERATION_KEY)
    if getattr(_request_state, "in_request", False):
        _request_state.generation = generation
    return generation


def _content_key(name: str) -> str:
    return f"courses:{CONTENT_CACHE_SHAPE}:{content_generation()}:{name}"


def content_cached(name: str, fill: Callable[[], Any]) -> Any:
    """`fill()`'s answer, cached under `name` for the current content generation."""
    key = _content_key(name)
    value = getattr(_request_state, "prefetched", {}).pop(key, _MISSING)
    if value is _MISSING:
        value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = fill()
        cache.set(key, value, CONTENT_CACHE_SECONDS)
    return value


def content_prefetch(names: list[str]) -> None:
    """Read the entries cached under `names` in one round trip, for the
    `content_cached` calls of the rest of this request (each gets its own copy
    once, as from the cache)."""
    if getattr(_request_state, "in_request", False):
        keys = [_content_key(name) for name in names]
        _request_state.prefetched.update(cache.get_many(keys))


def content_cached_many(
    names: list[str], fill: Callable[[list[str]], dict[str, Any]]
) -> dict[str, Any]:
    """Like `content_cached` for many names in one round trip; `fill(missing names)`
    answers those not cached (a name it leaves out is cached as None)."""
    prefix = _content_key("")
    found = cache.get_many([prefix + name for name in names])
    values = {name: found[prefix + name] for name in names if prefix + name in found}
    missing = [name for name in names if name not in values]
    if missing:
        filled = fill(missing)
        new = {name: filled.get(name) for name in missing}
        cache.set_many(
            {prefix + name: value for name, value in new.items()},
            CONTENT_CACHE_SECONDS,
        )
        values.update(new)
    return values


RESTRICTED_PATHS_NAME = "restricted-paths"


def restricted_page_paths() -> frozenset[str]:
    """Paths of the pages whose view restrictions apply to them and their subtree:
    pages with a restriction and aliases of such pages (cached)."""

    def fill() -> frozenset[str]:
        restricted = PageViewRestriction.objects.values("page_id")
        return frozenset(
            Page.objects.filter(
                Q(pk__in=restricted) | Q(alias_of_id__in=restricted)
            ).values_list("path", flat=True)
        )

    return content_cached(RESTRICTED_PATHS_NAME, fill)


# --- Course structure ---------------------------------------------------------------


@dataclass
class ModuleOutline:
    module: Page
    items: list = field(default_factory=list)


@dataclass
class CourseOutline:
    """A course's live modules, lessons and quizzes in tree order (one query).

    The items are plain `Page` objects carrying what the outline needs:
    `outline_kind` ("module", "lesson" or "quiz"), `required` (lessons),
    `is_final_assessment` (quizzes) and `href` (the page's URL, worked out once);
    `specific_class` names the real page type.
    """

    modules: list[ModuleOutline]
    items: list[Page]  # lessons and quizzes in reading order
    lessons: list[Page]
    quizzes: list[Page]
    course_href: str  # the course page's URL, worked out once

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
    """The live outline (cached); reuses the one `CoursePage.route` loaded for this
    request."""
    prefetched = getattr(course, "_prefetched_outline", None)
    if prefetched is not None:
        return prefetched
    return content_cached(
        f"outline:{course.pk}", lambda: _course_outline_load(course=course)
    )


def _course_outline_load(*, course: CoursePage) -> CourseOutline:
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
        page.href = page.get_url()
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
        course_href=course.get_url(),
    )


def course_outline_item_for_path(*, course: CoursePage, url_path: str) -> Page | None:
    """The live module, lesson or quiz at `url_path` in the course (cached).

    The outline is kept on the course for the rest of the request, and the course
    on the page, so serving the page needs neither again.
    """
    outline = course_outline(course=course)
    course._prefetched_outline = outline
    candidates = [module.module for module in outline.modules] + outline.items
    found = next((page for page in candidates if page.url_path == url_path), None)
    if found is None:
        return None
    page = content_cached(
        f"page:{found.pk}", lambda: found.specific_class.objects.get(pk=found.pk)
    )
    page._course = course
    return page


def live_course_by_slug(*, index_page: Page, slug: str) -> CoursePage | None:
    """The live course under the catalogue `index_page` with this slug, its outline
    loaded with it (cached together: one round trip)."""

    def load() -> CoursePage | None:
        course = (
            CoursePage.objects.live().child_of(index_page).filter(slug=slug).first()
        )
        if course is not None:
            course._prefetched_outline = course_outline(course=course)
        return course

    return content_cached(f"course:{index_page.pk}:{slug}", load)


# --- Routing --------------------------------------------------------------------------

# Page types whose route is cached: courses' own, and those other apps register
# (`route_cache_register`). Only for a type whose route() depends on nothing but
# the site, the language and the live pages, and whose serving checks everything
# about the visitor (Wagtail's view restrictions, the app's own access rules).
ROUTE_CACHED_TYPES: tuple[type[Page], ...] = (
    CoursePage,
    ModulePage,
    LessonPage,
    QuizPage,
)
# First segments of the paths (a catalogue's slug, the rooms index's, in each
# language) at which this process saw Wagtail find such a page: only those paths
# are looked up in the cache, so that other pages pay no round trip for it. The
# routes cached belong to a content generation, so a stale segment here costs a
# look-up, never a wrong page.
_cached_sections: set[str] = set()
_MAX_CACHED_SECTIONS = 64  # paths are the client's: never let them grow the memory


def route_cache_register(page_type: type[Page]) -> None:
    """Cache the routes to pages of `page_type` (see ROUTE_CACHED_TYPES)."""
    global ROUTE_CACHED_TYPES
    if page_type not in ROUTE_CACHED_TYPES:
        ROUTE_CACHED_TYPES = (*ROUTE_CACHED_TYPES, page_type)


def page_route(*, request, path: str) -> RouteResult | None:
    """Wagtail's route to `path` (`Page.route_for_request`); cached for the page
    types of ROUTE_CACHED_TYPES.

    A route depends on the site, the language and the live pages, never on the
    user. To find one, Wagtail walks the tree from the site's root (four queries
    before the course's own routing); the course page it found, with its course
    and outline, is cached for the content generation, and the next request gets
    it in the slot Wagtail keeps for the route on the request. Serving the page
    (view restrictions, hooks, the enrolment gate) stays Wagtail's and ours.
    """
    site = Site.find_for_request(request)
    if site is None:
        return Page.route_for_request(request, path)
    section = path.split("/", 1)[0]
    known = section in _cached_sections
    if known:
        page = cache.get(_route_key(site=site, path=path))
        if page is not None:
            content_prefetch(_names_served(page))
            request._wagtail_route_for_request = RouteResult(page)
            return request._wagtail_route_for_request
    route = Page.route_for_request(request, path)
    if (
        route is None
        or not isinstance(route.page, ROUTE_CACHED_TYPES)
        or route.args
        or route.kwargs
    ):
        return route
    if not known:
        if len(_cached_sections) >= _MAX_CACHED_SECTIONS:
            _cached_sections.clear()
        _cached_sections.add(section)
    # The pages above the course may have been read before this request read the
    # generation (the course and its pages always after): store the route only
    # if the page's own address, as of this generation, is still the one asked.
    if route.page.url_path.endswith("/" + path):
        cache.set(_route_key(site=site, path=path), route.page, CONTENT_CACHE_SECONDS)
    return route


def _route_key(*, site: Site, path: str) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()
    return _content_key(f"route:{site.pk}:{get_language()}:{digest}")


def _lesson_body_name(lesson: LessonPage) -> str:
    return f"lesson-body:{lesson.pk}:{get_language()}"


def _course_nav_name(course: CoursePage) -> str:
    return f"nav:{course.pk}:{get_language()}"


def _names_served(page: Page) -> list[str]:
    """The cached entries that serving this course page reads, its route aside."""
    names = [RESTRICTED_PATHS_NAME]
    course = getattr(page, "_course", None)
    if course is not None:  # a module, lesson or quiz: beside the course's menu
        names.append(_course_nav_name(course))
    if isinstance(page, LessonPage):
        names.append(_lesson_body_name(page))
    return names


def lesson_body_html(*, lesson: LessonPage, context: dict, cached: bool) -> SafeString:
    """The lesson's blocks as HTML, rendered once per edit and language if `cached`
    (the live page; a preview shows the draft's own blocks).

    Nothing in a lesson's blocks depends on the learner (their progress is shown
    around them), so every learner gets the same HTML.
    """

    def render() -> str:
        return "".join(block.render_as_block(context) for block in lesson.body)

    if not cached:
        return mark_safe(render())  # noqa: S308 - blocks escape their own values
    return mark_safe(  # noqa: S308 - blocks escape their own values
        content_cached(_lesson_body_name(lesson), render)
    )


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


# --- Bulk enrolment imports -----------------------------------------------------------


def enrolment_import_of(
    *, course: CoursePage, import_id: int, with_report: bool = False
) -> EnrolmentImport | None:
    """The course's import, without the rows it was given; without its per-row
    report too unless asked (the progress poll reads only the counts)."""
    imports = EnrolmentImport.objects.filter(course=course, pk=import_id).defer("rows")
    if not with_report:
        imports = imports.defer("results")
    return imports.first()


def enrolment_import_progress(*, enrolment_import: EnrolmentImport) -> dict:
    """What the status page and its poll show: counts, status and a sentence."""
    return {
        "status": enrolment_import.status,
        "finished": enrolment_import.finished,
        "total": enrolment_import.total,
        "processed": enrolment_import.processed,
        "enrolled_count": enrolment_import.enrolled_count,
        "text": _("%(status)s: %(processed)d of %(total)d rows processed.")
        % {
            "status": enrolment_import.get_status_display(),
            "processed": enrolment_import.processed,
            "total": enrolment_import.total,
        },
    }


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


@functools.cache
def _learner_records_sql() -> str:
    tables = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in {
            "enrolment": Enrolment,
            "lesson": LessonCompletion,
            "attempt": QuizAttempt,
            "completion": CourseCompletion,
            "certificate": Certificate,
        }.items()
    }
    return (
        "SELECT 'enrolment', e.last_lesson_key, e.id, '' FROM {enrolment} e"
        " WHERE e.user_id = %s AND e.course_key = %s"
        " UNION ALL SELECT 'lesson', l.lesson_key, NULL, '' FROM {lesson} l"
        " WHERE l.user_id = %s AND l.course_key = %s"
        " UNION ALL SELECT 'quiz', a.quiz_key, NULL, '' FROM {attempt} a"
        " WHERE a.user_id = %s AND a.course_key = %s AND a.passed = %s"
        " UNION ALL SELECT 'completion', NULL, c.id, COALESCE(t.code, '')"
        " FROM {completion} c LEFT JOIN {certificate} t ON t.completion_id = c.id"
        " WHERE c.user_id = %s AND c.course_key = %s"
    ).format(**tables)


def learner_records(*, user, course_key: UUID) -> LearnerRecords:
    """Enrolment, lessons done, quizzes passed, completion and certificate: one query.

    A UNION of four small index scans, so the count stays one however many
    learners, lessons or attempts there are. Written in SQL: it runs on every
    course page, and building it with the ORM took longer than running it.
    """
    records = LearnerRecords()
    if not user.is_authenticated:
        return records
    uuid_field = Enrolment._meta.get_field("course_key")
    key = uuid_field.get_db_prep_value(course_key, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _learner_records_sql(),
            [user.pk, key, user.pk, key, user.pk, key, True, user.pk, key],
        )
        rows = cursor.fetchall()
    for kind, row_key, number, code in rows:
        row_key = uuid_field.to_python(row_key)  # SQLite answers a UUID as text
        if kind == "enrolment":
            records.enrolment_id, records.last_lesson_key = number, row_key
        elif kind == "lesson":
            records.completed_lesson_keys.add(row_key)
        elif kind == "quiz":
            records.passed_quiz_keys.add(row_key)
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


def course_nav_items_html(
    *,
    course: CoursePage,
    outline: CourseOutline,
    current: Page,
    progress: Progress | None,
) -> SafeString:
    """The course menu's items, the `current` page and those the learner has done
    marked.

    Each item is rendered once per edit and language in the four states it can
    show (current or not, done or not); a request picks each item's state, so the
    learner's marks are never cached, and nobody waits for thirty renders.
    """

    def render() -> dict[int, tuple[str, str, str, str]]:
        return {
            item.pk: tuple(
                render_to_string(
                    "courses/includes/course_nav_item.html",
                    {"item": item, "current": is_current, "done": is_done},
                )
                for is_current in (False, True)
                for is_done in (False, True)
            )
            for item in outline.items
        }

    states = content_cached(_course_nav_name(course), render)
    if any(item.pk not in states for item in outline.items):
        # Read while an edit was committing: this outline is not the menu's.
        states = render()
    done = (
        progress.completed_lesson_keys | progress.passed_quiz_keys
        if progress is not None
        else set()
    )
    return mark_safe(  # noqa: S308 - rendered by the item template, which escapes
        "".join(
            states[item.pk][
                2 * (item.pk == current.pk) + (item.translation_key in done)
            ]
            for item in outline.items
        )
    )


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
class CourseCard:
    """A course version as "my learning" shows it (cached per course and language)."""

    course: CoursePage
    url: str
    required_keys: frozenset[UUID]  # required lessons and final assessments


@dataclass
class DashboardCourse:
    course: CoursePage
    url: str
    last_activity_at: datetime
    percent: int
    completed: bool
    certificate_code: str | None


@dataclass
class EnrolledCourse:
    """One learner's record of one course: enrolment, items done, completion."""

    last_activity_at: datetime
    done_keys: set[UUID] = field(default_factory=set)
    completed: bool = False
    certificate_code: str | None = None


def my_learning(*, user) -> dict:
    """In-progress and completed courses with certificates, in the active language.

    One query for the learner's records; the courses come from the cache (two
    queries more after an edit of published content), however many there are.
    """
    enrolled = _enrolled_courses(user=user)
    cards = _course_cards(course_keys=list(enrolled))
    in_progress, completed = [], []
    for course_key, record in sorted(
        enrolled.items(), key=lambda item: item[1].last_activity_at, reverse=True
    ):
        card = cards.get(course_key)
        if card is None:
            continue  # unpublished: learners never see it
        required = card.required_keys
        if record.completed:
            percent = 100
        elif required:
            percent = round(100 * len(required & record.done_keys) / len(required))
        else:
            percent = 0
        item = DashboardCourse(
            course=card.course,
            url=card.url,
            last_activity_at=record.last_activity_at,
            percent=percent,
            completed=record.completed,
            certificate_code=record.certificate_code,
        )
        (completed if record.completed else in_progress).append(item)
    return {"in_progress": in_progress, "completed": completed}


def _enrolled_courses(*, user) -> dict[UUID, EnrolledCourse]:
    """Per course the learner is enrolled on, what they did: one query (a UNION)."""
    no_key = Value(None, output_field=UUIDField())
    no_time = Value(None, output_field=DateTimeField())
    no_code = Value("", output_field=CharField())

    def rows(queryset, kind: str, key, at, code):
        return queryset.filter(user_id=user.pk).values_list(
            Value(kind, output_field=CharField()), "course_key", key, at, code
        )

    # The enrolments come first: their column types settle those of the UNION.
    union = rows(
        Enrolment.objects, "enrolment", no_key, F("last_activity_at"), no_code
    ).union(
        rows(LessonCompletion.objects, "done", F("lesson_key"), no_time, no_code),
        rows(
            QuizAttempt.objects.filter(passed=True),
            "done",
            F("quiz_key"),
            no_time,
            no_code,
        ),
        rows(
            CourseCompletion.objects,
            "completion",
            no_key,
            no_time,
            Coalesce(F("certificate__code"), no_code),
        ),
        all=True,
    )
    records: dict[UUID, EnrolledCourse] = {}
    others = []
    for kind, course_key, key, at, code in union:
        if kind == "enrolment":
            records[course_key] = EnrolledCourse(last_activity_at=at)
        else:
            others.append((kind, course_key, key, code))
    for kind, course_key, key, code in others:
        record = records.get(course_key)
        if record is None:
            continue  # no longer enrolled
        if kind == "done":
            record.done_keys.add(key)
        else:
            record.completed = True
            record.certificate_code = code or None
    return records


def _course_cards(*, course_keys: list[UUID]) -> dict[UUID, CourseCard | None]:
    """The live version of each course in the active language, else any (cached)."""
    language = get_language()
    names = {f"card:{language}:{key}": key for key in course_keys}

    def load(missing: list[str]) -> dict[str, CourseCard]:
        keys = [names[name] for name in missing]
        locale = Locale.objects.filter(language_code=language).first()
        versions: dict[UUID, CoursePage] = {}
        for version in CoursePage.objects.live().filter(translation_key__in=keys):
            current = versions.get(version.translation_key)
            if current is None or (locale and version.locale_id == locale.pk):
                versions[version.translation_key] = version
        required = _required_keys(versions=list(versions.values()))
        return {
            f"card:{language}:{key}": CourseCard(
                course=version,
                url=version.get_url(),
                required_keys=frozenset(required[version.pk]),
            )
            for key, version in versions.items()
        }

    cached = content_cached_many(list(names), load)
    return {key: cached[name] for name, key in names.items()}


def _required_keys(*, versions: list[CoursePage]) -> dict[int, set[UUID]]:
    """Per course page id: the keys of its required lessons and final quizzes."""
    if not versions:
        return {}
    result: dict[int, set[UUID]] = {version.pk: set() for version in versions}
    by_path = {version.path: version.pk for version in versions}
    steplen = Page.steplen
    depth = versions[0].depth
    prefix = Q()
    for version in versions:
        prefix |= Q(path__startswith=version.path)
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
                "url": item.url,
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
