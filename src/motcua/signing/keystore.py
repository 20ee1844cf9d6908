"""Where certificates and keys live (`MOTCUA_SIGNING_DIR`) and who an identity is.

An identity is a unit (`unit:H32.101`, the organisation's certificate) or a person
(`person:leader`, an official's personal certificate). The local signer reads
`units/<CODE>.pem|.key` and `people/<username>.pem|.key`; the CSC simulator holds the same files
and names its credentials after the identity.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from motcua import config

T = TypeVar("T")
_SAFE = re.compile(r"^[A-Za-z0-9._@-]{1,150}$")


@dataclass(frozen=True)
class Identity:
    kind: str  # "unit" or "person"
    name: str  # unit code or username

    @property
    def credential_id(self) -> str:
        return f"{self.kind}:{self.name}"

    @classmethod
    def parse(cls, credential_id: str) -> Identity | None:
        kind, _, name = credential_id.partition(":")
        if kind not in ("unit", "person") or not _SAFE.match(name):
            return None
        return cls(kind, name)


def unit_identity(unit_code: str) -> Identity:
    return Identity("unit", unit_code)


def person_identity(username: str) -> Identity:
    return Identity("person", username)


def signing_dir() -> Path:
    configured = config.env("MOTCUA_SIGNING_DIR").strip()
    return Path(configured).resolve() if configured else config.data_dir() / "signing"


def paths(identity: Identity) -> tuple[Path, Path]:
    """(certificate, key) files of an identity; the name is checked so it cannot leave the folder."""
    if not _SAFE.match(identity.name) or identity.name.startswith("."):
        raise ValueError(f"not a usable identity name: {identity.name!r}")
    folder = signing_dir() / ("units" if identity.kind == "unit" else "people")
    return folder / f"{identity.name}.pem", folder / f"{identity.name}.key"


def ca_paths() -> tuple[Path, Path]:
    return signing_dir() / "ca" / "root.pem", signing_dir() / "ca" / "root.key"


def trust_root_files() -> list[Path]:
    configured = [p.strip() for p in config.env("MOTCUA_SIGNING_TRUST_ROOTS").split(",") if p.strip()]
    return [Path(p) for p in configured] if configured else [ca_paths()[0]]


def load_cert(path: Path) -> Any:
    """A PEM/DER certificate as pyHanko's (asn1crypto) object."""
    from pyhanko.keys import load_cert_from_pemder

    return cast(Any, load_cert_from_pemder)(str(path))


def cert_store(certs: list[Any]) -> Any:
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return cast(Any, SimpleCertificateStore).from_certs(certs)


def off_loop(fn: Callable[[], T]) -> T:
    """Run `fn` here, or in a worker thread when this thread already runs an asyncio loop: pyHanko's
    synchronous API calls `asyncio.run()`, which a running loop (an ASGI server, Playwright) refuses."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def passphrase() -> bytes | None:
    value = config.env("MOTCUA_SIGNING_KEY_PASSPHRASE")
    return value.encode() if value else None
