"""Benchmark URLconf: the site's URLs plus /bench/bare/, the bare Django view."""

from django.http import HttpResponse
from django.urls import path

from learning.urls import urlpatterns as site_urlpatterns


def bare(request):
    """The yardstick: the whole middleware stack, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
