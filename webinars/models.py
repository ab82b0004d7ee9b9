"""Webinar series and webinars as Wagtail pages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index


class WebinarIndexPage(Page):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["webinars.WebinarSeriesPage"]
    max_count = 1

    class Meta:
        verbose_name = _("webinars index")


class WebinarSeriesPage(Page):
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("theme"), FieldPanel("description")], heading=_("Series")
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    parent_page_types = ["webinars.WebinarIndexPage"]
    subpage_types = ["webinars.WebinarPage"]

    class Meta:
        verbose_name = _("webinar series")


class WebinarPage(Page):
    description = models.TextField(_("description"), blank=True)
    delivery_language = models.CharField(
        _("language of delivery"), max_length=10, choices=settings.LANGUAGES
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("description"),
                FieldPanel("delivery_language"),
                FieldPanel("starts_at"),
                FieldPanel("duration_minutes"),
            ],
            heading=_("Webinar"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    parent_page_types = ["webinars.WebinarSeriesPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("webinar")
