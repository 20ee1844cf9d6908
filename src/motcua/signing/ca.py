"""The demo's local test certificate authority (never for production): a root CA and certificates
for units and officials, made with `cryptography` into `MOTCUA_SIGNING_DIR` (never committed).

`motcua signing init-ca` makes the root and one certificate per active unit and per leader;
`ensure(identity)` issues a missing one on first use while the test CA's key is present (development).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils import timezone

from motcua import config
from motcua.signing import keystore
from motcua.signing.keystore import Identity

ROOT_NAME = "motcua CA thử nghiệm (demo, không có giá trị)"
ORGANISATION = "motcua demo"
VALID_YEARS = 10


def _fit(value: str) -> str:
    """At most 64 bytes of UTF-8 (the X.520 upper bound as `cryptography` checks it), whole characters."""
    while len(value.encode()) > 64:
        value = value[:-1]
    return value.strip() or "-"


def _name(common_name: str, organisation: str = ORGANISATION, unit: str = "") -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
    ]
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _fit(unit)))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    return x509.Name(attrs)


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    if private:
        tmp.chmod(0o600)
    os.replace(tmp, path)


def _key_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    secret = keystore.passphrase()
    encryption = serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=keystore.passphrase())
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def init_root(force: bool = False) -> bool:
    """Create the root CA unless present; True when created."""
    cert_path, key_path = keystore.ca_paths()
    if cert_path.exists() and key_path.exists() and not force:
        return False
    now = timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(ROOT_NAME)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _key_bytes(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return True


def issue(identity: Identity, common_name: str, organisation: str, unit: str = "", force: bool = False) -> bool:
    """Issue a signing certificate for `identity` from the test CA; True when made."""
    cert_path, key_path = keystore.paths(identity)
    if cert_path.exists() and key_path.exists() and not force:
        return False
    root_cert_path, root_key_path = keystore.ca_paths()
    root = x509.load_pem_x509_certificate(root_cert_path.read_bytes())
    root_key = _load_key(root_key_path)
    now = timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation, unit))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * VALID_YEARS - 2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    _write(key_path, _key_bytes(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return True


def test_ca_present() -> bool:
    return all(p.exists() for p in keystore.ca_paths())


def ensure(identity: Identity) -> bool:
    """Development only: issue a missing certificate from the test CA on first use (making the CA if needed).
    In production nothing is made: a missing certificate is a configuration error."""
    cert_path, key_path = keystore.paths(identity)
    if cert_path.exists() and key_path.exists():
        return True
    if config.production() and not config.simulators_on():
        return False
    init_root()
    common, organisation, unit = describe(identity)
    return issue(identity, common, organisation, unit) or cert_path.exists()


def describe(identity: Identity) -> tuple[str, str, str]:
    """(common name, organisation, organisational unit) printed in a certificate for an identity."""
    from django.contrib.auth import get_user_model

    from motcua.organizations.models import Unit

    if identity.kind == "unit":
        unit = Unit.objects.filter(code=identity.name).select_related("parent").first()
        if unit is None:
            return identity.name, ORGANISATION, ""
        parent = unit.parent.name if unit.parent else ""
        return unit.name, parent or unit.name, unit.code
    user = get_user_model().objects.filter(username=identity.name).first()
    if user is None:
        return identity.name, ORGANISATION, ""
    from motcua.organizations.models import Membership
    from motcua.organizations.names import display_name

    membership = Membership.objects.filter(user=user).select_related("unit").order_by("pk").first()
    unit_name = membership.unit.name if membership else ORGANISATION
    return display_name(user) or user.username, unit_name, membership.unit.code if membership else ""


def init_all(force: bool = False) -> dict[str, int]:
    """The root, one certificate per active unit and one per official holding the leader role."""
    from motcua.organizations.models import Membership, Role, Unit

    made_root = init_root(force=force)
    units = people = 0
    for code in Unit.objects.filter(active=True).values_list("code", flat=True):
        identity = keystore.unit_identity(code)
        units += issue(identity, *describe(identity), force=force or made_root)
    leaders = Membership.objects.filter(role=Role.LEADER).values_list("user__username", flat=True).distinct()
    for username in leaders:
        identity = keystore.person_identity(username)
        people += issue(identity, *describe(identity), force=force or made_root)
    return {"root": int(made_root), "units": units, "people": people}
