"""Templates for the codes the dossier services enqueue besides the first eight (early_return, fee_request)."""

from django.db import migrations

TEMPLATES = {
    "early_return": (
        "Hồ sơ {{ dossier_code }} có kết quả trước hẹn",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\nHồ sơ {{ dossier_code }} («{{ procedure_name }}») đã có kết quả "
        "trước thời gian hẹn ({{ appointment }}). Mời Ông/Bà đến {{ unit_name }} nhận kết quả sớm.",
        "{{ unit_name }}: hồ sơ {{ dossier_code }} đã có kết quả trước hẹn. Mời Ông/Bà đến nhận.",
    ),
    "fee_request": (
        "Thực hiện nghĩa vụ tài chính cho hồ sơ {{ dossier_code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\nĐề nghị Ông/Bà nộp phí, lệ phí {{ amount }} đồng cho hồ sơ "
        "{{ dossier_code }} («{{ procedure_name }}»). Thời gian giải quyết tạm dừng cho đến khi Ông/Bà nộp xong.",
        "{{ unit_name }}: hồ sơ {{ dossier_code }} cần nộp phí, lệ phí {{ amount }} đồng.",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, (subject, body, short) in TEMPLATES.items():
        for channel in ("email", "zalo"):
            MessageTemplate.objects.get_or_create(code=code, channel=channel, defaults={"subject": subject, "body": body})
        MessageTemplate.objects.get_or_create(code=code, channel="sms", defaults={"subject": "", "body": short})


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_seed_message_templates")]
    operations = [migrations.RunPython(seed, unseed)]
