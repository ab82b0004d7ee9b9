"""Builders for xAPI tests: issued credentials, statements, request helpers."""

import base64
import json
import uuid
from urllib.parse import urlencode

from xapi.services import client_issue

VERSION = "1.0.3"


def credentials(scope: str = "read_write", *, version: str = VERSION) -> dict:
    """Issue a client through the service; return the headers a request needs."""
    client, secret = client_issue(name=f"Client {scope}", scope=scope)
    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    if version:
        headers["X-Experience-API-Version"] = version
    return headers


def agent(email: str = "learner@example.org", **extra) -> dict:
    return {"objectType": "Agent", "mbox": f"mailto:{email}", **extra}


def statement(**overrides) -> dict:
    data = {
        "actor": agent(name="Learner"),
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed", "fr": "a terminé"},
        },
        "object": {
            "objectType": "Activity",
            "id": "https://learning.example.org/courses/ct-101",
            "definition": {"name": {"en-US": "Counter-terrorism 101"}},
        },
    }
    data.update(overrides)
    return data


def new_id() -> str:
    return str(uuid.uuid4())


def url(resource: str, **params) -> str:
    query = {
        key: json.dumps(value) if isinstance(value, dict) else value
        for key, value in params.items()
    }
    return f"/xapi/{resource}" + (f"?{urlencode(query)}" if query else "")


def send(client, method: str, path: str, body=None, *, headers: dict, **kwargs):
    """Send JSON (or raw bytes) with the given xAPI headers."""
    content_type = kwargs.pop("content_type", "application/json")
    if body is not None and not isinstance(body, bytes | str):
        body = json.dumps(body)
    return client.generic(
        method,
        path,
        data=body if body is not None else "",
        content_type=content_type,
        headers=headers,
        **kwargs,
    )
