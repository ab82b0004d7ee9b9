"""Lesson, quiz, course and dashboard pages: at most 20 queries, flat with the data."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrolment, LessonCompletion
from tests.courses.factories import course_build, learner

pytestmark = pytest.mark.django_db


def crowd_enrol(*, course, count: int) -> None:
    """`count` other learners enrolled, each with a completed lesson."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(
            username=f"crowd-{course.pk}-{n}",
            email=f"crowd-{course.pk}-{n}@example.org",
        )
        for n in range(count)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            course_key=course.translation_key,
            language="en",
            source="bulk",
            course=course,
        )
        for user in users
    )


MAX_QUERIES = 20  # the platform's budget for a key page


def measured(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def scenario(client, *, lessons: int, crowd: int, courses: int) -> dict[str, int]:
    """One learner half-way through the first of `courses` courses (and the others),
    among `crowd` other learners; the query count of each of the course's pages."""
    trees = [
        course_build(title=f"Course {n}", lessons=lessons, modules=3)
        for n in range(courses)
    ]
    crowd_enrol(course=trees[0].course, count=crowd)
    user = learner()
    client.force_login(user)
    for tree in trees:
        client.post(reverse("courses:enrol", args=[tree.course.pk]))
        for lesson in tree.lessons[: lessons // 2]:
            LessonCompletion.objects.create(
                user=user,
                course_key=tree.course.translation_key,
                lesson_key=lesson.translation_key,
                language="en",
            )
    urls = {
        "lesson": trees[0].lessons[lessons // 2].url,
        "quiz": trees[0].quiz.url,
        "course": trees[0].course.url,
        "my learning": reverse("courses:my_learning"),
    }
    for url in urls.values():
        client.get(url)  # warm per-process caches (site root paths, content types)
    return {name: measured(client, url) for name, url in urls.items()}


def test_course_pages_answer_within_budget_whatever_the_lessons_or_learners(client):
    # given / when: 3 lessons and 10 learners, then 30 lessons and 1,000 learners
    small = scenario(client, lessons=3, crowd=10, courses=1)
    large = scenario(client, lessons=30, crowd=1000, courses=3)
    # then
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large
