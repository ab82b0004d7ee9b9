"""Cached course content (menus, pages, lesson text) follows every edit at once."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import LessonPage
from tests.courses.factories import course_build, learner

pytestmark = pytest.mark.django_db


def enrolled_client(client, tree):
    client.force_login(learner())
    client.post(reverse("courses:enrol", args=[tree.course.pk]))
    return client


def menu(client, page) -> str:
    """The course menu beside `page`, as the learner sees it."""
    body = client.get(page.url).content.decode()
    start = body.index('<nav class="course-nav"')
    return body[start : body.index("</nav>", start)]


def test_publishing_a_new_lesson_shows_it_in_the_menu_at_once(client):
    # given: a learner has seen the menu, and an editor drafts a lesson
    tree = course_build(lessons=2)
    enrolled_client(client, tree)
    assert "Lesson 2" in menu(client, tree.lessons[0])
    draft = tree.modules[0].add_child(
        instance=LessonPage(title="Sanctions regimes", live=False)
    )
    assert "Sanctions regimes" not in menu(client, tree.lessons[0])
    # when
    draft.save_revision().publish()
    # then
    assert "Sanctions regimes" in menu(client, tree.lessons[0])
    assert client.get(draft.url).status_code == 200


def test_unpublishing_a_lesson_hides_it_from_the_menu_at_once(client):
    # given
    tree = course_build(lessons=3)
    enrolled_client(client, tree)
    assert "Lesson 3" in menu(client, tree.lessons[0])
    # when
    tree.lessons[2].unpublish()
    # then
    assert "Lesson 3" not in menu(client, tree.lessons[0])
    assert client.get(tree.lessons[2].url).status_code == 404


def test_a_lessons_published_changes_show_at_once(client):
    # given
    tree = course_build(lessons=2)
    enrolled_client(client, tree)
    lesson = tree.lessons[0]
    assert "Lesson 1 text" in client.get(lesson.url).content.decode()
    # when
    lesson.title = "Chemical weapons convention"
    lesson.body = [("text", "<p>The 1993 convention bans them.</p>")]
    lesson.save_revision().publish()
    # then: the new text on the page and the new title in the menu of another
    assert "The 1993 convention bans them." in client.get(lesson.url).content.decode()
    assert "Chemical weapons convention" in menu(client, tree.lessons[1])


def test_learners_progress_bar_moves_at_once_after_completing_a_lesson(client):
    # given: three lessons and the final assessment, nothing done yet
    tree = course_build(lessons=3)
    enrolled_client(client, tree)
    assert "Progress: 0%" in menu(client, tree.lessons[1])
    assert "Progress: 0%" in client.get(reverse("courses:my_learning")).content.decode()
    # when
    client.post(reverse("courses:lesson_complete", args=[tree.lessons[0].pk]))
    # then
    assert "Progress: 25%" in menu(client, tree.lessons[1])
    assert (
        "Progress: 25%" in client.get(reverse("courses:my_learning")).content.decode()
    )


def test_unpublishing_a_course_removes_it_from_my_learning_at_once(client):
    # given
    tree = course_build(title="Terrorist financing", lessons=1)
    enrolled_client(client, tree)
    assert (
        "Terrorist financing"
        in client.get(reverse("courses:my_learning")).content.decode()
    )
    # when
    tree.course.unpublish()
    # then
    assert (
        "Terrorist financing"
        not in client.get(reverse("courses:my_learning")).content.decode()
    )
    assert client.get(tree.lessons[0].url).status_code == 404


def test_restricting_a_course_locks_learners_out_at_once(client):
    # given: a learner who has opened a lesson
    tree = course_build(lessons=1)
    enrolled_client(client, tree)
    assert client.get(tree.lessons[0].url).status_code == 200
    # when: an editor restricts the course to a group the learner is not in
    restriction = PageViewRestriction.objects.create(
        page=tree.course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Course reviewers"))
    # then
    response = client.get(tree.lessons[0].url)
    assert response.status_code != 200
    assert "Lesson 1 text" not in response.content.decode()
