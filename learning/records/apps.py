"""App configuration for learning records, roll-ups and training reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "learning.records"
    label = "records"
    verbose_name = _("Learning records and reports")
