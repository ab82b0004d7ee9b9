"""HTTP Basic authentication of LRS clients against their hashed secrets."""

import base64
import binascii
import hashlib

from django.contrib.auth.hashers import check_password

from xapi.errors import XapiError
from xapi.models import LrsClient

# Password hashing is slow by design, and xAPI clients authenticate on every
# request: remember (stored hash, digest of the secret) pairs already checked. A
# changed secret changes the stored hash, so it never matches a remembered pair.
_verified: dict[tuple[str, str], bool] = {}
_VERIFIED_LIMIT = 4096


def secret_matches(secret: str, secret_hash: str) -> bool:
    digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    cache_key = (secret_hash, digest)
    if _verified.get(cache_key):
        return True
    if not check_password(secret, secret_hash):
        return False
    if len(_verified) >= _VERIFIED_LIMIT:
        _verified.clear()
    _verified[cache_key] = True
    return True


def credentials_from(header: str | None) -> tuple[str, str]:
    if not header:
        raise XapiError("Authentication is required.", status=401)
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise XapiError("Use HTTP Basic authentication.", status=401)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise XapiError("The Authorization header is malformed.", status=401) from error
    key, colon, secret = decoded.partition(":")
    if not colon:
        raise XapiError("The Authorization header is malformed.", status=401)
    return key, secret


def client_authenticate(header: str | None) -> LrsClient:
    """The active client these credentials belong to; 401 otherwise."""
    key, secret = credentials_from(header)
    client = LrsClient.objects.filter(key=key).first()
    if client is None:
        raise XapiError("Unknown credentials.", status=401)
    if not secret_matches(secret, client.secret_hash):
        raise XapiError("Unknown credentials.", status=401)
    if not client.is_active:
        raise XapiError("These credentials have been revoked.", status=401)
    return client


def require_scope(client: LrsClient, *, write: bool) -> None:
    if write and not client.can_write:
        raise XapiError("These credentials may not write.", status=403)
    if not write and not client.can_read:
        raise XapiError("These credentials may not read.", status=403)
