"""Attachments in multipart/mixed and signed statements.

Sections cite xAPI 1.0.3 Part 3 §1.5.2 ("Attachments") and Part 2 §2.6 ("Signed
Statements").
"""

import base64
import datetime
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.xapi.factories import credentials, new_id, statement, url

pytestmark = pytest.mark.django_db

BOUNDARY = "xapi-test-boundary"
USAGE = "https://learning.example.org/attachments/certificate"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def described(content: bytes, **extra) -> dict:
    return {
        "usageType": USAGE,
        "display": {"en-US": "Certificate"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **extra,
    }


def multipart(statements, parts: list[tuple[bytes, str, str]]) -> bytes:
    chunks = [
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statements).encode(),
        b"\r\n",
    ]
    for content, content_type, sha2 in parts:
        chunks.append(
            (
                f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}"
                "\r\n\r\n"
            ).encode()
        )
        chunks += [content, b"\r\n"]
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


def post_multipart(client, headers, body: bytes):
    return client.generic(
        "POST",
        url("statements"),
        data=body,
        content_type=f"multipart/mixed; boundary={BOUNDARY}",
        headers=headers,
    )


def test_attachment_in_multipart_is_stored_and_returned(client):  # Part 3 §1.5.2
    headers = credentials()
    content = b"Certificate of completion"
    sha2 = hashlib.sha256(content).hexdigest()
    statement_id = new_id()
    body = multipart(
        statement(id=statement_id, attachments=[described(content)]),
        [(content, "text/plain", sha2)],
    )

    response = post_multipart(client, headers, body)
    fetched = client.get(
        url("statements", statementId=statement_id, attachments="true"), headers=headers
    )

    assert response.status_code == 200, response.content
    assert fetched["Content-Type"].startswith("multipart/mixed; boundary=")
    assert content in fetched.content
    assert f"X-Experience-API-Hash: {sha2}".encode() in fetched.content


def test_attachment_with_file_url_needs_no_part(client):  # Part 3 §1.5.2
    content = b"hosted elsewhere"
    attachment = described(content, fileUrl="https://files.example.org/cert.txt")

    response = client.post(
        url("statements"),
        data=json.dumps(statement(attachments=[attachment])),
        content_type="application/json",
        headers=credentials(),
    )

    assert response.status_code == 200


def test_attachment_without_file_url_or_part_is_400(client):  # Part 3 §1.5.2
    response = client.post(
        url("statements"),
        data=json.dumps(statement(attachments=[described(b"missing")])),
        content_type="application/json",
        headers=credentials(),
    )

    assert response.status_code == 400


def test_part_not_matching_its_hash_is_400(client):  # Part 3 §1.5.2
    content = b"real"
    body = multipart(
        statement(attachments=[described(content)]),
        [(b"tampered", "text/plain", hashlib.sha256(content).hexdigest())],
    )

    assert post_multipart(client, credentials(), body).status_code == 400


def test_part_no_attachment_describes_is_400(client):  # Part 3 §1.5.2
    stray = b"stray"
    body = multipart(
        statement(), [(stray, "text/plain", hashlib.sha256(stray).hexdigest())]
    )

    assert post_multipart(client, credentials(), body).status_code == 400


def test_part_without_binary_transfer_encoding_is_400(client):  # Part 3 §1.5.2
    content = b"x"
    body = multipart(
        statement(attachments=[described(content)]),
        [(content, "text/plain", hashlib.sha256(content).hexdigest())],
    ).replace(b"Content-Transfer-Encoding: binary\r\n", b"")

    assert post_multipart(client, credentials(), body).status_code == 400


# --- signed statements (Part 2 §2.6) ------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signing_material():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Signer")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def jws(payload: dict, *, alg: str = "RS256", tamper: bool = False) -> bytes:
    key, certificate = signing_material()
    der = certificate.public_bytes(serialization.Encoding.DER)
    header = {"alg": alg, "x5c": [base64.b64encode(der).decode()]}
    signing_input = (
        f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    )
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    if tamper:
        signature = bytes([signature[0] ^ 1]) + signature[1:]
    return f"{signing_input}.{b64url(signature)}".encode()


def signed_request(original: dict, signature: bytes) -> bytes:
    sha2 = hashlib.sha256(signature).hexdigest()
    attachment = {
        "usageType": SIGNATURE,
        "display": {"en-US": "Signature"},
        "contentType": "application/octet-stream",
        "length": len(signature),
        "sha2": sha2,
    }
    return multipart(
        {**original, "attachments": [attachment]},
        [(signature, "application/octet-stream", sha2)],
    )


def test_signed_statement_with_valid_jws_is_accepted(client):  # Part 2 §2.6
    original = statement(id=new_id())

    response = post_multipart(
        client, credentials(), signed_request(original, jws(original))
    )

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "case",
    ["not compact", "wrong algorithm", "payload differs", "bad signature"],
)
def test_signed_statement_with_invalid_jws_is_400(client, case):  # Part 2 §2.6
    original = statement(id=new_id())
    signature = {
        "not compact": b"not-a-jws",
        "wrong algorithm": jws(original, alg="HS256"),
        "payload differs": jws({**original, "verb": {"id": "http://x.org/other"}}),
        "bad signature": jws(original, tamper=True),
    }[case]

    response = post_multipart(
        client, credentials(), signed_request(original, signature)
    )

    assert response.status_code == 400, case
