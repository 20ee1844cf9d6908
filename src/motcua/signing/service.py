"""Sign a PDF (PAdES baseline B, pyHanko) and register it; the one entry point for other apps.

    from motcua.signing.service import sign_pdf
    signed = sign_pdf(pdf_bytes, unit, reason="Biên lai thu phí, lệ phí", kind="e_receipt", dossier=d)

`signer` (an official) signs with that person's certificate (a leader's, for results); otherwise the
unit's organisation certificate signs. With `stamp=True` the last page gets a small visible stamp:
who signed, when, and a QR code of the public verification link `/xac-thuc/<token>/`.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path
from typing import Any, cast

from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers

from motcua import config
from motcua.signing import keystore
from motcua.signing.adapters import SigningUnavailable, signer_for
from motcua.signing.models import SignedDocument

__all__ = ["SigningUnavailable", "sign_pdf", "verify_url"]

STAMP_FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
STAMP_SIZE = (190, 46)


def verify_url(token: str) -> str:
    return f"{config.public_url()}/xac-thuc/{token}/"


def _stamp_style() -> Any:
    from pyhanko import stamp
    from pyhanko.pdf_utils import text

    box_style: dict[str, Any] = {"font_size": 6}
    if STAMP_FONT.exists():
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

        box_style["font"] = GlyphAccumulatorFactory(str(STAMP_FONT))
        label = "Ký số bởi: %(signer)s\nThời gian: %(ts)s\nXác thực: quét mã QR"
    else:  # no font with Vietnamese glyphs: plain ASCII
        label = "Signed by: %(signer)s\nTime: %(ts)s\nVerify: scan the QR code"
    return stamp.QRStampStyle(
        stamp_text=label,
        text_box_style=text.TextBoxStyle(**box_style),
        border_width=0,
        timestamp_format="%H:%M %d/%m/%Y",
    )


def _last_page_box(writer: IncrementalPdfFileWriter) -> tuple[int, tuple[int, int, int, int]]:
    pages = writer.root["/Pages"]
    count = int(pages["/Count"])
    width = 595.0
    try:
        page_ref, _ = cast(Any, writer).find_page_for_modification(count - 1)
        box = page_ref.get_object().get("/MediaBox") or pages.get("/MediaBox")
        if box is not None:
            width = float(box[2]) - float(box[0])
    except (KeyError, IndexError, TypeError, ValueError, PdfError):
        pass
    w, h = STAMP_SIZE
    return count - 1, (int(width - w - 14), 10, int(width - 14), 10 + h)


def sign_pdf(
    pdf_bytes: bytes,
    unit: Any,
    *,
    reason: str,
    signer: Any = None,
    kind: str = "document",
    dossier: Any = None,
    stamp: bool = True,
) -> bytes:
    """The PDF signed by `signer`'s personal certificate or else `unit`'s; registered for verification.

    Raises `SigningUnavailable` (Vietnamese message) when no key can sign now; `ValueError` when the
    bytes are not a PDF that can take a signature."""
    identity = keystore.person_identity(signer.username) if signer is not None else keystore.unit_identity(unit.code)
    prepared = signer_for(identity)
    token = secrets.token_urlsafe(16)
    now = timezone.now()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, IndexError, KeyError, TypeError) as exc:
        raise ValueError(f"not a PDF that can be signed: {exc}") from None
    existing = len([1 for _ in fields.enumerate_sig_fields(writer)])
    field_name = f"motcua-{existing + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason[:200],
        location=(getattr(unit, "name", "") or "")[:120],
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    if stamp:
        page, box = _last_page_box(writer)
        pdf_signer = signers.PdfSigner(
            meta,
            signer=prepared.signer,
            stamp_style=_stamp_style(),
            new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=box),
        )
        out = keystore.off_loop(lambda: pdf_signer.sign_pdf(writer, appearance_text_params={"url": verify_url(token)}))
    else:
        plain = signers.PdfSigner(meta, signer=prepared.signer)
        out = keystore.off_loop(lambda: plain.sign_pdf(writer))
    data = out.getvalue()
    SignedDocument.objects.create(
        token=token,
        kind=kind[:40],
        reason=reason[:255],
        unit=unit,
        signer_user=signer,
        signer_name=prepared.subject[:255],
        certificate_sha256=prepared.fingerprint,
        provider=prepared.provider,
        dossier=dossier,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        signed_at=now,
    )
    return bytes(data)
