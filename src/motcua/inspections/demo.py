"""Demo: this year's inspection plan for four units, one concluded inspection at H32.101 with findings
(one tied to PAR criterion 2.3, one to two demo dossiers) and remediation items overdue, reported and
closed; built through the command table as `reform`, `inspector` and `unitadmin`, relative to the load."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.inspections import commands as c
from motcua.inspections.models import InspectionPlan

PLAN_NAME = "Kế hoạch kiểm tra công tác cải cách hành chính năm {year}"
EVIDENCE = b"%PDF-1.4\n% Bien ban niem yet TTHC da cap nhat\n"


def _user(name: str) -> Any:
    return get_user_model().objects.filter(username=name).first()


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_current_timezone())


def load(stdout: TextIO) -> None:
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Unit

    reform, inspector, unitadmin = _user("reform"), _user("inspector"), _user("unitadmin")
    if None in (reform, inspector, unitadmin):
        stdout.write("inspections: demo accounts missing, skipped\n")
        return
    now = timezone.now()
    today = timezone.localdate()
    start = today - timedelta(days=75)  # the inspection; the plan is for that year
    year = start.year
    if InspectionPlan.objects.filter(name=PLAN_NAME.format(year=year)).exists():
        stdout.write("inspections: demo plan already loaded\n")
        return
    units = [code for code in ("H32.101", "H32.102", "H32.27", "H32.28") if Unit.objects.filter(code=code).exists()]
    plan = c.execute(
        "create_plan",
        reform,
        None,
        {
            "year": year,
            "name": PLAN_NAME.format(year=year),
            "decision_number": "125/QĐ-UBND",
            "decision_date": start - timedelta(days=20),
        },
        now=_at(start - timedelta(days=20)),
    )
    items = []
    for i, code in enumerate(units):
        first = start + timedelta(days=30 * i)
        if first.year != year:
            first = start
        items.append(
            c.execute(
                "add_plan_item",
                reform,
                plan,
                {
                    "unit": code,
                    "start_date": first,
                    "end_date": first + timedelta(days=2),
                    "topics": "Công tác chỉ đạo, điều hành CCHC; cải cách TTHC, niêm yết công khai; "
                    "thực hiện cơ chế một cửa, một cửa liên thông; chuyển đổi số.",
                },
                now=_at(start - timedelta(days=19)),
            )
        )
    c.execute("approve_plan", reform, plan, now=_at(start - timedelta(days=18)))
    ins = c.execute(
        "record_inspection",
        inspector,
        items[0],
        {"inspected_on": start, "team": "Sở Nội vụ (trưởng đoàn), Văn phòng UBND tỉnh, Sở Tư pháp"},
        now=_at(start, 8),
    )
    f1 = c.execute(
        "add_finding",
        inspector,
        ins,
        {
            "text": "Niêm yết công khai TTHC tại Bộ phận Một cửa chưa cập nhật theo quyết định công bố mới.",
            "severity": "shortcoming",
            "criterion_code": "2.3",
        },
        now=_at(start, 10),
    )
    dossiers = list(Dossier.objects.filter(unit__code="H32.101").order_by("code").values_list("code", flat=True)[:2])
    f2 = c.execute(
        "add_finding",
        inspector,
        ins,
        {
            "text": "Một số hồ sơ trễ hạn nhưng chưa có văn bản xin lỗi người dân theo quy định.",
            "severity": "violation",
            "dossiers": ", ".join(dossiers),
        },
        now=_at(start, 10),
    )
    owner = items[0].unit.code
    overdue = c.execute(
        "add_remediation",
        inspector,
        f1,
        {"text": "Cập nhật đầy đủ niêm yết TTHC tại Bộ phận Một cửa.", "owner_unit": owner, "deadline_days": 15},
        now=_at(start, 11),
    )
    reported = c.execute(
        "add_remediation",
        inspector,
        f2,
        {
            "text": "Gửi văn bản xin lỗi người dân đối với các hồ sơ trễ hạn.",
            "owner_unit": owner,
            "deadline_date": today + timedelta(days=20),
        },
        now=_at(start, 11),
    )
    closed = c.execute(
        "add_remediation",
        inspector,
        f2,
        {
            "text": "Tổ chức rút kinh nghiệm, kiểm điểm cán bộ để hồ sơ trễ hạn.",
            "owner_unit": owner,
            "deadline_days": 20,
        },
        now=_at(start, 11),
    )
    c.execute(
        "conclude",
        inspector,
        ins,
        {"conclusion": "Đơn vị cơ bản thực hiện tốt nhiệm vụ CCHC; còn một số tồn tại, hạn chế cần khắc phục."},
        now=_at(start + timedelta(days=3)),
    )
    c.execute(
        "report_progress",
        unitadmin,
        closed,
        {
            "text": "Đã tổ chức họp rút kinh nghiệm ngày làm việc tiếp theo.",
            "evidence": SimpleUploadedFile("bien-ban-hop.pdf", EVIDENCE),
        },
        now=_at(start + timedelta(days=10)),
    )
    c.execute("close", inspector, closed, {"note": "Đạt yêu cầu."}, now=_at(start + timedelta(days=12)))
    c.execute(
        "report_progress",
        unitadmin,
        reported,
        {
            "text": "Đã gửi văn bản xin lỗi cho 2 trường hợp.",
            "evidence": SimpleUploadedFile("van-ban-xin-loi.pdf", EVIDENCE),
        },
        now=min(now, _at(today)),
    )
    stdout.write(
        f"inspections: plan {year} for {len(units)} units, inspection of {owner} "
        f"(remediation #{overdue.pk} overdue, #{reported.pk} reported, #{closed.pk} closed)\n"
    )
