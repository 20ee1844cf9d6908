"""Local simulator of a CSC API v2 remote signing service, mounted at `/sim/ky-so/csc/v2/` (only while
`config.simulators_on()`). It holds the keys (the same files the local adapter reads, from the demo
test CA) and speaks the calls `csc.Client` makes, with the service's own refusals (401, 400)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua import config
from motcua.signing import ca, keystore
from motcua.signing.keystore import Identity

HASHES = {
    "2.16.840.1.101.3.4.2.1": hashes.SHA256(),
    "2.16.840.1.101.3.4.2.2": hashes.SHA384(),
    "2.16.840.1.101.3.4.2.3": hashes.SHA512(),
}


def _mac(*parts: str) -> str:
    return hmac.new(config.secret_key().encode(), "|".join(parts).encode(), hashlib.sha256).hexdigest()


def _error(status: int, error: str, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _client_ok(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return False
    token = header[7:]
    client_id = config.env("MOTCUA_SIGNING_REMOTE_CLIENT_ID")
    return hmac.compare_digest(token, _mac("token", client_id))


def _identity(body: dict[str, Any]) -> Identity | None:
    identity = Identity.parse(str(body.get("credentialID", "")))
    if identity is None or not ca.ensure(identity):
        return None
    return identity


def endpoint(view: Any) -> Any:
    def wrapped(request: HttpRequest) -> Any:
        if not config.simulators_on():
            raise Http404("simulators are off")
        return view(request)

    wrapped.__name__ = view.__name__
    return csrf_exempt(require_POST(wrapped))


@endpoint
def info(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "specs": "2.0.0.0",
            "name": "motcua – giả lập dịch vụ ký số từ xa",
            "region": "VN",
            "lang": "vi-VN",
            "authType": ["oauth2client"],
            "methods": [
                "oauth2/token",
                "credentials/list",
                "credentials/info",
                "credentials/authorize",
                "signatures/signHash",
            ],
        }
    )


@endpoint
def token(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    try:
        client_id, _, secret = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return _error(401, "invalid_client", "Basic client credentials required")
    expected_secret = config.env("MOTCUA_SIGNING_REMOTE_CLIENT_SECRET")
    if client_id != config.env("MOTCUA_SIGNING_REMOTE_CLIENT_ID") or (
        expected_secret and not hmac.compare_digest(secret, expected_secret)
    ):
        return _error(401, "invalid_client", "unknown client or wrong secret")
    return JsonResponse({"access_token": _mac("token", client_id), "token_type": "Bearer", "expires_in": 3600})


@endpoint
def credentials_list(request: HttpRequest) -> JsonResponse:
    if not _client_ok(request):
        return _error(401, "invalid_token", "bearer token required")
    folder = keystore.signing_dir()
    ids = [f"unit:{p.stem}" for p in sorted((folder / "units").glob("*.pem"))]
    ids += [f"person:{p.stem}" for p in sorted((folder / "people").glob("*.pem"))]
    return JsonResponse({"credentialIDs": ids})


@endpoint
def credentials_info(request: HttpRequest) -> JsonResponse:
    if not _client_ok(request):
        return _error(401, "invalid_token", "bearer token required")
    identity = _identity(_body(request))
    if identity is None:
        return _error(400, "invalid_request", "unknown credentialID")
    cert_path, _ = keystore.paths(identity)
    from cryptography import x509

    chain = [x509.load_pem_x509_certificate(cert_path.read_bytes())]
    root = keystore.ca_paths()[0]
    if root.exists():
        chain.append(x509.load_pem_x509_certificate(root.read_bytes()))
    der = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain]
    return JsonResponse(
        {"key": {"status": "enabled"}, "cert": {"status": "valid", "certificates": der}, "authMode": "implicit"}
    )


@endpoint
def authorize(request: HttpRequest) -> JsonResponse:
    if not _client_ok(request):
        return _error(401, "invalid_token", "bearer token required")
    body = _body(request)
    identity = _identity(body)
    hashes_ = body.get("hashes")
    if identity is None or not isinstance(hashes_, list) or not hashes_:
        return _error(400, "invalid_request", "credentialID and hashes required")
    return JsonResponse({"SAD": _mac("sad", identity.credential_id, *map(str, hashes_))})


@endpoint
def sign_hash(request: HttpRequest) -> JsonResponse:
    if not _client_ok(request):
        return _error(401, "invalid_token", "bearer token required")
    body = _body(request)
    identity = _identity(body)
    hashes_ = body.get("hashes")
    algorithm = HASHES.get(str(body.get("hashAlgorithmOID", "")))
    if identity is None or not isinstance(hashes_, list) or not hashes_ or algorithm is None:
        return _error(400, "invalid_request", "credentialID, hashes and a known hashAlgorithmOID required")
    if not hmac.compare_digest(str(body.get("SAD", "")), _mac("sad", identity.credential_id, *map(str, hashes_))):
        return _error(400, "invalid_request", "SAD does not authorise these hashes")
    _, key_path = keystore.paths(identity)
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=keystore.passphrase())
    signatures = []
    for item in hashes_:
        try:
            digest = base64.b64decode(str(item), validate=True)
        except ValueError:
            return _error(400, "invalid_request", "hashes must be base64")
        if isinstance(key, ec.EllipticCurvePrivateKey):
            raw = key.sign(digest, ec.ECDSA(utils.Prehashed(algorithm)))
        elif isinstance(key, rsa.RSAPrivateKey):
            raw = key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algorithm))
        else:
            return _error(400, "invalid_request", "unsupported key type")
        signatures.append(base64.b64encode(raw).decode())
    return JsonResponse({"signatures": signatures})
