"""Input schemas of the dossier commands (DRF serializers).

One schema per command serves three readers: the API validates requests with it, drf-spectacular
documents it as the request body, and the back office renders its fields as the action's form
and validates the posted form with the very same serializer. Labels are the form's Vietnamese
labels; `style={"widget": ...}` picks a form widget where the field type is not enough.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.core.api import Error as Error  # the API's one error body, re-exported for the views
from motcua.core.text import nfc
from motcua.dossiers.models import Channel

# Paper channels a clerk receives through (online dossiers arrive through `submit_online`).
INTAKE_CHANNELS = [(Channel.DIRECT, _("Trực tiếp")), (Channel.POSTAL, _("Bưu chính"))]
MAX_AMOUNT = 10**12  # VND; well above any fee, far below the database's 2^63
# Citizen ID (12 digits), old ID card (9), enterprise code (10, or 13 for a branch).
ID_NUMBER = re.compile(r"^(\d{9}|\d{10}|\d{12}|\d{13})$")
PHONE = re.compile(r"^\+?[0-9 .]{8,15}$")
# The channels a clerk records at intake (online filings come through `submit_online`); named in the OpenAPI
# document as `IntakeChannelEnum` (settings.SPECTACULAR_SETTINGS).
INTAKE_CHANNELS = [(Channel.DIRECT, _("Trực tiếp")), (Channel.POSTAL, _("Bưu chính"))]


class Text(serializers.CharField):
    """A text field stored NFC-normalised (Vietnamese typed on some keyboards arrives decomposed)."""

    def to_internal_value(self, data: Any) -> str:
        return nfc(super().to_internal_value(data))


class Lines(serializers.ListField):
    """A list of short texts: a JSON list, or one item per line of a textarea."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", Text(max_length=500))
        kwargs.setdefault("style", {"widget": "textarea"})
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name)
            if len(values) == 1 and isinstance(values[0], str):
                return [line.strip() for line in values[0].splitlines() if line.strip()]
            if values:
                return values
            return serializers.empty
        return super().get_value(dictionary)


def optional_text(label: Any, widget: str = "textarea", max_length: int = 2000) -> Text:
    """An optional free-text field (blank allowed) with its form widget."""
    return Text(
        label=label, max_length=max_length, required=False, allow_blank=True, default="", style={"widget": widget}
    )


def optional_id(label: Any, widget: str, max_value: int = 2**31 - 1) -> serializers.IntegerField:
    """An optional positive integer (a step order, an official's id)."""
    return serializers.IntegerField(
        label=label,
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=max_value,
        style={"widget": widget},
    )


class Versioned(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The dossier's `version` the client saw; a different current version is refused with 409.",
        style={"widget": "hidden"},
    )


class Nothing(Versioned):
    pass


class Reason(Versioned):
    reason = Text(label=_("Lý do"), max_length=2000, style={"widget": "textarea"})


class OptionalReason(Versioned):
    reason = optional_text(_("Lý do (nếu có)"), "textarea")


class Note(Versioned):
    note = optional_text(_("Ý kiến"))


class StartStep(Versioned):
    order = optional_id(_("Bước"), "hidden", 1000)
    assignee = optional_id(_("Người xử lý"), "select")
    name = optional_text(_("Tên bước (khi hồ sơ không có quy trình)"), "hidden", 255)


class CompleteStep(Versioned):
    note = optional_text(_("Ý kiến xử lý"), "textarea")
    order = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=1000, style={"widget": "hidden"}
    )


class Forward(Versioned):
    note = optional_text(_("Ý kiến khi chuyển"), "textarea")
    assignee = optional_id(_("Chuyển cho"), "select")


class Supplement(Versioned):
    items = Lines(label=_("Giấy tờ cần bổ sung (mỗi dòng một mục)"), min_length=1, max_length=50)
    reason = Text(label=_("Lý do"), max_length=2000, style={"widget": "textarea"})
    notice = serializers.FileField(
        label=_("Phiếu yêu cầu bổ sung đã ký (nếu có)"), required=False, allow_null=True, default=None
    )


class Fee(Note):
    amount = serializers.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=MAX_AMOUNT)


class ConfirmFee(Versioned):
    paid_online = serializers.BooleanField(
        label=_("Nộp trực tuyến"), default=False, required=False, style={"widget": "hidden"}
    )
    reference = Text(
        label=_("Số biên lai / mã giao dịch"), max_length=100, required=False, allow_blank=True, default=""
    )


class Evidence(Versioned):
    reason = Text(label=_("Lý do"), max_length=2000, style={"widget": "textarea"})
    evidence = serializers.FileField(label=_("Tài liệu căn cứ (PDF, ảnh)"))


class Apology(Versioned):
    reason = Text(label=_("Lý do chậm giải quyết"), max_length=2000, style={"widget": "textarea"})
    new_appointment_at = serializers.DateTimeField(label=_("Thời gian hẹn trả mới"))
    letter = serializers.FileField(
        label=_("Văn bản xin lỗi đã ký (nếu có)"), required=False, allow_null=True, default=None
    )


class Document(Versioned):
    file = serializers.FileField(label=_("Tệp (PDF, ảnh)"))
    component = Text(label=_("Thành phần hồ sơ"), max_length=100, style={"widget": "select"})
    digitized = serializers.BooleanField(label=_("Bản số hóa"), default=False, required=False)
    reused = serializers.BooleanField(label=_("Tái sử dụng dữ liệu đã số hóa"), default=False, required=False)


class Result(Versioned):
    result_code = Text(label=_("Mã số kết quả"), max_length=100)
    file = serializers.FileField(label=_("Tệp kết quả (PDF)"))


class Return(Versioned):
    method = serializers.ChoiceField(
        label=_("Hình thức trả"),
        choices=[("counter", _("Tại bộ phận một cửa")), ("postal", _("Qua dịch vụ bưu chính"))],
        default="counter",
        required=False,
    )
    tracking_number = Text(
        label=_("Số hiệu bưu gửi (khi trả qua bưu chính)"), max_length=50, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("method") == "postal" and not attrs.get("tracking_number"):
            raise serializers.ValidationError({"tracking_number": [_("Phải nhập số hiệu bưu gửi.")]})
        return attrs


class Route(Note):
    kind = serializers.ChoiceField(
        label=_("Loại văn bản"),
        choices=[
            ("guidance", _("Hướng dẫn")),
            ("supplement", _("Yêu cầu bổ sung")),
            ("apology", _("Xin lỗi")),
            ("refusal", _("Từ chối")),
        ],
    )
    file = serializers.FileField(label=_("Tệp văn bản"))


# ---- intake ---------------------------------------------------------------------------------


class ApplicantFields(serializers.Serializer[Any]):
    applicant_name = Text(label=_("Họ và tên người nộp"), max_length=255, allow_blank=True)
    applicant_id_number = Text(
        label=_("Số định danh cá nhân"), max_length=12, required=False, allow_blank=True, default=""
    )
    applicant_phone = Text(label=_("Số điện thoại"), max_length=20, required=False, allow_blank=True, default="")
    applicant_email = serializers.EmailField(label=_("Thư điện tử"), required=False, allow_blank=True, default="")
    applicant_address = Text(label=_("Địa chỉ"), max_length=500, required=False, allow_blank=True, default="")
    idempotency_key = Text(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="A client key: a retry with the same key and body returns the first dossier.",
    )

    def validate_applicant_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Chưa nhập họ và tên người nộp."))
        return " ".join(value.split())

    def validate_applicant_id_number(self, value: str) -> str:
        value = value.strip()
        if value and not ID_NUMBER.match(value):
            raise serializers.ValidationError(
                _("Số định danh cá nhân gồm 12 chữ số (CMND 9 chữ số; mã số doanh nghiệp 10 hoặc 13 chữ số).")
            )
        return value

    def validate_applicant_phone(self, value: str) -> str:
        value = value.strip()
        if value and not PHONE.match(value):
            raise serializers.ValidationError(_("Số điện thoại không hợp lệ."))
        return value


class Receive(ApplicantFields):
    procedure = Text(label=_("Thủ tục"), max_length=40, help_text="Procedure code, e.g. 1.001193")
    unit = Text(label=_("Cơ quan có thẩm quyền"), max_length=40, help_text="Competent unit code")
    receiving_unit = Text(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="The one-stop unit that receives (default: the competent unit)",
    )
    channel = serializers.ChoiceField(
        choices=INTAKE_CHANNELS,
        default=Channel.DIRECT,
        help_text="direct or postal",
    )
    postal_tracking = Text(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="Postal tracking number of a dossier received by post",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("channel") == Channel.POSTAL and not attrs.get("postal_tracking"):
            raise serializers.ValidationError(
                {"postal_tracking": [_("Hồ sơ nhận qua bưu chính phải có số hiệu bưu gửi.")]}
            )
        return attrs


class RefuseNew(ApplicantFields):
    procedure = Text(max_length=40)
    unit = Text(max_length=40)
    channel = serializers.ChoiceField(choices=INTAKE_CHANNELS, default=Channel.DIRECT)
    reason = Text(label=_("Lý do từ chối"), max_length=2000)

    def validate_applicant_name(self, value: str) -> str:
        return " ".join(value.split())


class SubmitOnline(ApplicantFields):
    procedure = Text(max_length=40)
    unit = Text(max_length=40)


class ReceiveLinked(ApplicantFields):
    group = Text(max_length=40, help_text="Linked group code")
    receiving_unit = Text(max_length=40)
    units = serializers.DictField(child=Text(max_length=40), help_text="procedure code -> unit code")
    channel = serializers.ChoiceField(choices=INTAKE_CHANNELS, default=Channel.DIRECT)
