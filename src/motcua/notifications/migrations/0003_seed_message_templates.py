"""Seed the Vietnamese message templates (administrators edit them afterwards in the admin)."""

from django.db import migrations

# Variables available to every template: dossier_code, procedure_name, applicant_name, unit_name,
# appointment (dd/mm/yyyy HH:MM), lookup_hint, plus whatever the outbox row's context carries
# (reason, new_appointment, items, ...).
SHORT = {
    "receipt": "{{ unit_name }}: đã tiếp nhận hồ sơ {{ dossier_code }} ({{ procedure_name }}). Hẹn trả kết quả: {{ appointment }}.",
    "supplement_request": "{{ unit_name }}: hồ sơ {{ dossier_code }} cần bổ sung, hoàn thiện. {{ reason }} Vui lòng liên hệ Bộ phận Một cửa.",
    "apology": "{{ unit_name }} xin lỗi vì hồ sơ {{ dossier_code }} chậm trả kết quả. Ngày hẹn mới: {{ new_appointment|default:appointment }}.",
    "result_ready": "{{ unit_name }}: hồ sơ {{ dossier_code }} đã có kết quả. Mời Ông/Bà đến nhận hoặc tra cứu trực tuyến.",
    "refusal": "{{ unit_name }}: hồ sơ {{ dossier_code }} bị từ chối giải quyết. Lý do: {{ reason }}",
    "stop_notice": "{{ unit_name }}: hồ sơ {{ dossier_code }} đã dừng giải quyết. {{ reason }}",
    "early_return_notice": "{{ unit_name }}: hồ sơ {{ dossier_code }} đã có kết quả trước hẹn ({{ appointment }}). Mời Ông/Bà đến nhận.",
    "closed": "{{ unit_name }}: hồ sơ {{ dossier_code }} đã đóng do không bổ sung đúng hạn.",
}

FULL = {
    "receipt": (
        "Tiếp nhận hồ sơ {{ dossier_code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n{{ unit_name }} đã tiếp nhận hồ sơ {{ dossier_code }} "
        "về thủ tục «{{ procedure_name }}».\nThời gian hẹn trả kết quả: {{ appointment }}.\n\n{{ lookup_hint }}",
    ),
    "supplement_request": (
        "Yêu cầu bổ sung, hoàn thiện hồ sơ {{ dossier_code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\nHồ sơ {{ dossier_code }} («{{ procedure_name }}») cần được bổ sung, "
        "hoàn thiện.\nLý do: {{ reason }}\n{% if items %}Nội dung cần bổ sung:\n{% for item in items %}- {{ item }}\n{% endfor %}{% endif %}"
        "\nĐề nghị Ông/Bà bổ sung một lần đầy đủ theo hướng dẫn.",
    ),
    "apology": (
        "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{ dossier_code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n{{ unit_name }} chân thành xin lỗi vì hồ sơ {{ dossier_code }} "
        "chưa thể trả kết quả đúng hẹn.\nLý do: {{ reason }}\nThời gian hẹn trả kết quả mới: "
        "{{ new_appointment|default:appointment }}.\n\nSự chậm trễ này đã gây phiền hà cho Ông/Bà, kính mong Ông/Bà thông cảm.",
    ),
    "result_ready": (
        "Hồ sơ {{ dossier_code }} đã có kết quả",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\nHồ sơ {{ dossier_code }} («{{ procedure_name }}») đã có kết quả. "
        "Mời Ông/Bà đến {{ unit_name }} nhận kết quả hoặc tra cứu trực tuyến.",
    ),
    "refusal": (
        "Từ chối tiếp nhận, giải quyết hồ sơ {{ dossier_code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\nHồ sơ {{ dossier_code }} («{{ procedure_name }}») không được tiếp nhận, "
        "giải quyết.\nLý do: {{ reason }}",
    ),
    "stop_notice": (
        "Thông báo dừng giải quyết hồ sơ {{ dossier_code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n{{ unit_name }} thông báo dừng giải quyết hồ sơ {{ dossier_code }} "
        "(«{{ procedure_name }}»).\nLý do: {{ reason }}",
    ),
    "early_return_notice": (
        "Hồ sơ {{ dossier_code }} có kết quả trước hẹn",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\nHồ sơ {{ dossier_code }} đã có kết quả trước thời gian hẹn "
        "({{ appointment }}). Mời Ông/Bà đến nhận kết quả sớm.",
    ),
    "closed": (
        "Đóng hồ sơ {{ dossier_code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\nHồ sơ {{ dossier_code }} đã được đóng vì không được bổ sung, hoàn thiện "
        "trong thời hạn quy định.",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, (subject, body) in FULL.items():
        MessageTemplate.objects.get_or_create(code=code, channel="email", defaults={"subject": subject, "body": body})
        MessageTemplate.objects.get_or_create(code=code, channel="zalo", defaults={"subject": subject, "body": body})
        # The SMS channel strips diacritics when sending (an unaccented SMS costs fewer segments).
        MessageTemplate.objects.get_or_create(code=code, channel="sms", defaults={"subject": "", "body": SHORT[code]})


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=list(FULL)).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_templates_and_simulator")]
    operations = [migrations.RunPython(seed, unseed)]
