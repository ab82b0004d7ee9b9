"""Staff see learners per course in the admin; editors preview what learners can't."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from courses.models import LessonPage
from tests.courses.factories import (
    RIGHT,
    WRONG,
    course_build,
    learner,
    quiz_answers,
    quiz_questions,
)
from tests.factories import ProfileFactory, UserFactory, totp_activate

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def editor():
    """Staff with every Wagtail permission and a second factor, as staff must have."""
    user = UserFactory(staff=True, is_superuser=True)
    totp_activate(user)
    return user


def admin_user_without_staff():
    """May open the Wagtail admin (an editor elsewhere) but is not staff."""
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return user


def finish(client, tree, *, passing: bool) -> None:
    client.post(reverse("courses:enrol", args=[tree.course.pk]))
    for lesson in tree.lessons:
        client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    answers = quiz_answers(RIGHT if passing else WRONG)
    client.post(tree.quiz.url, {f"q-{key}": value for key, value in answers.items()})


def course_with_two_learners():
    tree = course_build(lessons=1)
    done, started = learner(), learner()
    finish(signed_in(done), tree, passing=True)
    finish(signed_in(started), tree, passing=False)
    return tree, done, started


def report_url() -> str:
    return reverse("courses_learners_report")


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [("completed", "done", "started"), ("in_progress", "started", "done")],
)
def test_staff_see_learners_of_a_course_filtered_by_status(status, shown, hidden):
    # given
    tree, done, started = course_with_two_learners()
    other = course_build(title="Another course", lessons=1)
    outsider = learner()
    signed_in(outsider).post(reverse("courses:enrol", args=[other.course.pk]))
    learners = {"done": done, "started": started}
    # when
    response = signed_in(editor()).get(
        report_url(), {"course": str(tree.course.translation_key), "status": status}
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert learners[shown].email in body
    assert learners[hidden].email not in body
    assert outsider.email not in body


def test_report_exports_every_enrolment_of_a_course_as_csv():
    # given
    tree, done, started = course_with_two_learners()
    # when
    response = signed_in(editor()).get(
        report_url(), {"course": str(tree.course.translation_key), "export": "csv"}
    )
    # then
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 3  # heading and two learners
    assert sum(done.email in line for line in lines) == 1
    assert sum(started.email in line for line in lines) == 1


@pytest.mark.parametrize("who", ["learner", "admin user who is not staff"])
def test_learners_report_is_closed_to_anyone_but_staff(who):
    # given
    tree, done, _started = course_with_two_learners()
    user = learner() if who == "learner" else admin_user_without_staff()
    # when
    response = signed_in(user).get(report_url())
    # then
    assert response.status_code in {302, 403}
    assert done.email not in response.content.decode()


def test_course_edit_page_links_to_its_learners_report():
    # given
    tree = course_build(lessons=1)
    # when
    response = signed_in(editor()).get(
        reverse("wagtailadmin_pages:edit", args=[tree.course.pk])
    )
    # then
    assert response.status_code == 200
    assert (
        f"{report_url()}?course={tree.course.translation_key}"
        in response.content.decode()
    )


def test_editor_previews_an_unpublished_lesson_that_learners_never_see():
    # given: a draft lesson in a published course, and an enrolled learner
    tree = course_build(lessons=1)
    draft = tree.modules[0].add_child(
        instance=LessonPage(
            title="Draft lesson",
            live=False,
            body=[("text", "<p>Not yet reviewed</p>")],
        )
    )
    draft.save_revision()
    student = signed_in(learner())
    student.post(reverse("courses:enrol", args=[tree.course.pk]))
    # when
    preview = signed_in(editor()).get(
        reverse("wagtailadmin_pages:view_draft", args=[draft.pk])
    )
    # then: the editor sees it rendered in the course, without the learner's button
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Not yet reviewed" in body
    assert tree.course.title in body
    assert "Mark as complete" not in body
    # and the learner can neither open nor find it
    assert student.get(f"{tree.modules[0].url}{draft.slug}/").status_code == 404
    assert "Draft lesson" not in student.get(tree.course.url).content.decode()


def test_editor_previews_a_quiz_draft_with_its_new_questions():
    # given: a published quiz whose draft rewords a question
    tree = course_build(lessons=1)
    quiz = tree.quiz
    questions = quiz_questions()
    questions[0]["value"]["prompt"] = "Reworded question, not yet published"
    quiz.questions = questions
    quiz.save_revision()
    student = signed_in(learner())
    student.post(reverse("courses:enrol", args=[tree.course.pk]))
    # when
    preview = signed_in(editor()).get(
        reverse("wagtailadmin_pages:view_draft", args=[quiz.pk])
    )
    # then: the editor sees the draft's question, with no way to submit
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Reworded question, not yet published" in body
    assert "Submit answers" not in body
    # and the learner still gets the published question
    published = student.get(quiz.url).content.decode()
    assert "Which instrument covers nuclear terrorism?" in published
    assert "Reworded question" not in published


def test_learners_get_no_editing_bar_and_editors_do():
    # given: an enrolled learner and an editor with a profile, on the same course
    tree = course_build(lessons=1)
    student = signed_in(learner())
    student.post(reverse("courses:enrol", args=[tree.course.pk]))
    staff = editor()
    ProfileFactory(user=staff)
    # when
    learner_pages = [student.get(tree.course.url), student.get(tree.lessons[0].url)]
    editor_page = signed_in(staff).get(tree.course.url)
    # then
    for response in learner_pages:
        assert response.status_code == 200
        assert "wagtail-userbar" not in response.content.decode()
    assert "wagtail-userbar" in editor_page.content.decode()
