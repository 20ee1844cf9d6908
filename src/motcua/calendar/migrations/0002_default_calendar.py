"""Default national calendar and the 2025–2027 government decisions that holidays 0.109 lacks.

holidays 0.109 (Vietnam) already yields Tết 2025/2026/2027, 30/4–1/5/2025 with the 02/05 ↔ 26/04
swap, Hùng Kings 2026 with the Monday 27/04 compensatory day, Quốc khánh 2025/2026/2027 with the
31/08 ↔ 22/08/2026 swap and 24/11/2026. Only the New Year 2026 swap is missing (checked in tests).
The data is written here literally (not imported) so the migration never changes meaning.
"""

import datetime

from django.db import migrations

DEFAULT_DAY = "07:00-11:30, 13:30-17:00"
OVERRIDES = [
    (
        datetime.date(2026, 1, 2),
        "day_off",
        "Nghỉ Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026)",
        "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ",
    ),
    (
        datetime.date(2026, 1, 10),
        "working_day",
        "Ngày làm bù (thay cho thứ Sáu 02/01/2026)",
        "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ",
    ),
]


def forwards(apps, schema_editor):
    Calendar = apps.get_model("calendar", "Calendar")
    DayOverride = apps.get_model("calendar", "DayOverride")
    cal, _ = Calendar.objects.get_or_create(
        name="default",
        defaults={
            "title": "Lịch làm việc hành chính nhà nước",
            **{f: DEFAULT_DAY for f in ("monday", "tuesday", "wednesday", "thursday", "friday")},
            "saturday": "",
            "sunday": "",
            "swapped_day_periods": DEFAULT_DAY,
            "statutory_holidays": True,
        },
    )
    for day, kind, name, basis in OVERRIDES:
        DayOverride.objects.get_or_create(
            calendar=cal, date=day, defaults={"kind": kind, "name": name, "legal_basis": basis}
        )


def backwards(apps, schema_editor):
    DayOverride = apps.get_model("calendar", "DayOverride")
    DayOverride.objects.filter(calendar__name="default", date__in=[o[0] for o in OVERRIDES]).delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
