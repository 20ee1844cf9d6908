"""The VNeID simulator refuses what an OpenID Connect provider must refuse."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from motcua.portalsim import vneid

pytestmark = pytest.mark.django_db

CALLBACK = f"http://testserver{vneid.CALLBACK_PATH}"
VERIFIER = "v" * 50
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
FLOW = {
    "client_id": vneid.CLIENT_ID,
    "redirect_uri": CALLBACK,
    "response_type": "code",
    "scope": "openid profile phone",
    "state": "s1",
    "nonce": "n1",
    "code_challenge": CHALLENGE,
    "code_challenge_method": "S256",
}


def code_for(client: Client, password: str = "123456") -> str:
    response = client.post("/sim/dvcqg/vneid/authorize", {**FLOW, "so_dinh_danh": "056090000001", "mat_khau": password})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def token(client: Client, code: str, verifier: str = VERIFIER, secret: str = vneid.CLIENT_SECRET) -> dict:
    return client.post(
        "/sim/dvcqg/vneid/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": vneid.CLIENT_ID,
            "client_secret": secret,
            "code_verifier": verifier,
        },
    ).json()


def test_discovery_and_a_good_exchange() -> None:
    client = Client()
    meta = client.get("/sim/dvcqg/vneid/.well-known/openid-configuration").json()
    assert meta["issuer"] == "http://testserver/sim/dvcqg/vneid" and meta["code_challenge_methods_supported"] == [
        "S256"
    ]
    answer = token(client, code_for(client))
    assert answer["token_type"] == "Bearer" and answer["id_token"].count(".") == 2
    info = client.get("/sim/dvcqg/vneid/userinfo", headers={"Authorization": f"Bearer {answer['access_token']}"})
    assert info.json() == {
        "sub": "vneid-056090000001",
        "personal_id": "056090000001",
        "name": "Nguyễn Văn Ánh",
        "birthdate": "1990-05-12",
        "phone_number": "0905123456",
    }


def test_wrong_password_unknown_client_bad_pkce_reused_code() -> None:
    client = Client()
    wrong = client.post("/sim/dvcqg/vneid/authorize", {**FLOW, "so_dinh_danh": "056090000001", "mat_khau": "x"})
    assert wrong.status_code == 200 and "không đúng" in wrong.content.decode()
    assert client.get("/sim/dvcqg/vneid/authorize", {**FLOW, "client_id": "other"}).status_code == 400
    assert client.get("/sim/dvcqg/vneid/authorize", {**FLOW, "code_challenge_method": "plain"}).status_code == 400
    assert token(client, code_for(client), verifier="w" * 50) == {"error": "invalid_grant"}
    assert token(client, code_for(client), secret="bad") == {"error": "invalid_client"}
    code = code_for(client)
    assert "id_token" in token(client, code)
    assert token(client, code) == {"error": "invalid_grant"}  # a code is used once
    assert client.get("/sim/dvcqg/vneid/userinfo").status_code == 401
