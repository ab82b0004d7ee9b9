"""Reads for SCORM: what a lesson page shows, and the player's starting state."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from scorm import cmi, sequencing
from scorm.models import PREPARING, PackageStatus, ScormAttempt, ScormLessonPage
from scorm.tokens import Launch, launch_token


def content_origin() -> str:
    return (getattr(settings, "SCORM_CONTENT_ORIGIN", "") or "").rstrip("/")


def lesson_launch_context(*, lesson, request) -> dict:
    """The lesson page's player: an iframe on the content origin, or why not.

    Starting (or resuming) the learner's attempt is the one write: the course gate
    (`course_child_serve`) has already checked the enrolment.
    """
    from scorm.services import scorm_attempt_start

    package = lesson.package
    if getattr(request, "is_preview", False) or not request.user.is_authenticated:
        return {"scorm_state": "preview", "package": package}
    if package.status in PREPARING:
        return {"scorm_state": "pending", "package": package}
    if package.status != PackageStatus.READY:
        return {"scorm_state": package.status, "package": package}
    origin = content_origin()
    if not origin:
        return {"scorm_state": "unconfigured", "package": package}
    attempt = scorm_attempt_start(user=request.user, lesson=lesson)
    token = launch_token(
        Launch(
            user_id=request.user.pk,
            attempt_id=attempt.pk,
            package_id=package.pk,
            lesson_id=lesson.pk,
            platform_origin=f"{request.scheme}://{request.get_host()}",
        )
    )
    path = reverse("scorm_player", urlconf="scorm.content_urls", args=[token])
    return {
        "scorm_state": "ready",
        "package": package,
        "attempt": attempt,
        "player_url": origin + path,
    }


def player_state(*, attempt: ScormAttempt, item: dict) -> dict:
    """The values a SCO starts with: stored data (to resume) and the learner."""
    user = attempt.user
    name = user.get_full_name() or user.get_username()
    if attempt.package.standard == "scorm12" and user.last_name:
        name = f"{user.last_name}, {user.first_name}"
    return cmi.initial_values(
        standard=attempt.package.standard,
        attempt=attempt,
        learner_id=str(user.pk),
        learner_name=name,
        item=item,
    )


def completed_items(*, attempt: ScormAttempt) -> set[str]:
    """The items of the attempt's package and lesson its learner has completed."""
    return set(
        ScormAttempt.objects.filter(
            user_id=attempt.user_id,
            package_id=attempt.package_id,
            lesson_key=attempt.lesson_key,
            completed_at__isnull=False,
        ).values_list("item_identifier", flat=True)
    )


def player_navigation(*, attempt: ScormAttempt, lesson_id: int) -> dict | None:
    """The player's navigation for a lesson that delivers several items, else None.

    ``{"current", "valid": {"continue", "previous", "choice"}, "items": [{"identifier",
    "title", "parents", "visible", "completed", "choosable"}]}``: the table of
    contents follows the organization; `valid` answers `adl.nav.request_valid.*`.
    """
    from scorm.services import lesson_items

    lesson = ScormLessonPage.objects.select_related("package").get(pk=lesson_id)
    items = lesson_items(lesson=lesson)
    if len(items) < 2:
        return None
    completed = completed_items(attempt=attempt)
    valid = sequencing.valid_requests(items, attempt.item_identifier)
    return {
        "current": attempt.item_identifier,
        "valid": valid,
        "items": [
            {
                "identifier": item["identifier"],
                "title": item["title"],
                "parents": item.get("parents", []),
                "visible": item.get("visible", True),
                "completed": item["identifier"] in completed,
                "choosable": item["identifier"] in valid["choice"],
            }
            for item in items
        ],
    }


def package_import_status(*, package) -> dict:
    """Where an uploaded package stands, for the admin screen that polls it.

    ``{"status", "label", "files_done", "files_total", "finished", "failed",
    "error", "page": {"id", "title"} | None}``.
    """
    labels = {
        PackageStatus.PENDING: _("Queued: waiting for a worker."),
        PackageStatus.VALIDATING: _("Validating the package."),
        PackageStatus.UNPACKING: _("Unpacking %(done)d of %(total)d files.")
        % {"done": package.files_done, "total": package.files_total},
        PackageStatus.READY: _("Done."),
        PackageStatus.FAILED: _("Refused: %(error)s") % {"error": package.error},
    }
    page = package.imported_page
    return {
        "status": package.status,
        "label": labels[package.status],
        "files_done": package.files_done,
        "files_total": package.files_total,
        "finished": package.status == PackageStatus.READY,
        "failed": package.status == PackageStatus.FAILED,
        "error": package.error,
        "page": {"id": page.pk, "title": page.title} if page else None,
    }
