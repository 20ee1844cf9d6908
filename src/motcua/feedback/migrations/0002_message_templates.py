"""Messages about feedback: the published answer (to the submitter, and the national portal's PAKN
system as a JSON document on channel `dvcqg`), supplementation requests, deadline alerts to officials."""

from django.db import migrations

# (code, channel): (subject, body). Context: feedback_code, submitter_name, answer, rating_url,
# message (supplement), step and due_at/due (alerts), document (JSON for the portal adapter).
TEMPLATES = {
    ("pakn_answer_published", "email"): (
        "Kết quả trả lời phản ánh {{ feedback_code }}",
        "Kính gửi {{ submitter_name }},\n\nPhản ánh, kiến nghị {{ feedback_code }} đã có kết quả trả lời:\n\n"
        "{{ answer }}\n\nXin ông/bà đánh giá mức độ hài lòng tại: {{ rating_url }}",
    ),
    ("pakn_answer_published", "sms"): (
        "",
        "Phan anh {{ feedback_code }} da co ket qua tra loi. Xem va danh gia tai: {{ rating_url }}",
    ),
    ("pakn_answer_published", "dvcqg"): ("", "{{ document }}"),
    ("pakn_supplement", "dvcqg"): ("", "{{ document }}"),
    ("pakn_supplement_request", "email"): (
        "Đề nghị bổ sung thông tin phản ánh {{ feedback_code }}",
        "Kính gửi {{ submitter_name }},\n\nĐể xử lý phản ánh, kiến nghị {{ feedback_code }}, đề nghị ông/bà "
        "bổ sung: {{ message }}",
    ),
    ("pakn_supplement_request", "sms"): ("", "Phan anh {{ feedback_code }}: de nghi bo sung {{ message }}"),
    ("pakn_duty_warning", "email"): (
        "Sắp đến hạn: phản ánh {{ feedback_code }}",
        "Phản ánh, kiến nghị {{ feedback_code }} sắp đến hạn bước «{{ step }}». Hạn: {{ due }}.",
    ),
    ("pakn_duty_breach", "email"): (
        "Quá hạn: phản ánh {{ feedback_code }}",
        "Phản ánh, kiến nghị {{ feedback_code }} đã quá hạn bước «{{ step }}». Hạn: {{ due }}. Đề nghị xử lý ngay.",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for (code, channel), (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(code=code, channel=channel, defaults={"subject": subject, "body": body})


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, channel in TEMPLATES:
        MessageTemplate.objects.filter(code=code, channel=channel).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("notifications", "0006_duty_alert_templates")]
    operations = [migrations.RunPython(seed, unseed)]
