"""Check a PDF's signatures against the trusted roots: valid, who signed, when, not altered.

`verify_pdf(data)` never raises on bad input: every problem becomes a Vietnamese reason in the
verdict, for the public page and `motcua signing verify`.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from motcua.signing import keystore
from motcua.signing.models import SignedDocument

NOT_PDF = "Tệp không phải là văn bản PDF."
UNREADABLE = "Tệp PDF bị hỏng hoặc đã bị sửa đổi: không đọc được cấu trúc văn bản và chữ ký."
NO_SIGNATURE = "Văn bản không có chữ ký số."
ALTERED = "Nội dung văn bản đã bị thay đổi sau khi ký: chữ ký không còn khớp với nội dung."
UNTRUSTED = "Chứng thư số của người ký không do tổ chức cung cấp dịch vụ chứng thực được tin cậy cấp, hoặc đã hết hạn."
ADDED_LATER = "Có nội dung được thêm vào văn bản sau chữ ký cuối cùng."


@dataclass
class SignatureInfo:
    signer: str
    organisation: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    whole_file: bool
    reason: str = ""


@dataclass
class Verdict:
    ok: bool
    sha256: str
    reasons: list[str] = field(default_factory=list)
    signatures: list[SignatureInfo] = field(default_factory=list)
    issued: SignedDocument | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "sha256": self.sha256,
            "reasons": self.reasons,
            "signatures": [
                {
                    "signer": s.signer,
                    "organisation": s.organisation,
                    "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    "intact": s.intact,
                    "trusted": s.trusted,
                    "covers_whole_file": s.whole_file,
                    "reason": s.reason,
                }
                for s in self.signatures
            ],
            "registered": self.issued is not None,
        }


def validation_context() -> Any:
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for path in keystore.trust_root_files():
        try:
            roots.append(keystore.load_cert(path))
        except (OSError, ValueError):
            continue
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def verify_pdf(data: bytes) -> Verdict:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError

    digest = hashlib.sha256(data).hexdigest()
    verdict = Verdict(ok=False, sha256=digest, issued=SignedDocument.objects.filter(sha256=digest).first())
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        verdict.reasons.append(NOT_PDF)
        return verdict
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # pyHanko raises many kinds on a broken file; all mean the same to a citizen
        verdict.reasons.append(UNREADABLE)
        return verdict
    if not embedded:
        verdict.reasons.append(NO_SIGNATURE)
        return verdict
    context = validation_context()
    reasons: list[str] = []
    for index, sig in enumerate(embedded):
        last = index == len(embedded) - 1
        try:
            status = keystore.off_loop(
                functools.partial(validate_pdf_signature, sig, signer_validation_context=context)
            )
        except (SignatureValidationError, ValueError, KeyError, TypeError, OSError):
            verdict.signatures.append(SignatureInfo("?", "", None, False, False, False))
            reasons.append(ALTERED)
            continue
        except Exception:
            verdict.signatures.append(SignatureInfo("?", "", None, False, False, False))
            reasons.append(UNREADABLE)
            continue
        subject = status.signing_cert.subject.native if status.signing_cert is not None else {}
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        signed_at = status.signer_reported_dt
        info = SignatureInfo(
            signer=str(subject.get("common_name", "")),
            organisation=str(subject.get("organization_name", "")),
            signed_at=timezone.localtime(signed_at) if signed_at else None,
            intact=bool(status.intact and status.valid),
            trusted=bool(status.trusted),
            whole_file=whole,
            reason=str(sig.sig_object.get("/Reason", "") or ""),
        )
        verdict.signatures.append(info)
        if not info.intact:
            reasons.append(ALTERED)
        elif not info.trusted:
            reasons.append(UNTRUSTED)
        elif last and not whole:
            reasons.append(ADDED_LATER)
        elif not last and not status.docmdp_ok:
            reasons.append(ALTERED)
    verdict.reasons = list(dict.fromkeys(reasons))
    verdict.ok = not verdict.reasons
    return verdict
