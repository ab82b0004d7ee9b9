"""Views of the content origin: the player page, the package's files, the runtime.

They trust nothing but the launch token in the URL: no session, no cookie. Every
response forbids being framed by anything but the platform (player) or the player
itself (package files), and sends no Referer, so the token never leaks to a
third-party site a package links to.
"""

import json
import mimetypes
import secrets

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from scorm import cmi, services, storage

COMMON_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
}


def _secure(response):
    for name, value in COMMON_HEADERS.items():
        response[name] = value
    return response


def _refused(message: str, status: int = 403) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain")
    _secure(response)
    return response


@require_GET
def player_view(request, token: str):
    try:
        launch, attempt, _context = services.launch_check(token=token)
    except services.ScormError as error:
        return _refused(str(error))
    from scorm.selectors import player_navigation, player_state

    item = services.launch_item(
        package=attempt.package, item_identifier=attempt.item_identifier
    )
    navigation = player_navigation(attempt=attempt, lesson_id=launch.lesson_id)
    response = render(
        request,
        "scorm/player.html",
        {
            "title": attempt.package.title,
            "standard": attempt.package.standard,
            "sco_url": f"content/{item['href']}{item.get('parameters', '')}",
            "navigation": navigation,
            "runtime_config": {
                "standard": attempt.package.standard,
                "values": player_state(attempt=attempt, item=item),
                "runtimeUrl": "runtime",
                "navigateUrl": "navigate",
                "navigation": navigation and navigation["valid"],
                "sessionId": secrets.token_hex(16),
            },
        },
    )
    _secure(response)
    response["Content-Security-Policy"] = (
        f"frame-ancestors {launch.platform_origin}; object-src 'none'"
    )
    return response


@require_GET
def content_file_view(request, token: str, file_path: str):
    try:
        launch, attempt, _context = services.launch_check(token=token)
    except services.ScormError as error:
        return _refused(str(error))
    root = storage.content_dir(attempt.package.key).resolve()
    target = (root / file_path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404
    content_type, encoding = mimetypes.guess_type(target.name)
    response = FileResponse(
        open(target, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type=content_type or "application/octet-stream",
    )
    if encoding:
        response["Content-Encoding"] = encoding
    _secure(response)
    response["Cache-Control"] = "private, max-age=300"
    # frame-ancestors checks every ancestor: the player (this origin) and the
    # platform's lesson page above it.
    response["Content-Security-Policy"] = (
        f"frame-ancestors 'self' {launch.platform_origin}"
    )
    return response


@require_POST
def runtime_commit_view(request, token: str):
    try:
        services.launch_check(token=token)
    except services.ScormError as error:
        return JsonResponse({"error": str(error)}, status=403, headers=COMMON_HEADERS)
    if len(request.body) > cmi.MAX_COMMIT_BYTES:
        return JsonResponse({"error": "Too much data."}, status=413)
    try:
        payload = json.loads(request.body)
        values = payload["values"]
        session_id = payload["sessionId"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "A commit is a JSON object."}, status=400)
    try:
        attempt = services.scorm_runtime_commit(
            token=token,
            values=values,
            session_id=session_id,
            terminated=bool(payload.get("terminated")),
        )
    except services.ScormError as error:
        return JsonResponse({"error": str(error)}, status=400, headers=COMMON_HEADERS)
    return JsonResponse(
        {
            "result": "true",
            "completion_status": attempt.completion_status,
            "success_status": attempt.success_status,
        },
        headers=COMMON_HEADERS,
    )


@require_POST
def navigate_view(request, token: str):
    """A navigation request: the next item's player URL, or why the session ends."""
    try:
        request_value = json.loads(request.body)["request"]
        if not isinstance(request_value, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "A navigation request is a JSON object with a request."},
            status=400,
            headers=COMMON_HEADERS,
        )
    try:
        result = services.scorm_navigation_request(token=token, request=request_value)
    except services.ScormError as error:
        return JsonResponse({"error": str(error)}, status=400, headers=COMMON_HEADERS)
    if "token" in result:
        path = reverse(
            "scorm_player", urlconf="scorm.content_urls", args=[result["token"]]
        )
        return JsonResponse({"url": path}, headers=COMMON_HEADERS)
    return JsonResponse({"end": result["end"]}, headers=COMMON_HEADERS)
