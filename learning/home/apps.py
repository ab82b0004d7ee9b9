"""App configuration for the home page."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "learning.home"
    label = "home"
    verbose_name = "Home"
