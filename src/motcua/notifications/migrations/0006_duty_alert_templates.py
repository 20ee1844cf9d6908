"""E-mail templates for deadline warnings and breaches sent to the responsible official (dossiers.alerts)."""

from django.db import migrations

# Context of the outbox row: official_name, duty (what must be done), due_at (ISO; `due` local),
# plus the dossier's dossier_code, procedure_name, applicant_name, unit_name, appointment.
TEMPLATES = {
    "duty_warning": (
        "Sắp đến hạn: hồ sơ {{ dossier_code }}",
        "Kính gửi {{ official_name }},\n\nHồ sơ {{ dossier_code }} («{{ procedure_name }}») sắp đến hạn: "
        "{{ duty }}.\nHạn: {{ due }}.\n\nĐề nghị xử lý kịp thời. Danh sách thông báo: mục «Thông báo» "
        "trên trang Cán bộ.",
    ),
    "duty_breach": (
        "Quá hạn: hồ sơ {{ dossier_code }}",
        "Kính gửi {{ official_name }},\n\nHồ sơ {{ dossier_code }} («{{ procedure_name }}») đã quá hạn: "
        "{{ duty }}.\nHạn: {{ due }}.\n\nĐề nghị xử lý ngay và thực hiện xin lỗi, hẹn lại theo quy định nếu "
        "hồ sơ trễ hẹn. Danh sách thông báo: mục «Thông báo» trên trang Cán bộ.",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(code=code, channel="email", defaults={"subject": subject, "body": body})


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_staff_alert")]
    operations = [migrations.RunPython(seed, unseed)]
