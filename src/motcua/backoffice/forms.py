"""Edge validation of back-office input, with Vietnamese messages; services re-check the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from motcua.catalog import wording
from motcua.catalog.models import Procedure
from motcua.dossiers.commands.schemas import ID_NUMBER

ALLOWED_UPLOADS = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}


def check_upload(upload: UploadedFile[Any]) -> None:
    """Type (extension and magic bytes agree) and size checks for scanned components."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_UPLOADS:
        raise forms.ValidationError(f"Tệp {upload.name}: chỉ nhận PDF, PNG hoặc JPG.")
    if (upload.size or 0) > settings.MAX_UPLOAD_BYTES:
        raise forms.ValidationError(f"Tệp {upload.name} vượt quá {settings.MAX_UPLOAD_BYTES // 1048576} MB.")
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ALLOWED_UPLOADS[suffix]):
        raise forms.ValidationError(f"Tệp {upload.name}: nội dung không đúng định dạng {suffix}.")


class IntakeForm(forms.Form):
    procedure = forms.CharField(
        label="Thủ tục", error_messages={"required": "Chưa chọn thủ tục hành chính."}, widget=forms.HiddenInput
    )
    applicant_name = forms.CharField(
        label="Họ và tên người nộp", max_length=255, error_messages={"required": "Nhập họ và tên người nộp."}
    )
    applicant_id_number = forms.RegexField(
        label="Số định danh cá nhân / mã số doanh nghiệp",
        regex=ID_NUMBER,
        error_messages={
            "required": "Nhập số định danh.",
            "invalid": "Số định danh cá nhân gồm 12 chữ số (CMND 9; mã số doanh nghiệp 10 hoặc 13 chữ số).",
        },
    )
    # Compared with the national population database at intake (population.checks); not stored on the dossier.
    applicant_birth_date = forms.DateField(
        label="Ngày sinh (dd/mm/yyyy)",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Ngày sinh không hợp lệ (ví dụ 05/09/1989)."},
    )
    applicant_sex = forms.ChoiceField(
        label="Giới tính", required=False, choices=[("", "—"), ("Nam", "Nam"), ("Nữ", "Nữ")]
    )
    applicant_phone = forms.RegexField(
        label="Số điện thoại",
        regex=r"^(\+84|0)[0-9]{9,10}$",
        required=False,
        error_messages={"invalid": "Số điện thoại không hợp lệ (ví dụ 0905123456)."},
    )
    applicant_email = forms.EmailField(
        label="Thư điện tử", required=False, error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."}
    )
    applicant_address = forms.CharField(label="Địa chỉ", max_length=500, required=False)
    sets = forms.IntegerField(label="Số bộ hồ sơ", min_value=1, max_value=20, initial=1)

    def clean_procedure(self) -> Procedure:
        code = self.cleaned_data["procedure"]
        proc = Procedure.objects.filter(code=code, active=True).first()
        if proc is None:
            raise forms.ValidationError("Thủ tục không tồn tại hoặc đã ngừng áp dụng.")
        return proc

    def components(
        self, data: Any, files: Any, reused: set[str] | None = None, channel: str = "direct"
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The checklist as ticked at the counter, with uploads; errors for missing mandatory items and
        for components the catalogue says must be digitised but have neither a scan nor a reused copy.

        "Mandatory" is for the filing channel: a form published for online filing only is not
        required at the counter (`catalog.wording.required_for`)."""
        proc: Procedure = self.cleaned_data["procedure"]
        reused = reused or set()
        rows, errors = [], []
        for c in proc.components.order_by("order"):
            ticked = data.get(f"component_{c.pk}") == "on"
            upload = files.get(f"file_{c.pk}")
            if upload is not None:
                try:
                    check_upload(upload)
                except forms.ValidationError as exc:
                    errors.extend(exc.messages)
                ticked = True
            code = str((c.extra or {}).get("code") or c.order)
            if wording.required_for(c, channel) and c.kind != "present" and not ticked:
                errors.append(f"Thiếu thành phần bắt buộc: {c.name[:80]}")
            elif ticked and c.digitisation_required and upload is None and code not in reused:
                errors.append(f"Thành phần phải số hóa, cần tải bản quét: {c.name[:80]}")
            if ticked:
                rows.append({"code": code, "name": c.name, "copies": c.copies, "upload": upload})
        return rows, errors


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=2000, error_messages={"required": "Nhập lý do."})
