"""Course factories: a published course tree (modules, lessons, quiz), translations."""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from wagtail.models import Locale, Page, PageViewRestriction, Site

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    QuizPage,
)
from irooms.models import Membership, MembershipStatus, Role, RoomIndexPage, RoomPage
from learning.home.models import HomePage
from tests.factories import ProfileFactory

RIGHT, WRONG = "right", "wrong"


def home_page() -> HomePage:
    """The site's home page (created once), in English, as the default site's root."""
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:  # a transactional test flushed the tree the migrations made
            root = Page.add_root(
                instance=Page(title="Root", slug="root", locale=locale("en"))
            )
        home = root.add_child(instance=HomePage(title="Home", slug="learning-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "localhost", "port": 80},
        )
    return home


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.filter(locale__language_code="en").first()
    if index is None:
        index = home_page().add_child(
            instance=CourseIndexPage(title="Courses", slug="courses")
        )
    return index


def room_build(*, title="CBRN room") -> RoomPage:
    index = RoomIndexPage.objects.filter(locale__language_code="en").first()
    if index is None:
        index = home_page().add_child(
            instance=RoomIndexPage(title="Rooms", slug="rooms")
        )
    return index.add_child(instance=RoomPage(title=title, join_policy="invitation"))


def member_add(*, room: RoomPage, user, role=Role.PARTICIPANT) -> Membership:
    return Membership.objects.create(
        room=room, user=user, role=role, status=MembershipStatus.ACTIVE
    )


def learner(**profile) -> object:
    """A user with a complete profile (country, sector, gender...)."""
    return ProfileFactory(**profile).user


def quiz_questions() -> list[dict]:
    """Two questions: a single choice and a multiple choice (both must be right)."""
    return [
        {
            "type": "question",
            "id": "q1",
            "value": {
                "kind": "single",
                "prompt": "Which instrument covers nuclear terrorism?",
                "answers": [
                    {"text": "ICSANT", "correct": True, "feedback": "Yes: 2005."},
                    {"text": "None", "correct": False, "feedback": "There is one."},
                ],
            },
        },
        {
            "type": "question",
            "id": "q2",
            "value": {
                "kind": "multiple",
                "prompt": "Which are CBRN materials?",
                "answers": [
                    {"text": "Chemical", "correct": True, "feedback": ""},
                    {"text": "Nuclear", "correct": True, "feedback": ""},
                    {"text": "Paper", "correct": False, "feedback": "No."},
                ],
            },
        },
    ]


def quiz_answers(kind: str) -> dict[str, list[int]]:
    """Form data for `quiz_questions()`: all right (100%) or half right (50%)."""
    if kind == RIGHT:
        return {"q1": [0], "q2": [0, 1]}
    return {"q1": [0], "q2": [2]}


@dataclass
class CourseTree:
    course: CoursePage
    modules: list[ModulePage] = field(default_factory=list)
    lessons: list[LessonPage] = field(default_factory=list)
    quiz: QuizPage | None = None


def course_build(
    *,
    title: str = "CBRN legal framework",
    lessons: int = 3,
    modules: int = 1,
    optional_lessons: int = 0,
    final_quiz: bool = True,
    open_to_all: bool = True,
    rooms=(),
    opens_at=None,
    max_attempts: int = 3,
    pass_mark: int = 70,
) -> CourseTree:
    """A published course: `lessons` required lessons spread over `modules`."""
    course = course_index().add_child(
        instance=CoursePage(
            title=title,
            summary="The international legal framework against CBRN terrorism.",
            open_to_all=open_to_all,
            opens_at=opens_at,
        )
    )
    if rooms:
        course.rooms.set(rooms)
        course.save_revision().publish()
    tree = CourseTree(course=course)
    for number in range(modules):
        tree.modules.append(
            course.add_child(instance=ModulePage(title=f"Module {number + 1}"))
        )
    for number in range(lessons + optional_lessons):
        module = tree.modules[number % modules]
        tree.lessons.append(
            module.add_child(
                instance=LessonPage(
                    title=f"Lesson {number + 1}",
                    required=number < lessons,
                    body=[("text", f"<p>Lesson {number + 1} text</p>")],
                )
            )
        )
    if final_quiz:
        tree.quiz = course.add_child(
            instance=QuizPage(
                title="Final assessment",
                questions=quiz_questions(),
                pass_mark=pass_mark,
                max_attempts=max_attempts,
                is_final_assessment=True,
            )
        )
    return tree


def locale(language: str) -> Locale:
    return Locale.objects.get_or_create(language_code=language)[0]


def course_translate(tree: CourseTree, language: str) -> CourseTree:
    """Publish a translation of the whole course tree (as wagtail-localize would)."""
    target = locale(language)

    def translate(page):
        copy = page.copy_for_translation(target, copy_parents=True)
        copy.title = f"[{language}] {page.title}"
        copy.save_revision().publish()
        copy.refresh_from_db()
        return copy.specific

    course = translate(tree.course)
    for ancestor in course.get_ancestors().filter(depth__gt=1):
        if not ancestor.live:
            ancestor.specific.save_revision().publish()
    return CourseTree(
        course=course,
        modules=[translate(module) for module in tree.modules],
        lessons=[translate(lesson) for lesson in tree.lessons],
        quiz=translate(tree.quiz) if tree.quiz else None,
    )


def reviewers_only(page: Page) -> None:
    """Wagtail privacy on `page`: "these groups only", a group nobody is in."""
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Course reviewers"))
