"""Platform-wide views: the health endpoint."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from learning.core.health import platform_health


@never_cache
@require_GET
def health(request):
    """JSON for load balancers: 200 when database, Redis and a worker are up, else 503.

    `?deep=1` proves the worker by a real task round trip instead of a ping.
    """
    report = platform_health(deep=request.GET.get("deep") == "1")
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
