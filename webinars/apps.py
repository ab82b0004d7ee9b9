"""App configuration for webinars."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebinarsConfig(AppConfig):
    name = "webinars"
    verbose_name = _("Webinars")

    def ready(self):
        from learning.records.api import tracking_access_register
        from webinars.api import recording_tracking_access

        tracking_access_register("webinars.recording", recording_tracking_access)
