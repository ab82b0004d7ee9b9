"""Wagtail admin: links from a webinar page to its attendance and recordings."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from webinars import services
from webinars.models import WebinarPage


@hooks.register("register_page_header_buttons")
def webinar_header_buttons(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred, WebinarPage):
        return
    yield Button(
        _("Attendance"),
        url=reverse("webinars:attendance", args=[page.pk]),
        icon_name="group",
        priority=80,
    )
    yield Button(
        _("Recordings"),
        url=reverse("webinars:recording_upload_page", args=[page.pk]),
        icon_name="media",
        priority=81,
    )


@hooks.register("after_publish_page")
def webinar_published(request, page):
    # More seats published: the people waiting get them.
    if isinstance(page.specific_deferred, WebinarPage):
        services.waiting_list_promote(webinar=page.specific)
