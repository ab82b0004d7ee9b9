"""Course activity driven through the web appears exactly in the training report."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.courses.factories import RIGHT, course_build, course_translate, quiz_answers
from tests.factories import ProfileFactory
from tests.records.tracking import report_today, settle

pytestmark = pytest.mark.django_db


def learner_client(**profile):
    user = ProfileFactory(**profile).user
    client = Client()
    client.force_login(user)
    return user, client


def finish(client, tree):
    """Enrol, complete every lesson and pass the final quiz of one language version."""
    client.post(reverse("courses:enrol", args=[tree.course.pk]))
    for lesson in tree.lessons:
        client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    data = {f"q-{key}": values for key, values in quiz_answers(RIGHT).items()}
    client.post(tree.quiz.url, data)


def test_enrolments_and_completions_appear_exactly_per_course_and_profile():
    # given an English course with a French version, and a second course
    cbrn = course_build(title="CBRN", lessons=2)
    cbrn_fr = course_translate(cbrn, "fr")
    other = course_build(title="Financing", lessons=1)
    key = str(cbrn.course.translation_key)
    # a Kenyan woman in law enforcement finishes in English, then again in French
    _, amina = learner_client(country="KE", gender="female", sector="law-enforcement")
    finish(amina, cbrn)
    finish(amina, cbrn_fr)
    # a Mexican man in prosecution finishes in French
    _, jose = learner_client(country="MX", gender="male", sector="prosecution")
    finish(jose, cbrn_fr)
    # a third learner only enrols on the other course
    _, lena = learner_client(country="DE", gender="female", sector="judiciary")
    lena.post(reverse("courses:enrol", args=[other.course.pk]))
    # when
    settle()
    report = report_today()
    by_course = report_today(course=key)
    # then
    completions = report["completions"]
    assert completions["total"] == 2
    assert completions["by_course"] == {key: 2}
    assert completions["by_country"] == {"KE": 1, "MX": 1}
    assert completions["by_language"] == {"en": 1, "fr": 1}
    assert completions["by_gender"] == {"female": 1, "male": 1}
    assert completions["by_sector"] == {"law-enforcement": 1, "prosecution": 1}
    assert report["enrolments"] == {"total": 3, "learners": 3}
    assert by_course["enrolments"]["total"] == 2
    assert by_course["completions"]["total"] == 2
