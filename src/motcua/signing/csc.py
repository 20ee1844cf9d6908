"""Client of a CSC API v2 remote signing service (Cloud Signature Consortium, the protocol remote
signing providers and the Government signing service expose), and a pyHanko signer that uses it.

Calls: `oauth2/token` (client credentials) → `credentials/info` (certificate chain) →
`credentials/authorize` (SAD for one hash) → `signatures/signHash`. Every call has a timeout
(`MOTCUA_SIGNING_REMOTE_TIMEOUT`); any failure is `SigningUnavailable`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import CertificateStore

from motcua import config
from motcua.signing.adapters import SigningUnavailable

HASH_OIDS = {"sha256": "2.16.840.1.101.3.4.2.1", "sha384": "2.16.840.1.101.3.4.2.2", "sha512": "2.16.840.1.101.3.4.2.3"}
SIGN_OIDS = {"ecdsa": "1.2.840.10045.4.3.2", "rsa": "1.2.840.113549.1.1.11"}


def base_url() -> str:
    url = config.env("MOTCUA_SIGNING_REMOTE_URL").strip() or f"{config.public_url()}/sim/ky-so/csc/v2/"
    return url if url.endswith("/") else url + "/"


class Client:
    def __init__(self, url: str, client_id: str, secret: str, timeout: float) -> None:
        self.url, self.client_id, self.secret, self.timeout = url, client_id, secret, timeout
        self._token: str | None = None

    @classmethod
    def from_settings(cls) -> Client:
        return cls(
            base_url(),
            config.env("MOTCUA_SIGNING_REMOTE_CLIENT_ID"),
            config.env("MOTCUA_SIGNING_REMOTE_CLIENT_SECRET"),
            float(config.env("MOTCUA_SIGNING_REMOTE_TIMEOUT") or 10),
        )

    def _post(self, path: str, body: dict[str, Any], auth: str | None = None) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **({"Authorization": auth} if auth else {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            raise SigningUnavailable(f"Dịch vụ ký số từ xa từ chối ({exc.code}): {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise SigningUnavailable(f"Không kết nối được dịch vụ ký số từ xa: {exc}") from None
        if not isinstance(answer, dict):
            raise SigningUnavailable("Dịch vụ ký số từ xa trả lời không đúng định dạng.")
        return answer

    def _bearer(self) -> str:
        if self._token is None:
            basic = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
            answer = self._post("oauth2/token", {"grant_type": "client_credentials"}, f"Basic {basic}")
            self._token = str(answer.get("access_token", ""))
        return f"Bearer {self._token}"

    def certificates(self, credential_id: str) -> list[asn1_x509.Certificate]:
        answer = self._post(
            "credentials/info", {"credentialID": credential_id, "certificates": "chain"}, self._bearer()
        )
        try:
            chain = [asn1_x509.Certificate.load(base64.b64decode(c)) for c in answer["cert"]["certificates"]]
        except (KeyError, TypeError, ValueError):
            raise SigningUnavailable("Dịch vụ ký số từ xa không trả chứng thư số.") from None
        if not chain:
            raise SigningUnavailable("Dịch vụ ký số từ xa không trả chứng thư số.")
        return chain

    def sign_hash(self, credential_id: str, digest: bytes, hash_algo: str, sign_algo: str) -> bytes:
        hashes = [base64.b64encode(digest).decode()]
        auth = self._bearer()
        sad = self._post(
            "credentials/authorize",
            {"credentialID": credential_id, "numSignatures": 1, "hashes": hashes, "hashAlgorithmOID": hash_algo},
            auth,
        ).get("SAD")
        answer = self._post(
            "signatures/signHash",
            {
                "credentialID": credential_id,
                "SAD": sad,
                "hashes": hashes,
                "hashAlgorithmOID": hash_algo,
                "signAlgo": sign_algo,
            },
            auth,
        )
        try:
            return base64.b64decode(answer["signatures"][0])
        except (KeyError, IndexError, TypeError, ValueError):
            raise SigningUnavailable("Dịch vụ ký số từ xa không trả chữ ký.") from None


class RemoteSigner(signers.Signer):
    """pyHanko builds the CMS; only the raw signature of the signed attributes' hash is remote."""

    def __init__(
        self, client: Client, credential_id: str, cert: asn1_x509.Certificate, registry: CertificateStore
    ) -> None:
        self.client, self.credential_id = client, credential_id
        super().__init__(signing_cert=cert, cert_registry=registry)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        cert = self.signing_cert
        assert cert is not None
        key_kind = "ecdsa" if cert.public_key.algorithm == "ec" else "rsa"
        if dry_run:
            return bytes(72 if key_kind == "ecdsa" else 512)
        if digest_algorithm not in HASH_OIDS:
            raise SigningUnavailable(f"Thuật toán băm {digest_algorithm} không được hỗ trợ.")
        digest = hashlib.new(digest_algorithm, data).digest()
        return self.client.sign_hash(self.credential_id, digest, HASH_OIDS[digest_algorithm], SIGN_OIDS[key_kind])
