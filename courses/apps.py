"""App configuration for courses: cached course content follows every edit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def course_content_changed(**kwargs) -> None:
    from courses.services import course_content_cache_clear

    course_content_cache_clear()


def request_started(**kwargs) -> None:
    from courses import selectors

    selectors.content_generation_request_started()


def request_finished(**kwargs) -> None:
    from courses import selectors

    selectors.content_generation_request_finished()


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.core import signals
        from django.db.models.signals import post_delete, post_save
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import PageViewRestriction, Site, get_page_models
        from wagtail.signals import page_unpublished, post_page_move

        # What a cached outline, course page, lesson body or restriction check
        # shows: any page (its title, slug, liveness or place; an ancestor's slug
        # is in every URL), sites, view restrictions, images and documents.
        senders = [
            *get_page_models(),
            Site,
            PageViewRestriction,
            get_image_model(),
            get_document_model(),
        ]
        for sender in senders:
            post_save.connect(course_content_changed, sender=sender)
            post_delete.connect(course_content_changed, sender=sender)
        page_unpublished.connect(course_content_changed)
        post_page_move.connect(course_content_changed)
        # Each request reads the content generation once.
        signals.request_started.connect(request_started)
        signals.request_finished.connect(request_finished)
