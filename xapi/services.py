"""Writes of the LRS: clients, statements (with voiding and attachments), documents."""

import base64
import binascii
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from xapi.errors import XapiError
from xapi.formats import (
    merge_definitions,
    statement_activities,
    statement_activity_objects,
    statement_agents,
    statements_match,
    with_context_activity_lists,
)
from xapi.models import (
    Activity,
    Attachment,
    Document,
    LrsClient,
    Statement,
    StatementActivity,
    StatementAgent,
)
from xapi.validation import (
    SIGNATURE_USAGE,
    VOIDED_VERB,
    normalise_uuid,
    parse_timestamp,
    validate_statement,
)

JWS_ALGORITHMS = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}

# --- clients ----------------------------------------------------------------------


@transaction.atomic
def client_issue(*, name: str, scope: str, created_by=None) -> tuple[LrsClient, str]:
    """Create a client; return it and its secret, which is never stored in clear."""
    if scope not in LrsClient.Scope.values:
        raise XapiError(f"Unknown scope {scope!r}.")
    secret = secrets.token_urlsafe(32)
    client = LrsClient.objects.create(
        name=name.strip() or "xAPI client",
        key=secrets.token_hex(16),
        secret_hash=make_password(secret),
        scope=scope,
        created_by=created_by,
    )
    return client, secret


@transaction.atomic
def client_update(*, client: LrsClient, name: str, scope: str, is_active: bool):
    """Rename, rescope, revoke or reinstate a client; revoking takes effect at once."""
    if scope not in LrsClient.Scope.values:
        raise XapiError(f"Unknown scope {scope!r}.")
    # Compare with what is stored, not with an instance a form may have changed.
    client = LrsClient.objects.select_for_update().get(pk=client.pk)
    client.name = name
    client.scope = scope
    if client.is_active and not is_active:
        client.revoked_at = timezone.now()
    if is_active:
        client.revoked_at = None
    client.is_active = is_active
    client.save()
    return client


def client_revoke(*, client: LrsClient) -> LrsClient:
    """Revoke a client's credentials; its next request gets 401."""
    return client_update(
        client=client, name=client.name, scope=client.scope, is_active=False
    )


def client_authority(client: LrsClient, base_url: str) -> dict:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": base_url, "name": client.key},
    }


# --- statements -------------------------------------------------------------------


@dataclass
class AttachmentPayload:
    content_type: str
    content: bytes


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise XapiError("The JWS signature is not base64url.") from error


def signature_verify(statement: dict, signature: bytes) -> None:
    """Part 2 §2.6 "Signed Statements": structure, algorithm, payload, certificate."""
    try:
        compact = signature.decode("ascii").strip()
    except UnicodeDecodeError as error:
        raise XapiError("The JWS signature is not in compact form.") from error
    pieces = compact.split(".")
    if len(pieces) != 3 or not all(pieces):
        raise XapiError("The JWS signature is not in compact form.")
    try:
        header = json.loads(b64url_decode(pieces[0]))
        payload = json.loads(b64url_decode(pieces[1]))
    except ValueError as error:
        raise XapiError("The JWS header or payload is not JSON.") from error
    if not isinstance(header, dict) or header.get("alg") not in JWS_ALGORITHMS:
        raise XapiError("A signed statement must use RS256, RS384 or RS512.")
    if not isinstance(payload, dict):
        raise XapiError("The JWS payload is not a statement.")
    original = dict(statement)
    remaining = [
        item
        for item in statement.get("attachments", [])
        if item.get("usageType") != SIGNATURE_USAGE
    ]
    if remaining:
        original["attachments"] = remaining
    else:
        original.pop("attachments", None)
    if "id" in payload and "id" in statement and payload["id"] != statement["id"]:
        raise XapiError("The JWS payload is a different statement.")
    try:
        same = statements_match(payload, original)
    except (XapiError, KeyError, TypeError):
        same = False
    if not same:
        raise XapiError("The JWS payload does not match the statement.")
    if "x5c" in header:
        try:
            der = base64.b64decode(header["x5c"][0])
            certificate = x509.load_der_x509_certificate(der)
            certificate.public_key().verify(
                b64url_decode(pieces[2]),
                f"{pieces[0]}.{pieces[1]}".encode("ascii"),
                padding.PKCS1v15(),
                JWS_ALGORITHMS[header["alg"]](),
            )
        except (InvalidSignature, ValueError, TypeError, IndexError) as error:
            raise XapiError("The JWS signature does not verify.") from error


def attachments_check(
    statements: list[dict], payloads: dict[str, AttachmentPayload]
) -> None:
    """Every attachment without fileUrl has its bytes; no stray parts (§1.5.2)."""
    used = set()
    for statement in statements:
        for attachment in statement.get("attachments", []):
            sha2 = attachment["sha2"]
            payload = payloads.get(sha2)
            if attachment.get("usageType") == SIGNATURE_USAGE:
                if payload is None:
                    raise XapiError("A signature attachment needs its JWS part.")
                if attachment["contentType"] != "application/octet-stream":
                    raise XapiError(
                        "A signature's contentType is application/octet-stream."
                    )
                signature_verify(statement, payload.content)
            if payload is None:
                if "fileUrl" not in attachment:
                    raise XapiError(
                        f"Attachment {sha2} has no fileUrl and no part in the request."
                    )
                continue
            used.add(sha2)
    stray = set(payloads) - used
    if stray:
        raise XapiError("The request has parts no attachment describes.")


def statement_prepare(
    statement: dict, *, version: str, stored: datetime, authority: dict
) -> dict:
    prepared = with_context_activity_lists(statement)
    prepared["id"] = (
        normalise_uuid(statement["id"]) if "id" in statement else str(uuid.uuid4())
    )
    stored_text = stored.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    prepared["stored"] = stored_text
    prepared.setdefault("timestamp", stored_text)
    prepared["authority"] = authority
    prepared.setdefault("version", "2.0.0" if version == "2" else "1.0.0")
    return prepared


@transaction.atomic
def statements_store(
    *,
    statements: list,
    client: LrsClient,
    version: str,
    base_url: str,
    attachments: dict[str, AttachmentPayload] | None = None,
) -> list[str]:
    """Validate and store statements as one unit; return their ids in order.

    Raises XapiError: 400 for an invalid statement or attachment, a voiding
    statement aimed at another voiding statement, or duplicate ids; 409 when an
    id already holds a different statement. A resent identical statement is a no-op.
    """
    attachments = attachments or {}
    if not statements:
        raise XapiError("No statements were sent.")
    for statement in statements:
        validate_statement(statement, version=version)
    attachments_check(statements, attachments)

    now = timezone.now()
    # `stored` is exposed with millisecond precision; the column holds the same
    # instant, so that since/until agree with what clients read.
    stored = now.replace(microsecond=now.microsecond // 1000 * 1000)
    authority = client_authority(client, base_url)
    prepared = [
        statement_prepare(item, version=version, stored=stored, authority=authority)
        for item in statements
    ]
    ids = [item["id"] for item in prepared]
    if len(set(ids)) != len(ids):
        raise XapiError("The batch holds the same statement id twice.")

    existing = dict(
        Statement.objects.filter(statement_id__in=ids).values_list(
            "statement_id", "data"
        )
    )
    new = []
    for item, sent in zip(prepared, statements, strict=True):
        previous = existing.get(uuid.UUID(item["id"]))
        if previous is None:
            new.append(item)
            continue
        if "timestamp" not in sent:
            # The LRS filled it in from `stored`; the client did not choose it.
            previous = {k: v for k, v in previous.items() if k != "timestamp"}
        if not statements_match(previous, sent):
            raise XapiError(
                f"Statement {item['id']} already exists with other content.",
                status=409,
            )
    if not new:
        return ids

    voiding_targets = {
        item["object"]["id"].lower()
        for item in new
        if item["verb"]["id"] == VOIDED_VERB
    }
    batch_voiding = {item["id"] for item in new if item["verb"]["id"] == VOIDED_VERB}
    if (
        voiding_targets & batch_voiding
        or Statement.objects.filter(
            statement_id__in=voiding_targets, is_voiding=True
        ).exists()
    ):
        raise XapiError("A voiding statement cannot be voided.")
    already_voided = {
        str(value)
        for value in Statement.objects.filter(
            is_voiding=True, object_statement_ref__in=[item["id"] for item in new]
        ).values_list("object_statement_ref", flat=True)
    }

    statement_rows_create(
        new,
        stored=stored,
        client=client,
        voided_ids=already_voided | voiding_targets,
        voiding_targets=voiding_targets,
    )
    activities_record(new)
    if attachments:
        Attachment.objects.bulk_create(
            [
                Attachment(
                    sha2=sha2, content_type=item.content_type, content=item.content
                )
                for sha2, item in attachments.items()
            ],
            ignore_conflicts=True,
        )
    # Completions of platform courses and lessons count as learning events: taken
    # in by a worker once the statements are committed (see xapi.ingestion).
    from xapi.ingestion import candidate_ids, incoming_statements_enqueue

    candidates = candidate_ids(new)
    if candidates:
        transaction.on_commit(lambda: incoming_statements_enqueue(candidates))
    return ids


def statement_rows_create(
    statements: list[dict],
    *,
    stored: datetime,
    client: LrsClient | None,
    voided_ids: set[str] = frozenset(),
    voiding_targets: set[str] = frozenset(),
) -> list[Statement]:
    """Insert prepared statements with their query indexes (agents, activities).

    `voided_ids`: statements a voiding statement already names; `voiding_targets`:
    stored statements these void. Raises XapiError (409) when an id was stored
    meanwhile. Part of the caller's transaction.
    """
    rows = []
    for item in statements:
        target = item["object"]
        direct_activity, _ = statement_activities(item)
        registration = item.get("context", {}).get("registration")
        is_voiding = item["verb"]["id"] == VOIDED_VERB
        rows.append(
            Statement(
                statement_id=item["id"],
                data=item,
                verb_id=item["verb"]["id"],
                object_activity_id=direct_activity or "",
                object_statement_ref=target["id"]
                if target.get("objectType") == "StatementRef"
                else None,
                registration=registration,
                stored=stored,
                timestamp=parse_timestamp(item["timestamp"], "timestamp"),
                is_voiding=is_voiding,
                voided=(not is_voiding) and item["id"] in voided_ids,
                client=client,
            )
        )
    try:
        with transaction.atomic():
            Statement.objects.bulk_create(rows)
    except IntegrityError as error:
        raise XapiError(
            "A statement with this id was stored meanwhile.", 409
        ) from error

    agent_links, activity_links = [], []
    for row, item in zip(rows, statements, strict=True):
        direct_agents, related_agents = statement_agents(item)
        for ifi in related_agents:
            agent_links.append(
                StatementAgent(statement=row, ifi=ifi, direct=ifi in direct_agents)
            )
        direct_activity, related_activities = statement_activities(item)
        for activity_id in related_activities:
            activity_links.append(
                StatementActivity(
                    statement=row,
                    activity_id=activity_id,
                    direct=activity_id == direct_activity,
                )
            )
    StatementAgent.objects.bulk_create(agent_links)
    StatementActivity.objects.bulk_create(activity_links)
    if voiding_targets:
        Statement.objects.filter(
            statement_id__in=voiding_targets, is_voiding=False
        ).update(voided=True)
    return rows


def activities_record(statements: list[dict]) -> None:
    """Merge the definitions the statements carry into the canonical ones."""
    definitions: dict[str, dict] = {}
    for statement in statements:
        for activity in statement_activity_objects(statement):
            definition = activity.get("definition")
            if definition is None and activity["id"] in definitions:
                continue
            definitions[activity["id"]] = merge_definitions(
                definitions.get(activity["id"], {}), definition or {}
            )
    if not definitions:
        return
    known = dict(
        Activity.objects.filter(activity_id__in=definitions).values_list(
            "activity_id", "definition"
        )
    )
    now = timezone.now()
    Activity.objects.bulk_create(
        [
            Activity(
                activity_id=activity_id,
                definition=merge_definitions(known.get(activity_id, {}), definition),
                updated=now,
            )
            for activity_id, definition in sorted(definitions.items())
        ],
        update_conflicts=True,
        unique_fields=["activity_id"],
        update_fields=["definition", "updated"],
    )


# --- documents --------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentAddress:
    kind: str
    activity_id: str = ""
    agent_ifi: str = ""
    registration: str = ""

    @property
    def scope_hash(self) -> str:
        text = "\x1f".join(
            (self.kind, self.activity_id, self.agent_ifi, self.registration)
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def key_hash(self, document_id: str) -> str:
        text = f"{self.scope_hash}\x1f{document_id}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def etag_listed(header: str, etag: str) -> bool:
    values = [value.strip() for value in header.split(",")]
    return "*" in values or any(
        value.removeprefix("W/").strip('"') == etag for value in values
    )


def preconditions_check(
    document: Document | None,
    *,
    if_match: str | None,
    if_none_match: str | None,
    require_precondition: bool,
) -> None:
    """ETag concurrency (Part 3 §1.1 "Concurrency")."""
    if if_match is not None and (
        document is None or not etag_listed(if_match, document.etag)
    ):
        raise XapiError("The document has changed (If-Match failed).", status=412)
    if (
        if_none_match is not None
        and document is not None
        and etag_listed(if_none_match, document.etag)
    ):
        raise XapiError("The document exists (If-None-Match failed).", status=412)
    if (
        require_precondition
        and document is not None
        and if_match is None
        and if_none_match is None
    ):
        raise XapiError(
            "The document exists: send If-Match or If-None-Match to change it.",
            status=409,
        )


def json_object(content: bytes, what: str) -> dict:
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise XapiError(f"The {what} is not JSON.") from error
    if not isinstance(value, dict):
        raise XapiError(f"The {what} is not a JSON object.")
    return value


@transaction.atomic
def document_save(
    *,
    address: DocumentAddress,
    document_id: str,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
) -> Document:
    """PUT (replace) or POST (merge JSON objects) a document.

    Raises XapiError: 412 on a failed If-Match/If-None-Match, 409 when
    `require_precondition` and the document exists without either header, 400 when a
    merge involves something other than JSON objects.
    """
    key_hash = address.key_hash(document_id)
    document = Document.objects.select_for_update().filter(key_hash=key_hash).first()
    preconditions_check(
        document,
        if_match=if_match,
        if_none_match=if_none_match,
        require_precondition=require_precondition,
    )
    is_json = content_type.split(";")[0].strip().lower() == "application/json"
    if merge and document is not None:
        stored_json = document.content_type.split(";")[0].strip() == "application/json"
        if not (is_json and stored_json):
            raise XapiError("Only JSON documents can be merged by POST.")
        merged = {
            **json_object(bytes(document.content), "stored document"),
            **json_object(content, "posted document"),
        }
        content = json.dumps(merged, ensure_ascii=False).encode("utf-8")
    elif merge and is_json:
        json_object(content, "posted document")
    now = timezone.now()
    if document is None:
        document = Document(
            kind=address.kind,
            activity_id=address.activity_id,
            agent_ifi=address.agent_ifi,
            registration=address.registration,
            document_id=document_id,
            scope_hash=address.scope_hash,
            key_hash=key_hash,
        )
    document.content = content
    document.content_type = content_type or "application/octet-stream"
    document.etag = etag_of(content)
    document.updated = now
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as error:
        raise XapiError("The document was created meanwhile.", status=409) from error
    return document


@transaction.atomic
def document_delete(
    *,
    address: DocumentAddress,
    document_id: str | None,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> None:
    """Delete one document, or (state only) every document of the address."""
    if document_id is None:
        Document.objects.filter(scope_hash=address.scope_hash).delete()
        return
    document = (
        Document.objects.select_for_update()
        .filter(key_hash=address.key_hash(document_id))
        .first()
    )
    preconditions_check(
        document,
        if_match=if_match,
        if_none_match=if_none_match,
        require_precondition=False,
    )
    if document is not None:
        document.delete()
