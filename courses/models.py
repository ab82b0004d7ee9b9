"""Courses as Wagtail pages (course, module, lesson, quiz) and the learner's records.

Every learner record is keyed by the page's `translation_key`, not by its id: the
French and Arabic versions of a course are one course for enrolment, progress,
completion and reports.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from courses.blocks import LessonBodyBlock, QuizQuestionsBlock


class ViewRestrictionsInOneQueryMixin:
    """Wagtail's view-restriction check in one query instead of two, or none.

    Same answer as `Page.get_view_restrictions`: restrictions on this page, on its
    ancestors and on the pages those are aliases of; the ancestors are known from
    the tree path, so they need no query of their own. When no page on that path
    is restricted (the cached set of restricted paths says so), there is nothing
    to ask the database.
    """

    def get_view_restrictions(self):
        from courses.selectors import restricted_page_paths

        paths = [
            self.path[:end]
            for end in range(self.steplen, len(self.path) + 1, self.steplen)
        ]
        if restricted_page_paths().isdisjoint(paths):
            return PageViewRestriction.objects.none()
        alias_sources = Page.objects.filter(
            path__in=paths, alias_of__isnull=False
        ).values("alias_of_id")
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths) | Q(page_id__in=alias_sources)
        )


class CourseIndexPage(Page):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        """Find the course by its slug in the cache (a query only after an edit).

        Wagtail asks for the child, then for its specific page; a course that is
        not live is a 404 either way.
        """
        if not path_components:
            return super().route(request, path_components)
        from courses.selectors import live_course_by_slug

        course = live_course_by_slug(index_page=self, slug=path_components[0])
        if course is None:
            raise Http404
        return course.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalogue_courses

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = catalogue_courses(index_page=self, user=request.user)
        return context


class CoursePage(ViewRestrictionsInOneQueryMixin, Page):
    """A course: announced when published, open for enrolment from `opens_at`."""

    summary = models.TextField(_("summary"), blank=True)
    objectives = RichTextField(
        _("learning objectives"), blank=True, features=["bold", "italic", "ul", "ol"]
    )
    audience = models.TextField(_("audience"), blank=True)
    prerequisites = RichTextField(
        _("prerequisites"), blank=True, features=["bold", "italic", "link", "ul"]
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"), null=True, blank=True
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    open_to_all = models.BooleanField(
        _("open to every signed-in practitioner"),
        default=False,
        help_text=_("Otherwise only members of the rooms below may enrol."),
    )
    rooms = ParentalManyToManyField(
        "irooms.RoomPage",
        verbose_name=_("rooms"),
        blank=True,
        related_name="courses",
    )
    opens_at = models.DateTimeField(
        _("opens for enrolment at"),
        null=True,
        blank=True,
        help_text=_(
            "Publish the page to announce the course; learners may enrol from this "
            "date. Empty: open as soon as it is published."
        ),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("summary"),
                FieldPanel("objectives"),
                FieldPanel("audience"),
                FieldPanel("prerequisites"),
                FieldPanel("estimated_minutes"),
                FieldPanel("cover_image"),
            ],
            heading=_("About the course"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("open_to_all"),
                FieldPanel("rooms", widget=forms.CheckboxSelectMultiple),
                FieldPanel("opens_at"),
            ],
            heading=_("Access and schedule"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.SearchField("audience"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("course")

    @property
    def course_key(self):
        return self.translation_key

    def route(self, request, path_components):
        """Find a module, lesson or quiz of this course in two queries.

        Wagtail walks the tree one level at a time (two queries a level); the
        course's live outline is loaded in one query anyway, so the page is looked
        up in it by URL path, then fetched with its own fields. Anything the
        outline does not show (a draft, a page under a draft module) is a 404, as
        Wagtail's own routing would answer.
        """
        if not path_components:
            return super().route(request, path_components)
        from courses.selectors import course_outline_item_for_path

        page = course_outline_item_for_path(
            course=self, url_path=self.url_path + "/".join(path_components) + "/"
        )
        if page is None:
            raise Http404
        return page.route(request, [])

    def serve(self, request, *args, **kwargs):
        from courses.views import course_page_serve

        return course_page_serve(self, request, super().serve)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(course=self, user=request.user))
        return context


class ModulePage(ViewRestrictionsInOneQueryMixin, Page):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = [
        "courses.LessonPage",
        "courses.QuizPage",
        "scorm.ScormLessonPage",
    ]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        from courses.views import course_child_serve

        return course_child_serve(self, request, super().serve, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_child_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_child_context(page=self, user=request.user))
        return context


class LessonPage(ViewRestrictionsInOneQueryMixin, Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("Optional lessons are offered but do not gate completion."),
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"), null=True, blank=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("required"), FieldPanel("estimated_minutes")],
            heading=_("Completion"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        from courses.views import course_child_serve

        return course_child_serve(self, request, super().serve, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_child_context, lesson_body_html

        context = super().get_context(request, *args, **kwargs)
        context.update(course_child_context(page=self, user=request.user))
        context["body_html"] = lesson_body_html(
            lesson=self,
            context=context,
            cached=not getattr(request, "is_preview", False),  # a draft: as it is
        )
        return context


class QuizPage(ViewRestrictionsInOneQueryMixin, Page):
    """A graded quiz; the course's final assessment gates completion."""

    introduction = models.TextField(_("introduction"), blank=True)
    questions = StreamField(QuizQuestionsBlock(), verbose_name=_("questions"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        help_text=_("The score in per cent a learner needs to pass."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=3,
        help_text=_("0 means unlimited attempts."),
    )
    is_final_assessment = models.BooleanField(
        _("final assessment"),
        default=False,
        help_text=_("Learners must pass it to complete the course."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("is_final_assessment"),
            ],
            heading=_("Grading"),
        ),
    ]
    parent_page_types = ["courses.CoursePage", "courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("quiz")

    def serve(self, request, *args, **kwargs):
        from courses.views import course_child_serve, quiz_submit_view

        if request.method == "POST" and not getattr(request, "is_preview", False):
            return course_child_serve(
                self, request, lambda req: quiz_submit_view(req, self)
            )
        return course_child_serve(self, request, super().serve, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_child_context, quiz_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_child_context(page=self, user=request.user))
        context.update(quiz_context(quiz=self, user=request.user))
        return context


# --- Learner records -------------------------------------------------------------


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolment")
    TRAINER = "trainer", _("Enrolled by a trainer")
    BULK = "bulk", _("Bulk enrolment")


class Enrolment(models.Model):
    """One per learner and course (all its languages)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course_key = models.UUIDField(_("course key"))
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course version enrolled through"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10)
    source = models.CharField(
        _("source"), max_length=10, choices=EnrolmentSource.choices
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_lesson_key = models.UUIDField(_("last lesson visited"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"], name="courses_one_enrolment_per_course"
            )
        ]
        indexes = [
            models.Index(fields=["course_key", "created_at"]),
            models.Index(fields=["user", "-last_activity_at"]),
        ]

    def __str__(self):
        return f"{self.user_id} enrolled on {self.course_key}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    course_key = models.UUIDField()
    lesson_key = models.UUIDField()
    language = models.CharField(max_length=10)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson_key"], name="courses_one_completion_per_lesson"
            )
        ]
        indexes = [models.Index(fields=["user", "course_key"])]

    def __str__(self):
        return f"{self.user_id} completed lesson {self.lesson_key}"


class QuizAttempt(models.Model):
    """A submitted attempt; `number` makes the attempt limit race-safe."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    course_key = models.UUIDField()
    quiz_key = models.UUIDField()
    number = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(help_text=_("per cent"))
    passed = models.BooleanField()
    answers = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz_key", "number"],
                name="courses_attempt_number_unique",
            )
        ]
        indexes = [models.Index(fields=["user", "course_key"])]
        ordering = ["number"]

    def __str__(self):
        return f"{self.user_id} attempt {self.number} at {self.quiz_key}"


class CourseCompletion(models.Model):
    """Completed exactly once per learner and course, whatever the language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course_key = models.UUIDField()
    course = models.ForeignKey(
        CoursePage, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"], name="courses_one_completion_per_course"
            )
        ]
        indexes = [models.Index(fields=["course_key", "completed_at"])]

    def __str__(self):
        return f"{self.user_id} completed {self.course_key}"


class Certificate(models.Model):
    """What the PDF shows, frozen at issue; the code is all the public may check."""

    completion = models.OneToOneField(
        CourseCompletion, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    language = models.CharField(max_length=10)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")

    def __str__(self):
        return self.code


class EnrolmentImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class EnrolmentImport(models.Model):
    """A trainer's bulk enrolment, enrolled in the background chunk by chunk.

    `rows` are the file's (line, e-mail) pairs, checked when it was sent; `processed`
    of them are done and reported in `results`, so a re-run resumes after them.
    """

    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolment_imports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=EnrolmentSource.choices
    )
    # The reasons in the report are written in the language the trainer used.
    language = models.CharField(_("language"), max_length=10)
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentImportStatus.choices,
        default=EnrolmentImportStatus.QUEUED,
    )
    total = models.PositiveIntegerField(_("rows to enrol"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    enrolled_count = models.PositiveIntegerField(_("learners enrolled"), default=0)
    results = models.JSONField(_("results per row"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment import")

    def __str__(self):
        return f"Enrolment import {self.pk} on {self.course_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {EnrolmentImportStatus.DONE, EnrolmentImportStatus.FAILED}
