"""Messages telling a citizen that their open dossier passed to a successor unit (restructuring)."""

from django.db import migrations

# Context of the outbox row: old_unit, new_unit, decision, plus the dossier's dossier_code,
# procedure_name, applicant_name, unit_name (the new receiving unit), appointment.
TEMPLATES = {
    ("unit_transferred", "email"): (
        "Hồ sơ {{ dossier_code }} được chuyển về {{ new_unit }}",
        "Kính gửi {{ applicant_name }},\n\nThực hiện {{ decision }} về sắp xếp đơn vị, hồ sơ {{ dossier_code }} "
        "(«{{ procedure_name }}») đã được chuyển từ {{ old_unit }} về {{ new_unit }}. Mã hồ sơ và ngày hẹn trả "
        "({{ appointment }}) không thay đổi; quý vị liên hệ và nhận kết quả tại {{ new_unit }}.\n\n"
        "Tra cứu hồ sơ bằng mã {{ dossier_code }} trên Cổng dịch vụ công của tỉnh.",
    ),
    ("unit_transferred", "sms"): (
        "",
        "Hồ sơ {{ dossier_code }} đã chuyển từ {{ old_unit }} về {{ new_unit }} theo {{ decision }}. "
        "Mã hồ sơ và ngày hẹn trả không đổi.",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for (code, channel), (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(code=code, channel=channel, defaults={"subject": subject, "body": body})


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code="unit_transferred").delete()


class Migration(migrations.Migration):
    dependencies = [("restructure", "0001_initial"), ("notifications", "0006_duty_alert_templates")]
    operations = [migrations.RunPython(seed, unseed)]
