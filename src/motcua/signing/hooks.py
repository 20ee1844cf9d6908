"""Where motcua signs what it issues: the electronic result (when recorded) and the notices the back
office prints for citizens (receipt slip, supplement request, refusal, apology letter, stop notice)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from motcua.signing.service import SigningUnavailable, sign_pdf

log = logging.getLogger(__name__)

# Form kinds of `backoffice.pdf.FORMS` issued to citizens (the control sheet and the book are internal).
NOTICE_REASONS = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
    "stop": "Thông báo dừng giải quyết hồ sơ",
    # Issued by the payments app: the e-receipt (by the collecting unit) and the fee notice.
    "e_receipt": "Biên lai thu phí, lệ phí điện tử",
    "fee_notice": "Thông báo nộp phí, lệ phí",
}


def sign_result(dossier: Any, data: bytes, signer: Any = None) -> bytes:
    """The result PDF signed by `signer` (a leader) or else the competent unit; other file types as they are.

    Raises `DossierError` so that the `record_result` command refuses (nothing stored) when no key can
    sign now; a PDF too damaged to take a signature is returned as it is."""
    from motcua.dossiers.commands.kernel import DossierError

    if not data.startswith(b"%PDF-"):
        return data
    try:
        return sign_pdf(
            data,
            dossier.unit,
            reason="Kết quả giải quyết thủ tục hành chính",
            signer=signer,
            kind="result",
            dossier=dossier,
        )
    except SigningUnavailable as exc:
        raise DossierError(_("Chưa ký số được kết quả: %(e)s") % {"e": exc}, "signing_unavailable") from None
    except ValueError as exc:
        # A damaged PDF can never take a signature: kept as uploaded (the verification page says "no
        # signature"), whereas a signer that is down refuses the command so that it is retried.
        log.warning("result of %s stored unsigned: %s", dossier.code, exc)
        return data


def sign_notice(dossier: Any, kind: str, data: bytes, unit: Any = None) -> bytes:
    """A notice signed with the issuing unit's certificate; unsigned (and logged) if signing is unavailable,
    so the counter can always print. `unit`: the issuer when it is not the receiving unit (a receipt's
    collecting unit)."""
    if kind not in NOTICE_REASONS:
        return data
    unit = unit or dossier.receiving_unit or dossier.unit
    try:
        return sign_pdf(data, unit, reason=NOTICE_REASONS[kind], kind=kind, dossier=dossier, stamp=False)
    except (SigningUnavailable, ValueError) as exc:
        log.warning("notice %s of %s left unsigned: %s", kind, dossier.code, exc)
        return data
