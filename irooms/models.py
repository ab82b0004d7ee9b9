"""Rooms as Wagtail pages under a rooms index."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from learning.accounts.gates import profile_gate


class JoinPolicy(models.TextChoices):
    INVITATION = "invitation", _("Invitation only")
    REQUEST = "request", _("Request and approval")
    OPEN = "open", _("Open to any signed-in practitioner")


class RoomIndexPage(Page):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["irooms.RoomPage"]
    max_count = 1

    class Meta:
        verbose_name = _("rooms index")


class RoomPage(Page):
    """A secure room: only signed-in users with a complete profile get past the door."""

    summary = models.TextField(_("summary"), blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    join_policy = models.CharField(
        _("join policy"),
        max_length=20,
        choices=JoinPolicy.choices,
        default=JoinPolicy.INVITATION,
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("summary"), FieldPanel("topic"), FieldPanel("region")],
            heading=_("About the room"),
        ),
        MultiFieldPanel([FieldPanel("join_policy")], heading=_("Access")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["irooms.RoomIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("room")

    def serve(self, request, *args, **kwargs):
        return profile_gate(request) or super().serve(request, *args, **kwargs)
