"""The trust key: one Ed25519 key kept outside the database.

It signs checkpoints (`checkpoints.py`) and, through a key derived from it, seals each dossier's
chain head (`seal`): an HMAC over (code, event count, head hash) stored on the dossier row. Whoever
can write the database but cannot read this file cannot append, truncate or rewrite a chain without
`motcua audit verify` noticing (except by putting back an older head *with its older seal*, which
the next checkpoint catches: see docs/ARCHITECTURE.md, "What verification promises").

The file is created (mode 0600) when absent, so a new installation and the demo work at once; a
production installation points `MOTCUA_TRUST_KEY_FILE` at a key on another volume or a mounted
secret, and keeps a copy: a lost key makes every seal and later checkpoint fail verification.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from motcua import config


class KeyError_(Exception):
    """The key file is unreadable or not an Ed25519 key (one English line)."""


def key_path() -> Path:
    raw = config.env("MOTCUA_TRUST_KEY_FILE")
    return Path(raw) if raw else config.data_dir() / "keys" / "trust-ed25519.pem"


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    print(f"motcua: created the trust key {path} (keep a copy off this machine)", file=sys.stderr)


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise KeyError_(f"cannot read the trust key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"the trust key {path} is not an Ed25519 key")
    return key


def private_key(create: bool = True) -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        if not create:
            raise KeyError_(f"no trust key at {path}")
        with contextlib.suppress(FileExistsError):  # another process created it meanwhile
            _create(path)
    return _load(str(path))


@functools.lru_cache(maxsize=4)
def _load_public(path: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise KeyError_(f"cannot read the trusted public key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyError_(f"the trusted public key {path} is not an Ed25519 key")
    return key


def trusted_public_key() -> Ed25519PublicKey:
    """The key checkpoints must be signed with: `MOTCUA_TRUST_PUBLIC_KEY_FILE`, else the key file's own."""
    raw = config.env("MOTCUA_TRUST_PUBLIC_KEY_FILE")
    if raw:
        return _load_public(raw)
    return private_key(create=False).public_key()


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(raw_public(key)).decode("ascii")


def fingerprint(key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of SHA-256 over its raw bytes."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _seal_key(path: str) -> bytes:
    raw = _load(path).private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return hashlib.sha256(b"motcua chain-head seal v1\0" + raw).digest()


def seal_key(create: bool = True) -> bytes:
    private_key(create=create)  # creates the file when asked and absent
    return _seal_key(str(key_path()))


def seal(code: str, count: int, head: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 over a dossier's chain head: `code NUL count NUL head` (hex)."""
    k = key if key is not None else seal_key()
    return hmac.new(k, f"{code}\0{count}\0{head}".encode(), hashlib.sha256).hexdigest()


def clear_caches() -> None:
    """Forget loaded keys (tests that switch key files)."""
    _load.cache_clear()
    _load_public.cache_clear()
    _seal_key.cache_clear()
