"""App configuration for the xAPI learning record store."""

from django.apps import AppConfig


class XapiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xapi"
    verbose_name = "xAPI learning record store"
