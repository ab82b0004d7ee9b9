"""Course views: the gate around course pages, enrolment, progress, certificates."""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import selectors, services
from courses.certificates import certificate_pdf
from courses.forms import BulkEnrolmentForm
from courses.models import Certificate, CoursePage, LessonPage, QuizPage
from learning.accounts.gates import profile_gate, profile_required


def course_page_serve(course: CoursePage, request, serve):
    """A course page: signed-in practitioners who may access it; others get a 404."""
    gate = profile_gate(request)
    if gate:
        return gate
    if not selectors.user_can_access_course(user=request.user, course=course):
        raise Http404
    return serve(request)


def course_child_serve(page, request, serve, *args, **kwargs):
    """Modules, lessons and quizzes: enrolled learners of an open, live course only.

    The course and the learner's records loaded here are kept on the page for
    its context: one query each per request.
    """
    gate = profile_gate(request)
    if gate:
        return gate
    course = selectors.course_of(page)
    if course is None or not selectors.user_can_access_course(
        user=request.user, course=course
    ):
        raise Http404
    records = selectors.learner_records(
        user=request.user, course_key=course.translation_key
    )
    if not records.enrolled or not selectors.course_is_open(course=course):
        messages.info(request, _("Enrol on the course to open its lessons."))
        return redirect(course.url)
    if request.method == "GET" and not isinstance(page, CoursePage):
        services.enrolment_resume_point_set(
            enrolment_id=records.enrolment_id,
            current_key=records.last_lesson_key,
            page=page,
        )
        records.last_lesson_key = page.translation_key
    page._course = course
    page._learner_records = records
    return serve(request, *args, **kwargs)


@require_POST
@profile_required
def course_enrol_view(request, page_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    if not selectors.user_can_access_course(user=request.user, course=course):
        raise Http404
    try:
        _enrolment, created = services.enrolment_create(
            user=request.user, course=course
        )
    except services.CourseError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    if created:
        messages.success(request, _("You are enrolled. Welcome to the course."))
    outline = selectors.course_outline(course=course)
    return redirect(outline.items[0].url if outline.items else course.url)


@require_POST
@profile_required
def lesson_complete_view(request, page_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=page_id)
    course = selectors.course_of(lesson)
    if course is None or not selectors.user_can_access_course(
        user=request.user, course=course
    ):
        raise Http404
    try:
        services.lesson_completion_submit(user=request.user, lesson=lesson)
    except services.CourseError as error:
        messages.error(request, str(error))
        return redirect(lesson.url)
    context = selectors.course_child_context(page=lesson, user=request.user)
    next_item = context.get("next_item")
    if context.get("progress") and context["progress"].completed:
        messages.success(request, _("Course completed. Your certificate is ready."))
        return redirect(course.url)
    return redirect(next_item.url if next_item else course.url)


def quiz_submit_view(request, quiz: QuizPage):
    """Grade the posted answers, then show the quiz again with the feedback."""
    answers: dict[str, list[int]] = {}
    for name, values in request.POST.lists():
        if name.startswith("q-"):
            try:
                answers[name[2:]] = [int(value) for value in values]
            except ValueError:
                messages.error(request, _("An answer was not one of the choices."))
                return redirect(quiz.url)
    try:
        attempt = services.quiz_attempt_submit(
            user=request.user, quiz=quiz, answers=answers
        )
    except services.CourseError as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    quiz._learner_records = None  # the attempt changed them: read them again
    context = quiz.get_context(request)
    context["attempt"] = attempt
    context["feedback"] = selectors.quiz_feedback(quiz=quiz, attempt=attempt)
    return TemplateResponse(request, quiz.get_template(request), context)


@profile_required
def my_learning_view(request):
    context = selectors.my_learning(user=request.user)
    return TemplateResponse(request, "courses/my_learning.html", context)


@profile_required
def certificate_pdf_view(request, code: str):
    """The learner's own certificate; anyone else's code is a 404."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("completion"),
        code=code,
        completion__user_id=request.user.pk,
    )
    response = HttpResponse(
        certificate_pdf(certificate), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    return response


def certificate_verify_view(request):
    """Public: says whether a code is genuine, and nothing else."""
    code = request.GET.get("code", "").strip()[:40]
    valid = services.certificate_verify(code=code) if code else None
    return TemplateResponse(
        request, "courses/certificate_verify.html", {"code": code, "valid": valid}
    )


def _learners_course(request, page_id: int) -> CoursePage:
    """The live course whose learners the user manages; a 404 for anyone else."""
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    if not selectors.user_can_manage_course_learners(user=request.user, course=course):
        raise Http404
    return course


def _enrolment_import(request, page_id: int, import_id: int, **options):
    course = _learners_course(request, page_id)
    enrolment_import = selectors.enrolment_import_of(
        course=course, import_id=import_id, **options
    )
    if enrolment_import is None:
        raise Http404
    return course, enrolment_import


@profile_required
def course_learners_view(request, page_id: int):
    """Trainers enrol learners by e-mail, one or many (CSV), in the background."""
    course = _learners_course(request, page_id)
    form = BulkEnrolmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_import = services.enrolment_import_create(
                course=course,
                csv_text=form.csv_text(),
                requested_by=request.user,
                source=form.source(),
            )
        except services.CourseError as error:
            form.add_error(None, str(error))
        else:
            return redirect(
                "courses:enrolment_import",
                page_id=course.pk,
                import_id=enrolment_import.pk,
            )
    return TemplateResponse(
        request, "courses/course_learners.html", {"course": course, "form": form}
    )


@profile_required
def enrolment_import_view(request, page_id: int, import_id: int):
    """An import's progress, then its report: the rows not enrolled and why."""
    course, enrolment_import = _enrolment_import(
        request, page_id, import_id, with_report=True
    )
    results = enrolment_import.results if enrolment_import.finished else []
    return TemplateResponse(
        request,
        "courses/enrolment_import.html",
        {
            "course": course,
            "enrolment_import": enrolment_import,
            "progress": selectors.enrolment_import_progress(
                enrolment_import=enrolment_import
            ),
            "failed": [row for row in results if not row["enrolled"]],
        },
    )


@profile_required
def enrolment_import_progress_view(request, page_id: int, import_id: int):
    """The progress an import's status page polls, as JSON."""
    _course, enrolment_import = _enrolment_import(request, page_id, import_id)
    response = JsonResponse(
        selectors.enrolment_import_progress(enrolment_import=enrolment_import)
    )
    response["Cache-Control"] = "private, no-store"
    return response


@profile_required
def enrolment_import_report_view(request, page_id: int, import_id: int):
    """An import's report, one line per row of the file, as CSV."""
    _course, enrolment_import = _enrolment_import(
        request, page_id, import_id, with_report=True
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="enrolment-import-{enrolment_import.pk}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["row", "email", "enrolled", "reason"])
    for row in enrolment_import.results:
        writer.writerow(
            [
                row["line"],
                csv_cell(row["email"]),
                "yes" if row["enrolled"] else "no",
                row["reason"],
            ]
        )
    return response


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: the file's own text may look like a
    formula (=, +, -, @), which a spreadsheet would otherwise run."""
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
