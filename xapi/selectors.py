"""Reads of the LRS; each answers in a constant number of queries."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from xapi.formats import statement_activity_objects
from xapi.models import (
    Activity,
    Attachment,
    Document,
    Statement,
    StatementActivity,
    StatementAgent,
)
from xapi.services import DocumentAddress


def statement_get(statement_id: str, *, voided: bool) -> dict | None:
    """A statement by id: a voided one only when `voided`, a live one otherwise."""
    return (
        Statement.objects.filter(statement_id=statement_id, voided=voided)
        .values_list("data", flat=True)
        .first()
    )


@dataclass
class StatementFilter:
    agent_ifi: str | None = None
    related_agents: bool = False
    verb: str | None = None
    activity: str | None = None
    related_activities: bool = False
    registration: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ascending: bool = False


def statement_match(criteria: StatementFilter) -> Q | None:
    """The filters other than time and order; None when there are none."""
    conditions = []
    if criteria.verb:
        conditions.append(Q(verb_id=criteria.verb))
    if criteria.registration:
        conditions.append(Q(registration=criteria.registration))
    if criteria.activity:
        if criteria.related_activities:
            links = StatementActivity.objects.filter(
                statement=OuterRef("pk"), activity_id=criteria.activity
            )
            conditions.append(Q(Exists(links)))
        else:
            conditions.append(Q(object_activity_id=criteria.activity))
    if criteria.agent_ifi:
        links = StatementAgent.objects.filter(
            statement=OuterRef("pk"), ifi=criteria.agent_ifi
        )
        if not criteria.related_agents:
            links = links.filter(direct=True)
        conditions.append(Q(Exists(links)))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined &= condition
    return combined


def statements_query(
    criteria: StatementFilter, *, limit: int, after_pk: int | None = None
) -> tuple[list[dict], int | None]:
    """One page of live statements, newest stored first unless ascending.

    A statement whose object is a StatementRef matches when its target does
    (Part 3 §2.1.3 "Filter Conditions for StatementRefs"). Returns the page and
    the cursor of the next page, or None when this is the last.
    """
    queryset = Statement.objects.filter(voided=False)
    match = statement_match(criteria)
    if match is not None:
        targets = Statement.objects.filter(match).values("statement_id")
        queryset = queryset.filter(match | Q(object_statement_ref__in=targets))
    if criteria.since:
        queryset = queryset.filter(stored__gt=criteria.since)
    if criteria.until:
        queryset = queryset.filter(stored__lte=criteria.until)
    if after_pk is not None:
        cursor = Q(pk__gt=after_pk) if criteria.ascending else Q(pk__lt=after_pk)
        queryset = queryset.filter(cursor)
    queryset = queryset.order_by("pk" if criteria.ascending else "-pk")
    rows = list(queryset.values_list("pk", "data")[: limit + 1])
    next_cursor = rows[limit - 1][0] if len(rows) > limit else None
    return [data for _, data in rows[:limit]], next_cursor


def attachments_for(statements: list[dict]) -> list[tuple[str, str, bytes]]:
    """The stored bytes of every attachment these statements carry (one query)."""
    wanted = []
    for statement in statements:
        for attachment in statement.get("attachments", []):
            wanted.append(attachment["sha2"])
        target = statement.get("object", {})
        for attachment in target.get("attachments", []):
            wanted.append(attachment["sha2"])
    if not wanted:
        return []
    return [
        (row.sha2, row.content_type, bytes(row.content))
        for row in Attachment.objects.filter(sha2__in=set(wanted))
    ]


def canonical_definitions(statements: list[dict]) -> dict[str, dict]:
    """The canonical definition of every activity these statements name (one query)."""
    wanted = {
        activity["id"]
        for statement in statements
        for activity in statement_activity_objects(statement)
    }
    return dict(
        Activity.objects.filter(activity_id__in=wanted).values_list(
            "activity_id", "definition"
        )
    )


def activity_definition(activity_id: str) -> dict | None:
    definition = (
        Activity.objects.filter(activity_id=activity_id)
        .values_list("definition", flat=True)
        .first()
    )
    if definition is None:
        return None
    activity = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity["definition"] = definition
    return activity


def document_get(address: DocumentAddress, document_id: str) -> Document | None:
    return Document.objects.filter(key_hash=address.key_hash(document_id)).first()


def document_ids(address: DocumentAddress, *, since: datetime | None) -> list[str]:
    queryset = Document.objects.filter(scope_hash=address.scope_hash)
    if since:
        queryset = queryset.filter(updated__gt=since)
    return list(queryset.order_by("updated").values_list("document_id", flat=True))
