"""Courses as Wagtail pages under a course catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index


class CourseIndexPage(Page):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")


class CoursePage(Page):
    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"), null=True, blank=True
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("summary"), FieldPanel("estimated_minutes")],
            heading=_("About the course"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("course")
