"""The Learning Platform project: settings, URLs, the Celery app, site-wide parts."""

from learning.celery import app as celery_app

__all__ = ["celery_app"]
