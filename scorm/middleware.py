"""The content origin: one host that serves SCORM content and its runtime, nothing else.

A request to SCORM_CONTENT_ORIGIN's host never reaches the platform's middleware or
URLs: it is answered here from `scorm.content_urls` alone, with no session and no
user. A package's JavaScript runs on that origin, so it can neither read the
platform's pages nor send requests with the learner's platform session.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden, HttpResponseNotFound
from django.urls import Resolver404, get_resolver

CONTENT_URLCONF = "scorm.content_urls"


def _content_host() -> str:
    origin = getattr(settings, "SCORM_CONTENT_ORIGIN", "") or ""
    return urlsplit(origin).netloc.lower()


class ContentOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = _content_host()
        if not host or request.get_host().lower() != host:
            return self.get_response(request)
        return self._serve_content(request)

    def _serve_content(self, request):
        from django.contrib.auth.models import AnonymousUser

        request.urlconf = CONTENT_URLCONF
        request.user = AnonymousUser()
        try:
            match = get_resolver(CONTENT_URLCONF).resolve(request.path_info)
        except Resolver404:
            return HttpResponseNotFound("Not found.", content_type="text/plain")
        try:
            return match.func(request, *match.args, **match.kwargs)
        except Http404:
            return HttpResponseNotFound("Not found.", content_type="text/plain")
        except PermissionDenied:
            return HttpResponseForbidden("Forbidden.", content_type="text/plain")
