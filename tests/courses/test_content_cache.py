"""Cached course content (menus, pages, lesson text) follows every edit at once."""

import pytest
from django.urls import reverse

from courses.models import LessonPage
from tests.courses.factories import (
    course_build,
    course_translate,
    learner,
    reviewers_only,
)

pytestmark = pytest.mark.django_db


def enrolled_client(client, tree):
    client.force_login(learner())
    client.post(reverse("courses:enrol", args=[tree.course.pk]))
    return client


def opened(client, url) -> None:
    """The learner opens the page and comes back to it: its address is known."""
    for _visit in range(2):
        assert client.get(url).status_code == 200


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


@pytest.mark.parametrize("restricted", ["course index", "course", "module"])
def test_privacy_set_above_an_opened_lesson_locks_learners_out_at_once(
    client, restricted
):
    # given: a learner who has opened the lesson
    tree = course_build(lessons=1)
    enrolled_client(client, tree)
    opened(client, tree.lessons[0].url)
    page = {
        "course index": tree.course.get_parent(),
        "course": tree.course,
        "module": tree.modules[0],
    }[restricted]
    # when
    reviewers_only(page)
    # then
    response = client.get(tree.lessons[0].url)
    assert response.status_code != 200
    assert "Lesson 1 text" not in response.content.decode()


@pytest.mark.parametrize("unpublished", ["lesson", "module", "course"])
def test_an_opened_lesson_is_gone_at_once_when_it_or_its_parent_is_unpublished(
    client, unpublished
):
    # given: a learner who has opened the lesson
    tree = course_build(lessons=1)
    enrolled_client(client, tree)
    lesson = tree.lessons[0]
    opened(client, lesson.url)
    page = {"lesson": lesson, "module": tree.modules[0], "course": tree.course}
    # when
    page[unpublished].unpublish()
    # then
    assert client.get(lesson.url).status_code == 404


def test_a_renamed_course_serves_its_lessons_at_the_new_address_at_once(client):
    # given: a learner who has opened a lesson at its old address
    tree = course_build(lessons=1)
    enrolled_client(client, tree)
    old_url = tree.lessons[0].url
    opened(client, old_url)
    # when
    course = tree.course
    course.slug = "cbrn-law"
    course.save_revision().publish()
    # then
    new_url = LessonPage.objects.get(pk=tree.lessons[0].pk).url
    assert "/cbrn-law/" in new_url
    assert client.get(old_url).status_code == 404
    assert "Lesson 1 text" in client.get(new_url).content.decode()


def test_each_learner_sees_only_their_own_progress_in_the_menu(client):
    # given: two learners of one course; the first has done lesson 1
    tree = course_build(lessons=3)
    first, second = learner(), learner()
    for user in (first, second):
        client.force_login(user)
        client.post(reverse("courses:enrol", args=[tree.course.pk]))
    client.force_login(first)
    client.post(reverse("courses:lesson_complete", args=[tree.lessons[0].pk]))
    # when: each opens lesson 2
    first_menu = menu(client, tree.lessons[1])
    client.force_login(second)
    second_menu = menu(client, tree.lessons[1])
    # then: lesson 1 is ticked for the first only; lesson 2 is the current page
    assert first_menu.count('class="done"') == 1
    assert 'class="done"' in first_menu.split("Lesson 2")[0]
    assert 'class="done"' not in second_menu
    for seen in (first_menu, second_menu):
        assert seen.count('aria-current="page"') == 1
        assert f'href="{tree.lessons[1].url}" aria-current="page"' in seen


def test_each_language_version_of_a_course_keeps_its_own_menu(client):
    # given: a course in English and in French; a learner opens both
    english = course_build(lessons=2)
    french = course_translate(english, "fr")
    enrolled_client(client, english)
    english_menu = menu(client, english.lessons[0])
    # when
    french_menu = menu(client, french.lessons[0])
    # then
    assert "[fr] Lesson 2" in french_menu
    assert "[fr]" not in english_menu
    assert f'href="{french.lessons[1].url}"' in french_menu
    assert f'href="{french.course.url}"' in french_menu
