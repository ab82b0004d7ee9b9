"""Enrolment rules, progress, resume, quizzes and completion, driven through the web."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import (
    Certificate,
    CourseCompletion,
    Enrolment,
    LessonCompletion,
    QuizAttempt,
)
from learning.records.models import Event
from tests.courses.factories import (
    RIGHT,
    WRONG,
    course_build,
    learner,
    member_add,
    quiz_answers,
    reviewers_only,
    room_build,
)

pytestmark = pytest.mark.django_db


def enrol(client, course):
    return client.post(reverse("courses:enrol", args=[course.pk]))


def complete(client, lesson):
    return client.post(reverse("courses:lesson_complete", args=[lesson.pk]))


def submit_quiz(client, quiz, kind):
    data = {f"q-{key}": values for key, values in quiz_answers(kind).items()}
    return client.post(quiz.url, data)


def events(user, event_type):
    return Event.objects.filter(actor=user, event_type=event_type)


def test_learner_self_enrols_on_an_open_course_and_lands_on_the_first_lesson(client):
    # given
    tree = course_build()
    user = learner()
    client.force_login(user)
    # when
    response = enrol(client, tree.course)
    # then
    assert response.status_code == 302
    assert response.url == tree.lessons[0].url
    assert Enrolment.objects.filter(user=user).count() == 1
    assert events(user, "course_enrolled").count() == 1


def test_enrolling_twice_keeps_one_enrolment_and_one_event(client):
    # given
    tree = course_build()
    user = learner()
    client.force_login(user)
    # when
    enrol(client, tree.course)
    enrol(client, tree.course)
    # then
    assert Enrolment.objects.filter(user=user).count() == 1
    assert events(user, "course_enrolled").count() == 1


def test_room_only_course_is_hidden_from_a_non_member(client):
    # given
    room = room_build()
    tree = course_build(open_to_all=False, rooms=[room])
    outsider = learner()
    client.force_login(outsider)
    # when
    page = client.get(tree.course.url)
    enrolment = enrol(client, tree.course)
    lesson = client.get(tree.lessons[0].url)
    # then
    assert page.status_code == 404
    assert enrolment.status_code == 404
    assert lesson.status_code == 404
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_room_member_may_enrol_on_a_room_only_course(client):
    # given
    room = room_build()
    tree = course_build(open_to_all=False, rooms=[room])
    member = learner()
    member_add(room=room, user=member)
    client.force_login(member)
    # when
    response = enrol(client, tree.course)
    # then
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=member).exists()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    tree = course_build()
    response = client.get(tree.course.url)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_announced_course_refuses_enrolment_until_it_opens(client):
    # given
    tree = course_build(opens_at=timezone.now() + timedelta(days=7))
    user = learner()
    client.force_login(user)
    # when
    page = client.get(tree.course.url)
    enrol(client, tree.course)
    # then
    assert "opens for enrolment on" in page.content.decode()
    assert not Enrolment.objects.filter(user=user).exists()


def test_lessons_need_an_enrolment(client):
    tree = course_build()
    client.force_login(learner())
    response = client.get(tree.lessons[0].url)
    assert response.status_code == 302
    assert response.url == tree.course.url


@pytest.mark.parametrize("restricted", ["course index", "course", "module"])
def test_wagtail_privacy_set_above_a_lesson_still_keeps_learners_out(
    client, restricted
):
    # given: an enrolled learner, then a "these groups only" privacy setting
    tree = course_build()
    client.force_login(learner())
    enrol(client, tree.course)
    page = {
        "course index": tree.course.get_parent(),
        "course": tree.course,
        "module": tree.modules[0],
    }[restricted]
    reviewers_only(page)
    # when
    response = client.get(tree.lessons[0].url)
    # then
    assert response.status_code != 200
    assert "Lesson 1 text" not in response.content.decode()


def test_unpublished_lesson_is_never_shown_or_required(client):
    # given
    tree = course_build(lessons=2, final_quiz=False)
    draft = tree.lessons[1]
    draft.unpublish()
    user = learner()
    client.force_login(user)
    enrol(client, tree.course)
    # when
    outline = client.get(tree.course.url).content.decode()
    response = client.get(draft.url or f"{tree.modules[0].url}{draft.slug}/")
    complete(client, tree.lessons[0])
    # then
    assert "Lesson 2" not in outline
    assert response.status_code == 404
    assert CourseCompletion.objects.filter(user=user).count() == 1


def test_progress_bar_and_resume_follow_the_learner(client):
    # given
    tree = course_build(lessons=4)
    user = learner()
    client.force_login(user)
    enrol(client, tree.course)
    # when
    complete(client, tree.lessons[0])
    client.get(tree.lessons[2].url)
    page = client.get(tree.course.url).content.decode()
    # then: 1 of 4 lessons + 1 final quiz = 20 %
    assert 'value="20"' in page
    assert "Resume where you left off" in page
    assert f'href="{tree.lessons[2].url}"' in page.split("Resume")[0][-300:]


def test_optional_lessons_do_not_gate_completion(client):
    # given
    tree = course_build(lessons=1, optional_lessons=1, final_quiz=False)
    user = learner()
    client.force_login(user)
    enrol(client, tree.course)
    # when
    complete(client, tree.lessons[0])
    # then
    assert CourseCompletion.objects.filter(user=user).count() == 1


def test_quiz_is_scored_with_feedback_per_answer(client):
    # given
    tree = course_build(lessons=0)
    user = learner()
    client.force_login(user)
    enrol(client, tree.course)
    # when
    response = submit_quiz(client, tree.quiz, WRONG)
    # then
    body = response.content.decode()
    attempt = QuizAttempt.objects.get(user=user)
    assert (attempt.score, attempt.passed) == (50, False)
    assert "Your score: 50%" in body
    assert "Yes: 2005." in body  # feedback of the chosen right answer
    assert "Paper: No." in body  # feedback of the chosen wrong answer


def test_attempt_limit_is_enforced(client):
    # given
    tree = course_build(lessons=0, max_attempts=2)
    user = learner()
    client.force_login(user)
    enrol(client, tree.course)
    # when
    submit_quiz(client, tree.quiz, WRONG)
    submit_quiz(client, tree.quiz, WRONG)
    third = submit_quiz(client, tree.quiz, RIGHT)
    # then
    assert QuizAttempt.objects.filter(user=user).count() == 2
    assert not CourseCompletion.objects.filter(user=user).exists()
    assert third.status_code == 302
    assert events(user, "quiz_attempted").count() == 2
    assert not events(user, "quiz_passed").exists()


def test_final_assessment_gates_completion(client):
    # given
    tree = course_build(lessons=2)
    user = learner()
    client.force_login(user)
    enrol(client, tree.course)
    for lesson in tree.lessons:
        complete(client, lesson)
    assert not CourseCompletion.objects.filter(user=user).exists()
    # when
    submit_quiz(client, tree.quiz, WRONG)
    failed_then = CourseCompletion.objects.filter(user=user).exists()
    submit_quiz(client, tree.quiz, RIGHT)
    # then
    assert failed_then is False
    assert CourseCompletion.objects.filter(user=user).count() == 1
    assert events(user, "quiz_passed").count() == 1
    assert events(user, "course_completed").count() == 1
    assert events(user, "certificate_issued").count() == 1
    assert events(user, "lesson_completed").count() == 2


def test_completing_a_lesson_twice_counts_once(client):
    tree = course_build(lessons=2)
    user = learner()
    client.force_login(user)
    enrol(client, tree.course)
    complete(client, tree.lessons[0])
    complete(client, tree.lessons[0])
    assert LessonCompletion.objects.filter(user=user).count() == 1
    assert events(user, "lesson_completed").count() == 1


def test_dashboard_lists_in_progress_and_completed_courses(client):
    # given
    done = course_build(title="Done course", lessons=1, final_quiz=False)
    ongoing = course_build(title="Ongoing course", lessons=2, final_quiz=False)
    user = learner()
    client.force_login(user)
    enrol(client, done.course)
    enrol(client, ongoing.course)
    complete(client, done.lessons[0])
    complete(client, ongoing.lessons[0])
    # when
    page = client.get(reverse("courses:my_learning")).content.decode()
    # then
    in_progress, completed = page.split('id="completed"')
    certificate = Certificate.objects.get(completion__user=user)
    assert "Ongoing course" in in_progress and 'value="50"' in in_progress
    assert "Done course" in completed and certificate.code in completed


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_completions_make_one_completion_and_one_certificate():
    # given: every requirement met, the completion itself not yet made
    tree = course_build(lessons=1, final_quiz=False)
    user = learner()
    services.enrolment_create(user=user, course=tree.course)
    LessonCompletion.objects.create(
        user=user,
        course_key=tree.course.translation_key,
        lesson_key=tree.lessons[0].translation_key,
        language="en",
    )
    barrier = threading.Barrier(2)
    errors = []

    def finish():
        try:
            barrier.wait(timeout=10)
            services.course_completion_try(user=user, course=tree.course)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then
    assert errors == []
    assert CourseCompletion.objects.filter(user=user).count() == 1
    assert Certificate.objects.filter(completion__user=user).count() == 1
    assert events(user, "course_completed").count() == 1
