"""The SCORM app's configuration."""

from django.apps import AppConfig


class ScormConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scorm"
    verbose_name = "SCORM"
