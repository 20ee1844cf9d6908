"""Signer adapters: who holds the private key. `local` reads key files; `remote` asks a CSC API v2
service (the Government signing service, a remote-signing provider, or the local simulator).

`signer_for(identity)` returns a pyHanko `Signer` for the configured adapter; both raise
`SigningUnavailable` with a Vietnamese message when the key cannot be used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_private_key_from_pemder
from pyhanko.sign import signers

from motcua import config
from motcua.signing import ca, keystore
from motcua.signing.keystore import Identity


class SigningUnavailable(Exception):
    """The document cannot be signed now (missing certificate, remote service down); message in Vietnamese."""


@dataclass
class Prepared:
    signer: signers.Signer
    certificate: asn1_x509.Certificate
    provider: str

    @property
    def subject(self) -> str:
        return str(self.certificate.subject.native.get("common_name", ""))

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.certificate.dump()).hexdigest()


def _chain() -> list[asn1_x509.Certificate]:
    return [keystore.load_cert(p) for p in keystore.trust_root_files() if p.exists()]


def local(identity: Identity) -> Prepared:
    cert_path, key_path = keystore.paths(identity)
    if not (cert_path.exists() and key_path.exists()) and not ca.ensure(identity):
        raise SigningUnavailable(f"Chưa có chứng thư số cho {identity.name} (thư mục {cert_path.parent}).")
    try:
        cert = keystore.load_cert(cert_path)
        key = load_private_key_from_pemder(str(key_path), passphrase=keystore.passphrase())
    except (OSError, ValueError) as exc:
        raise SigningUnavailable(f"Không đọc được chứng thư số hoặc khóa của {identity.name}: {exc}") from None
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=keystore.cert_store(_chain()))
    return Prepared(signer, cert, "local")


def remote(identity: Identity) -> Prepared:
    from motcua.signing import csc

    client = csc.Client.from_settings()
    certificates = client.certificates(identity.credential_id)
    cert, *chain = certificates
    signer = csc.RemoteSigner(client, identity.credential_id, cert, keystore.cert_store(chain))
    return Prepared(signer, cert, "remote")


ADAPTERS: dict[str, Callable[[Identity], Prepared]] = {"local": local, "remote": remote}


def signer_for(identity: Identity) -> Prepared:
    name = config.env("MOTCUA_SIGNING_PROVIDER").strip() or "local"
    adapter = ADAPTERS.get(name)
    if adapter is None:
        raise SigningUnavailable(f"MOTCUA_SIGNING_PROVIDER={name!r} không được hỗ trợ (local, remote).")
    return adapter(identity)
