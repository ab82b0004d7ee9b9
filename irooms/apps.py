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

        from courses.api import route_cache_register
        from irooms.models import RoomPage

        # A room's route depends only on the live pages; room_page_serve checks
        # the visitor on every request.
        route_cache_register(RoomPage)
