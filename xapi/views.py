"""The xAPI resources (Part 3 §2): statements, documents, activities, agents, about."""

import hashlib
import json

from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from xapi import selectors, services
from xapi.auth import client_authenticate, require_scope
from xapi.errors import XapiError
from xapi.formats import format_canonical, format_ids, ifi_key
from xapi.http import (
    ABOUT_VERSIONS,
    RESPONSE_VERSIONS,
    XapiRequest,
    build_multipart,
    check_version,
    error_response,
    json_parse,
    json_response,
    parse_multipart,
    xapi_request_from,
)
from xapi.models import Document
from xapi.services import AttachmentPayload, DocumentAddress
from xapi.validation import (
    IRI,
    UUID_TEXT,
    check_actor,
    normalise_uuid,
    parse_timestamp,
)

DEFAULT_PAGE_SIZE = 100
MORE_SALT = "xapi.statements.more"
SINGLE_PARAMS = {"statementId", "voidedStatementId"}
QUERY_PARAMS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
# SHA-2 digests by the length of their hex form.
HASH_BY_LENGTH = {
    56: hashlib.sha224,
    64: hashlib.sha256,
    96: hashlib.sha384,
    128: hashlib.sha512,
}


def xapi_view(resource, *, needs_client: bool = True):
    """Wrap a resource with the parts every xAPI request shares."""

    @csrf_exempt
    def view(request):
        # xAPI answers its own 404s; a urlconf without language prefixes keeps
        # LocaleMiddleware from "helpfully" redirecting them to /en/xapi/...
        request.urlconf = "xapi.urls"
        xapi_request = None
        # Until the request names a version we support, answer as the latest
        # (2.0 §4.1.3 expects 2.0.0 on the 400 for a missing header).
        version = "2"
        try:
            xapi_request = xapi_request_from(request)
            if needs_client:
                # The version is checked first: a request without it is a 400,
                # even unauthenticated (1.0.3 Part 3 §3.3, XAPI-00331).
                check_version(xapi_request)
                version = xapi_request.version
                xapi_request.client = client_authenticate(
                    xapi_request.header("Authorization")
                )
            else:
                try:
                    check_version(xapi_request)
                except XapiError:
                    xapi_request.version = "1"
                version = xapi_request.version
            response = resource(xapi_request)
        except XapiError as error:
            response = error_response(error)
        response["X-Experience-API-Version"] = RESPONSE_VERSIONS[version]
        if xapi_request is not None and xapi_request.method == "HEAD":
            response.content = b""
        return response

    return view


def not_allowed(xapi_request: XapiRequest):
    raise XapiError(f"{xapi_request.method} is not allowed here.", status=405)


def reject_unknown(params: dict, allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise XapiError(f"Unknown parameters: {', '.join(unknown)}.")


def param_bool(params: dict, name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise XapiError(f"{name} must be true or false.")
    return value == "true"


def param_iri(params: dict, name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise XapiError(f"The {name} parameter is required.")
        return None
    if not IRI.match(value):
        raise XapiError(f"{name} must be an IRI.")
    return value


def param_uuid(params: dict, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not UUID_TEXT.match(value):
        raise XapiError(f"{name} must be a UUID.")
    return normalise_uuid(value)


def param_agent(params: dict, name: str = "agent", *, required: bool = False):
    value = params.get(name)
    if value is None:
        if required:
            raise XapiError(f"The {name} parameter is required.")
        return None, None
    agent = json_parse(value.encode("utf-8"), f"{name} parameter")
    check_actor(agent, name)
    key = ifi_key(agent)
    if key is None:
        raise XapiError(f"{name} must be identified (an anonymous Group is not).")
    return agent, key


def param_time(params: dict, name: str):
    value = params.get(name)
    return None if value is None else parse_timestamp(value, name)


# --- statements -------------------------------------------------------------------


def statements_resource(xapi_request: XapiRequest):
    method = xapi_request.method
    if method in ("GET", "HEAD"):
        # Sent whatever the status (1.0.3 Part 3 §2.1.3, XAPI-00153).
        consistent_through = timezone.now().isoformat()
        try:
            require_scope(xapi_request.client, write=False)
            response = statements_get(xapi_request)
        except XapiError as error:
            response = error_response(error)
        response["X-Experience-API-Consistent-Through"] = consistent_through
        return response
    if method in ("PUT", "POST"):
        require_scope(xapi_request.client, write=True)
        return statements_write(xapi_request)
    return not_allowed(xapi_request)


def statements_body(xapi_request: XapiRequest):
    """The statements JSON and attachment parts of a PUT/POST (§1.5.2)."""
    if xapi_request.content_type == "multipart/mixed":
        parts = parse_multipart(
            xapi_request.body, xapi_request.content_type_params.get("boundary", "")
        )
        first = parts[0]
        if not first.headers.get("content-type", "").startswith("application/json"):
            raise XapiError("The first part must be the statements, as JSON.")
        payloads = {}
        for part in parts[1:]:
            sha2 = part.headers.get("x-experience-api-hash", "").lower()
            if not sha2:
                raise XapiError("Every attachment part needs X-Experience-API-Hash.")
            encoding = part.headers.get("content-transfer-encoding", "").lower()
            if encoding != "binary":
                raise XapiError(
                    "Attachment parts need Content-Transfer-Encoding: binary."
                )
            digest = HASH_BY_LENGTH.get(len(sha2))
            if digest is None or digest(part.body).hexdigest() != sha2:
                raise XapiError("An attachment part does not match its hash.")
            payloads[sha2] = AttachmentPayload(
                content_type=part.headers.get(
                    "content-type", "application/octet-stream"
                ),
                content=part.body,
            )
        return json_parse(first.body, "statements part"), payloads
    if xapi_request.content_type not in ("", "application/json"):
        raise XapiError("Statements are sent as application/json or multipart/mixed.")
    return xapi_request.json_body(), {}


def statements_write(xapi_request: XapiRequest):
    params = xapi_request.params
    data, payloads = statements_body(xapi_request)
    store = {
        "client": xapi_request.client,
        "version": xapi_request.version,
        "base_url": xapi_request.absolute_base,
        "attachments": payloads,
    }
    if xapi_request.method == "PUT":
        reject_unknown(params, {"statementId"})
        statement_id = param_uuid(params, "statementId")
        if statement_id is None:
            raise XapiError("PUT needs a statementId parameter.")
        if not isinstance(data, dict):
            raise XapiError("PUT takes one statement.")
        if "id" in data:
            if not isinstance(data["id"], str) or not UUID_TEXT.match(data["id"]):
                raise XapiError("statement.id: must be a UUID")
            if normalise_uuid(data["id"]) != statement_id:
                raise XapiError("The statement's id differs from statementId.")
        services.statements_store(statements=[{**data, "id": statement_id}], **store)
        return HttpResponse(status=204)
    reject_unknown(params, set())
    statements = data if isinstance(data, list) else [data]
    ids = services.statements_store(statements=statements, **store)
    return json_response(ids)


def statements_get(xapi_request: XapiRequest):
    params = dict(xapi_request.params)
    cursor = None
    if "more" in params:
        if set(params) != {"more"}:
            raise XapiError("more takes no other parameters.")
        try:
            saved = signing.loads(params["more"], salt=MORE_SALT)
        except signing.BadSignature as error:
            raise XapiError("This more link is not valid.") from error
        params, cursor = saved["params"], saved["cursor"]
    reject_unknown(params, QUERY_PARAMS | SINGLE_PARAMS)
    output = params.get("format", "exact")
    if output not in ("exact", "ids", "canonical"):
        raise XapiError("format is one of ids, exact, canonical.")
    with_attachments = param_bool(params, "attachments")
    single = SINGLE_PARAMS & set(params)
    if single:
        return statement_single(xapi_request, params, single, output, with_attachments)
    _, agent_key = param_agent(params)
    limit_text = params.get("limit", "0")
    if not limit_text.isdigit():
        raise XapiError("limit must be a non-negative integer.")
    limit = int(limit_text)
    limit = DEFAULT_PAGE_SIZE if limit == 0 else min(limit, DEFAULT_PAGE_SIZE)
    criteria = selectors.StatementFilter(
        agent_ifi=agent_key,
        related_agents=param_bool(params, "related_agents"),
        verb=param_iri(params, "verb"),
        activity=param_iri(params, "activity"),
        related_activities=param_bool(params, "related_activities"),
        registration=param_uuid(params, "registration"),
        since=param_time(params, "since"),
        until=param_time(params, "until"),
        ascending=param_bool(params, "ascending"),
    )
    page, next_cursor = selectors.statements_query(
        criteria, limit=limit, after_pk=cursor
    )
    more = ""
    if next_cursor is not None:
        token = signing.dumps({"params": params, "cursor": next_cursor}, salt=MORE_SALT)
        more = f"/xapi/statements?more={token}"
    page = formatted(page, output, xapi_request)
    result = {"statements": page, "more": more}
    return statements_response(result, page, with_attachments)


def statement_single(xapi_request, params, single, output, with_attachments):
    if len(single) > 1:
        raise XapiError("Send statementId or voidedStatementId, not both.")
    reject_unknown(params, single | {"format", "attachments"})
    name = single.pop()
    statement_id = param_uuid(params, name)
    statement = selectors.statement_get(
        statement_id, voided=name == "voidedStatementId"
    )
    if statement is None:
        raise XapiError("No such statement.", status=404)
    [statement] = formatted([statement], output, xapi_request)
    response = statements_response(statement, [statement], with_attachments)
    response["Last-Modified"] = http_date(
        parse_timestamp(statement["stored"], "stored").timestamp()
    )
    return response


def formatted(
    statements: list[dict], output: str, xapi_request: XapiRequest
) -> list[dict]:
    if output == "ids":
        return [format_ids(statement) for statement in statements]
    if output == "canonical":
        definitions = selectors.canonical_definitions(statements)
        return [
            format_canonical(statement, xapi_request.language, definitions)
            for statement in statements
        ]
    return statements


def statements_response(result, statements: list[dict], with_attachments: bool):
    if not with_attachments:
        return json_response(result)
    body, content_type = build_multipart(
        json.dumps(result, ensure_ascii=False).encode("utf-8"),
        selectors.attachments_for(statements),
    )
    return HttpResponse(body, content_type=content_type)


# --- documents --------------------------------------------------------------------


def documents_resource(
    xapi_request: XapiRequest,
    *,
    address: DocumentAddress,
    id_param: str,
    allowed: set[str],
    put_needs_precondition: bool,
    delete_all: bool,
):
    params = xapi_request.params
    method = xapi_request.method
    allowed = allowed | {id_param}
    if method in ("GET", "HEAD"):
        allowed = allowed | {"since"}
    reject_unknown(params, allowed)
    document_id = params.get(id_param)
    if method in ("GET", "HEAD"):
        require_scope(xapi_request.client, write=False)
        if document_id is None:
            ids = selectors.document_ids(address, since=param_time(params, "since"))
            return json_response(ids)
        if "since" in params:
            raise XapiError(f"since is for listing, not with {id_param}.")
        document = selectors.document_get(address, document_id)
        if document is None:
            raise XapiError("No such document.", status=404)
        response = HttpResponse(
            bytes(document.content), content_type=document.content_type
        )
        return with_document_headers(response, document)
    require_scope(xapi_request.client, write=True)
    if method in ("PUT", "POST"):
        if document_id is None:
            raise XapiError(f"{method} needs the {id_param} parameter.")
        document = services.document_save(
            address=address,
            document_id=document_id,
            content=xapi_request.body,
            content_type=xapi_request.header("Content-Type") or "",
            merge=method == "POST",
            if_match=xapi_request.header("If-Match"),
            if_none_match=xapi_request.header("If-None-Match"),
            require_precondition=put_needs_precondition and method == "PUT",
        )
        return with_document_headers(HttpResponse(status=204), document)
    if method == "DELETE":
        if document_id is None and not delete_all:
            raise XapiError(f"DELETE needs the {id_param} parameter.")
        services.document_delete(
            address=address,
            document_id=document_id,
            if_match=xapi_request.header("If-Match"),
            if_none_match=xapi_request.header("If-None-Match"),
        )
        return HttpResponse(status=204)
    return not_allowed(xapi_request)


def with_document_headers(response: HttpResponse, document: Document):
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def state_resource(xapi_request: XapiRequest):
    params = xapi_request.params
    activity_id = param_iri(params, "activityId", required=True)
    _, agent_key = param_agent(params, required=True)
    registration = param_uuid(params, "registration") or ""
    address = DocumentAddress(
        kind=Document.Kind.STATE,
        activity_id=activity_id,
        agent_ifi=agent_key,
        registration=registration,
    )
    return documents_resource(
        xapi_request,
        address=address,
        id_param="stateId",
        allowed={"activityId", "agent", "registration"},
        # 1.0.3 asks for a precondition on profiles only; 2.0 on every document.
        put_needs_precondition=xapi_request.version == "2",
        delete_all=True,
    )


def activity_profile_resource(xapi_request: XapiRequest):
    activity_id = param_iri(xapi_request.params, "activityId", required=True)
    address = DocumentAddress(
        kind=Document.Kind.ACTIVITY_PROFILE, activity_id=activity_id
    )
    return documents_resource(
        xapi_request,
        address=address,
        id_param="profileId",
        allowed={"activityId"},
        put_needs_precondition=True,
        delete_all=False,
    )


def agent_profile_resource(xapi_request: XapiRequest):
    _, agent_key = param_agent(xapi_request.params, required=True)
    address = DocumentAddress(kind=Document.Kind.AGENT_PROFILE, agent_ifi=agent_key)
    return documents_resource(
        xapi_request,
        address=address,
        id_param="profileId",
        allowed={"agent"},
        put_needs_precondition=True,
        delete_all=False,
    )


# --- activities, agents, about ----------------------------------------------------


def activities_resource(xapi_request: XapiRequest):
    if xapi_request.method not in ("GET", "HEAD"):
        return not_allowed(xapi_request)
    require_scope(xapi_request.client, write=False)
    reject_unknown(xapi_request.params, {"activityId"})
    activity_id = param_iri(xapi_request.params, "activityId", required=True)
    # An Activity Object even for an id the LRS has never seen (2.0 §4.1.6.4).
    activity = selectors.activity_definition(activity_id) or {
        "objectType": "Activity",
        "id": activity_id,
    }
    if xapi_request.language:
        activity = format_canonical(activity, xapi_request.language)
    return json_response(activity)


def agents_resource(xapi_request: XapiRequest):
    if xapi_request.method not in ("GET", "HEAD"):
        return not_allowed(xapi_request)
    require_scope(xapi_request.client, write=False)
    reject_unknown(xapi_request.params, {"agent"})
    agent, _ = param_agent(xapi_request.params, required=True)
    person = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return json_response(person)


def about_resource(xapi_request: XapiRequest):
    if xapi_request.method not in ("GET", "HEAD"):
        return not_allowed(xapi_request)
    # A 1.0.x client may only be told of 1.0.x versions (1.0.3 Part 3 §2.8,
    # XAPI-00316); a 2.0 client, or one naming no version, hears of all of them.
    declared = (xapi_request.header("X-Experience-API-Version") or "").strip()
    versions = ABOUT_VERSIONS
    if declared.startswith("1.0"):
        versions = [version for version in ABOUT_VERSIONS if version.startswith("1.0")]
    return json_response({"version": versions, "extensions": {}})


statements = xapi_view(statements_resource)
state = xapi_view(state_resource)
activity_profile = xapi_view(activity_profile_resource)
agent_profile = xapi_view(agent_profile_resource)
activities = xapi_view(activities_resource)
agents = xapi_view(agents_resource)
about = xapi_view(about_resource, needs_client=False)
