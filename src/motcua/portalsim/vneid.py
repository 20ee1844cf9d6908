"""A VNeID-style OpenID Connect provider (authorization code flow with PKCE S256, RS256 ID tokens).

Endpoints under `/sim/dvcqg/vneid/`: discovery (`.well-known/openid-configuration`), `authorize`
(the sign-in page: 12-digit personal identification number and password), `token`, `userinfo`,
`jwks`. One registered client: the simulated national portal (`CLIENT_ID`). Tokens are signed with
joserfc; the portal side signs in through authlib's OAuth 2 client (`portal.py`).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.hashers import check_password
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc import jwt
from joserfc.jwk import RSAKey

from motcua.portalsim.citizens import TEST_CITIZENS, TEST_PASSWORD, ensure_citizens
from motcua.portalsim.models import AccessToken, AuthorizationCode, Citizen, SigningKey

CLIENT_ID = "dvcqg-portal"
CLIENT_SECRET = "dvcqg-portal-secret"  # the simulator's own client; not a production secret
CALLBACK_PATH = "/sim/dvcqg/dang-nhap/xong/"
BASE_PATH = "/sim/dvcqg/vneid"
CODE_SECONDS = 120
TOKEN_SECONDS = 3600


def issuer(request: HttpRequest) -> str:
    return request.build_absolute_uri(BASE_PATH)


def metadata(request: HttpRequest) -> dict[str, Any]:
    iss = issuer(request)
    return {
        "issuer": iss,
        "authorization_endpoint": f"{iss}/authorize",
        "token_endpoint": f"{iss}/token",
        "userinfo_endpoint": f"{iss}/userinfo",
        "jwks_uri": f"{iss}/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "phone", "address"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "birthdate", "phone_number", "address", "personal_id"],
    }


def signing_key() -> RSAKey:
    row = SigningKey.objects.order_by("id").first()
    if row is None:
        kid = secrets.token_hex(8)
        key = RSAKey.generate_key(2048, parameters={"kid": kid}, private=True)
        row, _ = SigningKey.objects.get_or_create(kid=kid, defaults={"private_jwk": key.as_dict(private=True)})
    return RSAKey.import_key(row.private_jwk)


def claims_of(citizen: Citizen, scope: str) -> dict[str, Any]:
    scopes = set(scope.split())
    claims: dict[str, Any] = {"sub": citizen.subject, "personal_id": citizen.id_number}
    if "profile" in scopes:
        claims.update(name=citizen.name, birthdate=citizen.birth_date.isoformat())
    if "phone" in scopes:
        claims["phone_number"] = citizen.phone
    if "address" in scopes:
        claims["address"] = {"formatted": citizen.address}
    return claims


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    return JsonResponse(metadata(request))


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": [signing_key().as_dict(private=False)]})


def _client_ok(client_id: str, redirect_uri: str, request: HttpRequest) -> bool:
    return client_id == CLIENT_ID and redirect_uri == request.build_absolute_uri(CALLBACK_PATH)


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """The sign-in page; on success, back to the client with `code` and `state`."""
    params = request.GET if request.method == "GET" else request.POST
    keys = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge")
    flow = {k: params.get(k, "") for k in (*keys, "code_challenge_method")}
    if not _client_ok(flow["client_id"], flow["redirect_uri"], request):
        return HttpResponseBadRequest("unknown client or redirect_uri")
    if flow["response_type"] != "code" or "openid" not in flow["scope"].split() or not flow["code_challenge"]:
        return HttpResponseBadRequest("need response_type=code, scope openid and a PKCE code_challenge")
    if flow["code_challenge_method"] != "S256":
        return HttpResponseBadRequest("code_challenge_method must be S256")
    ensure_citizens()
    context: dict[str, Any] = {
        "flow": flow,
        "test_citizens": TEST_CITIZENS,
        "test_password": TEST_PASSWORD,
        "id_number": "",
    }
    if request.method == "POST":
        id_number = request.POST.get("so_dinh_danh", "").strip()
        citizen = Citizen.objects.filter(id_number=id_number).first()
        context["id_number"] = id_number
        if citizen is None or not check_password(request.POST.get("mat_khau", ""), citizen.password):
            context["error"] = True
            return render(request, "portalsim/vneid_login.html", context, status=200)
        code = secrets.token_urlsafe(32)
        AuthorizationCode.objects.create(
            code=code,
            citizen=citizen,
            client_id=flow["client_id"],
            redirect_uri=flow["redirect_uri"],
            scope=flow["scope"],
            nonce=flow["nonce"],
            code_challenge=flow["code_challenge"],
            expires_at=timezone.now() + timedelta(seconds=CODE_SECONDS),
        )
        return redirect(f"{flow['redirect_uri']}?{urlencode({'code': code, 'state': flow['state']})}")
    return render(request, "portalsim/vneid_login.html", context)


def _token_error(error: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Basic "):
        try:
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", ""
        return client_id, client_secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt  # a back-channel call authenticated by the client secret
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    client_id, client_secret = _client_credentials(request)
    if client_id != CLIENT_ID or not secrets.compare_digest(client_secret, CLIENT_SECRET):
        return _token_error("invalid_client", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    row = AuthorizationCode.objects.filter(code=request.POST.get("code", "")).select_related("citizen").first()
    if row is None or row.used or row.expires_at < timezone.now() or row.client_id != client_id:
        return _token_error("invalid_grant")
    if row.redirect_uri != request.POST.get("redirect_uri", ""):
        return _token_error("invalid_grant")
    verifier = request.POST.get("code_verifier", "")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    if not verifier or not secrets.compare_digest(challenge, row.code_challenge):
        return _token_error("invalid_grant")
    # A code is used once (RFC 6749 §4.1.2).
    if AuthorizationCode.objects.filter(pk=row.pk, used=False).update(used=True) != 1:
        return _token_error("invalid_grant")
    access = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        token=access,
        citizen=row.citizen,
        scope=row.scope,
        expires_at=timezone.now() + timedelta(seconds=TOKEN_SECONDS),
    )
    now = int(time.time())
    key = signing_key()
    id_claims = {
        "iss": issuer(request),
        "aud": client_id,
        "iat": now,
        "exp": now + TOKEN_SECONDS,
        "auth_time": now,
        "nonce": row.nonce,
        **claims_of(row.citizen, row.scope),
    }
    id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, id_claims, key)
    response = JsonResponse(
        {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": row.scope,
            "id_token": id_token,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def userinfo(request: HttpRequest) -> JsonResponse:
    auth = request.headers.get("Authorization", "")
    row = (
        AccessToken.objects.filter(token=auth[7:], expires_at__gt=timezone.now()).select_related("citizen").first()
        if auth.startswith("Bearer ")
        else None
    )
    if row is None:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return JsonResponse(claims_of(row.citizen, row.scope))
