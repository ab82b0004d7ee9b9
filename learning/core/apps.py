"""App configuration for the platform's shared plumbing."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "learning.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from learning.core import sites

        # Any sender: a page's signals name its own class, never Page.
        post_save.connect(sites.forget, dispatch_uid="core.sites.forget.save")
        post_delete.connect(sites.forget, dispatch_uid="core.sites.forget.delete")
