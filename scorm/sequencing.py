"""SCORM 2004 navigation between the items (SCOs) of a package played as one lesson.

The basic behaviour of SCORM 2004 sequencing and navigation, on the items the
manifest lists in tree order: flow (`continue`, `previous`) where the item's cluster
has `controlMode flow="true"` (and, for `previous`, not `forwardOnly`), choice (a
table of contents; `{target=ID}choice`) where no cluster above the target has
`choice="false"`, `{target=ID}jump`, and the requests that end the session (`exit`,
`exitAll`, `abandon`, `abandonAll`, `suspendAll`). SCORM 1.2 has no sequencing: both
flow and choice are always allowed there. Pure functions over the manifest's items
(plain dicts, as `ScormPackage.manifest["items"]` keeps them).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

FLOW_REQUESTS = {"continue", "previous"}
TARGET_REQUESTS = {"choice", "jump"}
ENDING_REQUESTS = {"exit", "exitAll", "abandon", "abandonAll", "suspendAll"}
NO_REQUEST = "_none_"
_REQUEST = re.compile(
    r"^(?:\{target=(?P<target>[^{}]{1,4000})\})?(?P<kind>[A-Za-z_]+)$"
)


class NavigationError(ValueError):
    """The navigation request is not valid here; the message says why."""


@dataclass(frozen=True)
class NavigationRequest:
    kind: str
    target: str = ""


def request_parse(value: str) -> NavigationRequest:
    """An `adl.nav.request` value as a request; NavigationError if not one."""
    match = _REQUEST.match(value or "")
    kinds = FLOW_REQUESTS | TARGET_REQUESTS | ENDING_REQUESTS | {NO_REQUEST}
    if not match or match["kind"] not in kinds:
        raise NavigationError(_("Not a navigation request: %(v)s.") % {"v": value})
    target = match["target"] or ""
    if (match["kind"] in TARGET_REQUESTS) != bool(target):
        raise NavigationError(_("Only choice and jump name a target."))
    return NavigationRequest(kind=match["kind"], target=target)


def _index(items: list[dict], identifier: str) -> int:
    for index, item in enumerate(items):
        if item["identifier"] == identifier:
            return index
    raise NavigationError(_("This module has no item %(id)s.") % {"id": identifier})


def _flows(item: dict, *, backwards: bool) -> bool:
    """May flow navigation leave or enter this item (its cluster's control mode)?"""
    if not item.get("flow", True):
        return False
    return not (backwards and item.get("forward_only", False))


def continue_target(items: list[dict], current: str) -> dict | None:
    """The next item in flow, or None at the end; NavigationError if not allowed."""
    index = _index(items, current)
    if not _flows(items[index], backwards=False):
        raise NavigationError(_("This module does not allow moving on in order."))
    if index + 1 == len(items):
        return None
    target = items[index + 1]
    if not _flows(target, backwards=False):
        raise NavigationError(_("This module does not allow moving on in order."))
    return target


def previous_target(items: list[dict], current: str) -> dict:
    """The previous item in flow; NavigationError at the start or if not allowed."""
    index = _index(items, current)
    if index == 0:
        raise NavigationError(_("This is the first part of the module."))
    target = items[index - 1]
    if not (_flows(items[index], backwards=True) and _flows(target, backwards=True)):
        raise NavigationError(_("This module does not allow going back."))
    return target


def choice_target(items: list[dict], target: str, *, jump: bool = False) -> dict:
    """The chosen item; NavigationError if unknown or choice is switched off."""
    item = items[_index(items, target)]
    if not jump and not item.get("choice", True):
        raise NavigationError(_("This part cannot be chosen from the contents."))
    return item


def navigation_target(
    items: list[dict], current: str, request: NavigationRequest
) -> dict | None:
    """The item a request delivers next; None when it ends the session.

    Raises NavigationError for a request that is not valid from `current`.
    """
    if request.kind == "continue":
        return continue_target(items, current)
    if request.kind == "previous":
        return previous_target(items, current)
    if request.kind in TARGET_REQUESTS:
        return choice_target(items, request.target, jump=request.kind == "jump")
    if request.kind in ENDING_REQUESTS:
        return None
    raise NavigationError(_("No navigation was requested."))


def valid_requests(items: list[dict], current: str) -> dict:
    """What `adl.nav.request_valid.*` answers, and what the player's controls offer.

    ``{"continue": bool, "previous": bool, "choice": [identifiers]}``; continue is
    valid at the last item too (it ends the module).
    """

    def allowed(check) -> bool:
        try:
            check()
        except NavigationError:
            return False
        return True

    return {
        "continue": allowed(lambda: continue_target(items, current)),
        "previous": allowed(lambda: previous_target(items, current)),
        "choice": [item["identifier"] for item in items if item.get("choice", True)],
    }
