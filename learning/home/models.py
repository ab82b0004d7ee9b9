"""The home page: what the platform offers, and where a signed-in user goes next."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    introduction = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("introduction"), FieldPanel("body")], heading=_("Welcome")
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "irooms.RoomIndexPage",
        "courses.CourseIndexPage",
        "webinars.WebinarIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
