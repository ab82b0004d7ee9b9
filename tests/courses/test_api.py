"""What rooms ask of courses (`courses.api`): live room courses, a learner's summary."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from courses.api import courses_for_room, user_learning_summary
from tests.courses.factories import (
    RIGHT,
    course_build,
    course_translate,
    learner,
    quiz_answers,
    room_build,
)

pytestmark = pytest.mark.django_db


def test_room_lists_only_its_live_courses_by_title_in_the_viewers_language():
    # given: two live courses of the room (one also in French), a draft one,
    # and a course of another room
    room = room_build()
    zebra = course_build(title="Zebra course", open_to_all=False, rooms=[room])
    alpha = course_build(title="Alpha course", open_to_all=False, rooms=[room])
    course_translate(zebra, "fr")
    draft = course_build(title="Draft course", open_to_all=False, rooms=[room])
    draft.course.unpublish()
    course_build(title="Other room course", rooms=[room_build(title="Other")])
    # when
    in_english = courses_for_room(room.pk)
    with translation.override("fr"):
        in_french = courses_for_room(room.pk)
    # then
    assert [course["title"] for course in in_english] == [
        "Alpha course",
        "Zebra course",
    ]
    assert [course["title"] for course in in_french] == [
        "Alpha course",
        "[fr] Zebra course",
    ]
    assert in_english[1]["languages"] == ["en", "fr"]
    assert in_english[0]["url"] == alpha.course.url
    assert in_english[0]["id"] == alpha.course.pk


def test_an_unknown_room_has_no_courses():
    assert courses_for_room(987654) == []


def test_learning_summary_counts_courses_and_certificates_in_the_viewers_language():
    # given: one course completed, one half done (of two lessons and a quiz)
    done = course_build(title="Done course", lessons=1)
    ongoing = course_build(title="Ongoing course", lessons=2)
    ongoing_fr = course_translate(ongoing, "fr")
    user = learner()
    client = Client()
    client.force_login(user)
    for tree in (done, ongoing):
        client.post(reverse("courses:enrol", args=[tree.course.pk]))
        client.post(reverse("courses:lesson_complete", args=[tree.lessons[0].pk]))
    answers = {f"q-{key}": value for key, value in quiz_answers(RIGHT).items()}
    client.post(done.quiz.url, answers)
    # when
    summary = user_learning_summary(user)
    with translation.override("fr"):
        summary_fr = user_learning_summary(user)
    # then
    assert summary == {
        "in_progress": 1,
        "completed": 1,
        "certificates": 1,
        "courses": [
            {"title": "Ongoing course", "url": ongoing.course.url, "percent": 33}
        ],
    }
    assert summary_fr["courses"][0]["title"] == ongoing_fr.course.title


def test_anonymous_visitor_has_an_empty_learning_summary():
    assert user_learning_summary(AnonymousUser()) == {
        "in_progress": 0,
        "completed": 0,
        "certificates": 0,
        "courses": [],
    }
