"""App configuration for iRooms."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IroomsConfig(AppConfig):
    name = "irooms"
    verbose_name = _("iRooms")

    def ready(self):
        from irooms import signals

        signals.connect()

        from irooms.api import resource_tracking_access
        from learning.records.api import tracking_access_register

        tracking_access_register("irooms.resource", resource_tracking_access)
