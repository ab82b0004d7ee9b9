"""The HTTP side of xAPI: version header, alternate syntax, multipart, responses."""

import json
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpResponse

from xapi.errors import XapiError

SUPPORTED_VERSION = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")
RESPONSE_VERSIONS = {"1": "1.0.3", "2": "2.0.0"}
ABOUT_VERSIONS = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]
# Headers a client may send as form fields in the 1.0.3 alternate request syntax.
FORM_HEADERS = {
    "authorization": "Authorization",
    "x-experience-api-version": "X-Experience-API-Version",
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "if-match": "If-Match",
    "if-none-match": "If-None-Match",
}
DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024


def max_request_bytes() -> int:
    return getattr(settings, "XAPI_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES)


@dataclass
class XapiRequest:
    """A request reduced to what the resources need, whichever syntax it came in."""

    method: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    content_type: str = ""
    content_type_params: dict[str, str] = field(default_factory=dict)
    version: str = "1"
    language: list[str] = field(default_factory=list)
    client: object = None
    absolute_base: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json_body(self):
        return json_parse(self.body, "body")


def unique_keys(pairs: list[tuple]) -> dict:
    """A JSON object whose keys each appear once (Part 2 §2.4: XAPI-00021)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("an object repeats a key")
    return result


def json_parse(content: bytes, what: str):
    """Parse UTF-8 JSON, refusing (400) objects with duplicate keys."""
    try:
        return json.loads(content.decode("utf-8"), object_pairs_hook=unique_keys)
    except (UnicodeDecodeError, ValueError) as error:
        raise XapiError(f"The {what} is not valid JSON: {error}") from error


def split_content_type(value: str) -> tuple[str, dict[str, str]]:
    main, _, rest = (value or "").partition(";")
    params = {}
    for part in rest.split(";"):
        name, _, val = part.strip().partition("=")
        if name:
            params[name.strip().lower()] = val.strip().strip('"')
    return main.strip().lower(), params


def read_body(request) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise XapiError("Content-Length is not a number.") from error
    if length > max_request_bytes():
        raise XapiError("The request is larger than this LRS accepts.", status=413)
    # Read the stream ourselves: the limit above is the xAPI one (413), not
    # Django's form-data limit.
    body = request.read(length) if length else b""
    return body


def xapi_request_from(request) -> XapiRequest:
    """Build an XapiRequest, unfolding the alternate request syntax (§1.3)."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    params = dict(request.GET.items())
    method = request.method
    body = read_body(request)
    if "method" in params:
        if method != "POST":
            raise XapiError("The alternate request syntax uses POST.")
        if set(params) != {"method"}:
            raise XapiError(
                "The alternate request syntax takes no query parameters but method."
            )
        content_type, _ = split_content_type(headers.get("content-type", ""))
        if content_type != "application/x-www-form-urlencoded":
            raise XapiError("The alternate request syntax needs a form-encoded body.")
        method = params.pop("method").upper()
        if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
            raise XapiError(f"Unknown method {method!r}.", status=405)
        try:
            form = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError as error:
            raise XapiError("The form body is not UTF-8.") from error
        body = b""
        headers.pop("content-type", None)
        for name, value in form:
            lowered = name.lower()
            if lowered in FORM_HEADERS:
                headers[lowered] = value
            elif name == "content":
                body = value.encode("utf-8")
            else:
                params[name] = value
        version = headers.get("x-experience-api-version", "")
        if version.startswith("2"):
            raise XapiError("xAPI 2.0 has no alternate request syntax.")
    content_type, content_params = split_content_type(headers.get("content-type", ""))
    return XapiRequest(
        method=method,
        params=params,
        headers=headers,
        body=body,
        content_type=content_type,
        content_type_params=content_params,
        language=accepted_languages(headers.get("accept-language", "")),
        absolute_base=request.build_absolute_uri("/xapi/"),
    )


def accepted_languages(header: str) -> list[str]:
    ranked = []
    for index, part in enumerate(header.split(",")):
        tag, _, quality = part.strip().partition(";q=")
        if not tag or tag == "*":
            continue
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def check_version(xapi_request: XapiRequest) -> None:
    """Every request but `about` names a supported xAPI version (Part 3 §3.3)."""
    value = xapi_request.header("X-Experience-API-Version")
    if not value:
        raise XapiError("The X-Experience-API-Version header is required.")
    if not SUPPORTED_VERSION.match(value.strip()):
        raise XapiError(f"xAPI version {value!r} is not supported.")
    xapi_request.version = value.strip()[0]


# --- multipart/mixed (Part 3 §1.5.2 "Attachments") -------------------------------


@dataclass
class Part:
    headers: dict[str, str]
    body: bytes


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    if not boundary:
        raise XapiError("multipart/mixed needs a boundary.")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise XapiError("The multipart body has no parts.")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise XapiError("A multipart part has no header/body separator.")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon:
                raise XapiError("A multipart part has a malformed header.")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers=headers, body=content.removesuffix(b"\r\n")))
    else:
        raise XapiError("The multipart body has no closing boundary.")
    return parts


def build_multipart(first_json: bytes, attachments: list[tuple[str, str, bytes]]):
    """A multipart/mixed body: the statements, then each attachment's raw bytes."""
    boundary = secrets.token_hex(16)
    lines = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        first_json,
        b"\r\n",
    ]
    for sha2, content_type, content in attachments:
        lines.append(
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                "Content-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {sha2}\r\n\r\n"
            ).encode()
        )
        lines.append(content)
        lines.append(b"\r\n")
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines), f"multipart/mixed; boundary={boundary}"


# --- responses --------------------------------------------------------------------


def json_response(data, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def error_response(error: XapiError) -> HttpResponse:
    return json_response({"error": True, "message": error.message}, status=error.status)
