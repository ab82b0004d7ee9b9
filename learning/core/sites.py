"""Wagtail's site lookup, remembered per process instead of one query per request.

`Site.find_for_request()` runs a query on every request (and every page serves one
first). The sites of an installation change about never, so each process keeps the
answer per host and port for SITE_LOOKUP_SECONDS; a site or page saved or deleted in
this process forgets them at once (`forget`, wired in CoreConfig.ready()), and other
processes within those seconds. Each request gets its own copy of the Site, so
nothing a request does to it can leak into another.
"""

import copy
import threading
import time

from django.http.request import split_domain_port
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

SITE_LOOKUP_SECONDS = 30
_MAX_HOSTS = 64  # host names are the client's: never let them grow the memory
_known: dict[tuple[str, int], tuple[float, Site | None]] = {}
_lock = threading.Lock()


def forget_all() -> None:
    with _lock:
        _known.clear()


def forget(*, instance=None, **_signal) -> None:
    """A Site or a page was saved or deleted (it may be a root): forget them all."""
    if isinstance(instance, Site | Page):
        forget_all()


def _own_copy(site: Site) -> Site:
    site = copy.copy(site)
    site.root_page = copy.copy(site.root_page)
    return site


class KnownSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = (split_domain_port(request._get_raw_host())[0], request.get_port())
        now = time.monotonic()
        entry = _known.get(key)
        if entry is None or entry[0] < now:
            entry = (now + SITE_LOOKUP_SECONDS, Site._find_for_request(request))
            with _lock:
                if len(_known) >= _MAX_HOSTS:
                    _known.clear()
                _known[key] = entry
        # Read by Site.find_for_request(): Wagtail's own per-request slot. Copied
        # only when used: most requests (APIs, files) never ask for the site.
        site = entry[1]
        request._wagtail_site = (
            None if site is None else SimpleLazyObject(lambda: _own_copy(site))
        )
        return self.get_response(request)
