"""What other apps may ask of courses: plain data, no models."""

from courses import selectors
from courses.models import ViewRestrictionsInOneQueryMixin
from courses.services import CourseError

__all__ = [
    "CourseError",
    "ViewRestrictionsInOneQueryMixin",
    "completion_target",
    "course_completion_record",
    "courses_for_room",
    "lesson_completion_record",
    "lesson_learner_context",
    "route_cache_register",
    "user_learning_summary",
]

# Cache the routes to another app's page type; see selectors.ROUTE_CACHED_TYPES.
route_cache_register = selectors.route_cache_register


def courses_for_room(room_id: int) -> list[dict]:
    """Live courses linked to a room (or a translation of it), in the active language.

    Each item: ``{"id", "title", "url", "summary", "languages"}``; ``languages`` lists
    the language codes the course is published in. An unknown room gives ``[]``.
    """
    return selectors.room_courses(room_id=room_id)


def user_learning_summary(user) -> dict:
    """A learner's courses for a dashboard: counts and the courses in progress.

    ``{"in_progress": int, "completed": int, "certificates": int,
    "courses": [{"title", "url", "percent"}]}``; an anonymous user gets zeros.
    """
    return selectors.learning_summary(user=user)


def lesson_learner_context(*, user, lesson_id: int) -> dict | None:
    """The lesson's course, if `user` may open the live lesson now; else None.

    ``{"lesson_key", "course_key", "course_id", "language", "room"}`` (keys as
    strings). None when the lesson is not live, the course is closed or not
    accessible, or the learner is not enrolled (used by SCORM content serving).
    """
    from courses.models import LessonPage

    if user is None or not user.is_authenticated:
        return None
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    course = selectors.course_of(lesson) if lesson is not None else None
    if course is None or not course.live:
        return None
    if not selectors.user_can_access_course(user=user, course=course):
        return None
    if not selectors.course_is_open(course=course):
        return None
    if selectors.enrolment_of(user=user, course_key=course.translation_key) is None:
        return None
    room_ids = selectors.course_room_ids(course=course)
    return {
        "lesson_key": str(lesson.translation_key),
        "course_key": str(course.translation_key),
        "course_id": course.pk,
        "language": lesson.locale.language_code,
        "room": str(room_ids[0]) if len(room_ids) == 1 else "",
    }


def lesson_completion_record(*, user, lesson_id: int) -> None:
    """Complete a lesson for an enrolled learner (once; may complete the course).

    For lessons whose completion is reported by their content (SCORM, xAPI).
    Raises `courses.services.CourseError` when the lesson is not available or the
    learner is not enrolled.
    """
    from courses import services
    from courses.models import LessonPage

    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None:
        raise services.CourseError("This lesson is not available.")
    services.lesson_completion_submit(user=user, lesson=lesson)


def completion_target(
    *, translation_key: str | None = None, page_id: int | None = None
) -> dict | None:
    """The course or lesson a completion reported from outside may complete.

    Looks a page up by its language-independent key (translation_key) or by id;
    returns ``{"kind": "course" | "lesson", "page_id", "key"}`` (a SCORM lesson is a
    lesson), or None when it is neither a live course nor a live lesson. Used by
    the xAPI store to map activity IRIs to the platform's courses.
    """
    from uuid import UUID

    from courses.models import CoursePage, LessonPage

    for kind, model in (("course", CoursePage), ("lesson", LessonPage)):
        pages = model.objects.live()
        if translation_key is not None:
            try:
                pages = pages.filter(translation_key=UUID(str(translation_key)))
            except ValueError:
                return None
        elif page_id is not None:
            pages = pages.filter(pk=page_id)
        else:
            return None
        page = pages.order_by("pk").first()
        if page is not None:
            return {"kind": kind, "page_id": page.pk, "key": str(page.translation_key)}
    return None


def course_completion_record(*, user, course_id: int) -> bool:
    """Complete a course for an enrolled learner when its requirements are met.

    For completions reported by external content about a whole course: the
    course's own rules still decide (required lessons and final quiz), so outside
    content cannot skip them. Returns whether the course is completed (now or
    before). Raises `courses.services.CourseError` when the course is not
    available or the learner is not enrolled.
    """
    from courses import services
    from courses.models import CoursePage

    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise services.CourseError("This course is not available.")
    if selectors.enrolment_of(user=user, course_key=course.translation_key) is None:
        raise services.CourseError("Enrol on the course first.")
    return services.course_completion_try(user=user, course=course) is not None
