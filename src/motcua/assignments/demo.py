"""Three directives of the province with tasks across the demo units, dated relative to today:
some completed on time, one completed late, some overdue and unfinished, one extension pending."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TextIO

from django.utils import timezone

from motcua.calendar.engine import TZ

PDF = b"%PDF-1.4\n% motcua demo: van ban ket qua\n%%EOF\n"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def load(stdout: TextIO, now: datetime | None = None) -> None:
    from django.contrib.auth import get_user_model

    from motcua.assignments import commands, queries, rules
    from motcua.assignments.models import Directive, Task
    from motcua.organizations.models import Unit

    if Directive.objects.filter(number="123/UBND-KSTT").exists():
        stdout.write("assignments: demo directives already present\n")
        return
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["reform", "unitadmin", "unitadmin.stp"])
    }
    units = set(Unit.objects.filter(code__in=["H32.101", "H32.102", "H32.27"]).values_list("code", flat=True))
    if len(users) < 3 or len(units) < 3:
        stdout.write("assignments: demo accounts or units missing, no directives\n")
        return
    today = timezone.localtime(now or timezone.now()).date()
    reform, nt, stp = users["reform"], users["unitadmin"], users["unitadmin.stp"]

    def run(name: str, actor: Any, target: Any, day: date, data: dict[str, Any], pdf: str = "") -> Any:
        upload = commands.Upload(pdf, PDF) if pdf else None
        return commands.execute(name, actor, target, data, upload=upload, now=_at(day))

    def directive(number: str, issued: date, issuer: str, signer: str, title: str) -> Any:
        data = {"number": number, "issued_on": issued, "issuer": issuer, "signer": signer, "title": title}
        return run("create_directive", reform, None, issued, data, pdf=f"{number.split('/')[0]}.pdf")

    def assign(
        d: Any, content: str, lead: str, deadline: date | None = None, days: int | None = None, co: str = ""
    ) -> Any:
        data = {
            "content": content,
            "lead_unit": lead,
            "coordinating_units": co,
            "deadline": deadline,
            "working_days": days,
        }
        return run("assign_task", reform, d, d.issued_on, data)

    def progress(t: Any, actor: Any, day: date, text: str, percent: int) -> Any:
        return run("post_progress", actor, t, day, {"text": text, "percent": percent})

    def complete(t: Any, actor: Any, day: date, number: str) -> Any:
        data = {"result_number": number, "result_date": day, "summary": "Đã hoàn thành, báo cáo kèm theo."}
        return run("complete", actor, t, day, data, pdf="bao-cao-ket-qua.pdf")

    # 1. The committee's dispatch on digitising dossiers (three months ago).
    d1 = directive(
        "123/UBND-KSTT",
        today - timedelta(days=95),
        "ubnd",
        "Nguyễn Thanh Hà",
        "Về việc đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    )
    t = assign(d1, "Số hóa 100% hồ sơ TTHC tiếp nhận tại Bộ phận Một cửa", "H32.101", d1.issued_on + timedelta(days=30))
    progress(t, nt, d1.issued_on + timedelta(days=14), "Đã số hóa 70% hồ sơ; còn hồ sơ đất đai tồn đọng.", 70)
    complete(t, nt, d1.issued_on + timedelta(days=36), "88/BC-UBND")  # six days late
    t = assign(d1, "Cập nhật kết quả số hóa lên Kho quản lý dữ liệu điện tử", "H32.27", days=20, co="H32.101")
    complete(t, stp, d1.issued_on + timedelta(days=21), "412/BC-STP")  # within twenty working days
    t = assign(
        d1, "Rà soát, báo cáo hồ sơ trễ hạn năm nay và nguyên nhân", "H32.102", d1.issued_on + timedelta(days=45)
    )

    # 2. The Chairman's conclusion notice after the reform conference (two months ago).
    d2 = directive(
        "45/TB-UBND",
        today - timedelta(days=60),
        "chu_tich",
        "Trần Quốc Bảo",
        "Kết luận của Chủ tịch UBND tỉnh tại Hội nghị sơ kết công tác cải cách hành chính",
    )
    t = assign(d2, "Xây dựng kế hoạch cải thiện Chỉ số hài lòng (SIPAS) của đơn vị", "H32.101", days=15)
    progress(t, nt, d2.issued_on + timedelta(days=10), "Đang lấy ý kiến các phòng chuyên môn.", 40)
    t = assign(d2, "Công khai quy trình nội bộ giải quyết TTHC trên Cổng thông tin điện tử", "H32.27", days=10)
    complete(t, stp, d2.issued_on + timedelta(days=8), "97/STP-VP")
    t = assign(
        d2,
        "Tổ chức đối thoại với người dân, doanh nghiệp về giải quyết TTHC",
        "H32.27",
        today + timedelta(days=10),
        co="H32.101, H32.102",
    )
    progress(t, stp, today - timedelta(days=3), "Đã xây dựng kế hoạch, chờ bố trí địa điểm.", 30)
    run(
        "request_extension",
        stp,
        t,
        today - timedelta(days=2),
        {"new_deadline": today + timedelta(days=40), "reason": "Trùng lịch kỳ họp HĐND tỉnh; đề nghị lùi thời gian."},
    )

    # 3. A recent dispatch (three weeks ago): tasks still within their deadline.
    d3 = directive(
        "318/UBND-KSTT",
        today - timedelta(days=21),
        "ubnd",
        "Nguyễn Thanh Hà",
        "Về việc rà soát, đơn giản hóa thủ tục hành chính nội bộ năm nay",
    )
    t = assign(d3, "Rà soát, đề xuất phương án đơn giản hóa TTHC nội bộ", "H32.101", days=30)
    run(
        "request_extension",
        nt,
        t,
        today - timedelta(days=7),
        {"new_deadline": t.due_on + timedelta(days=14), "reason": "Chờ hướng dẫn của Văn phòng UBND tỉnh."},
    )
    run("decide_extension", reform, t, today - timedelta(days=6), {"decision": "approved", "reason": "Đồng ý."})
    assign(d3, "Thống kê TTHC nội bộ thuộc phạm vi quản lý", "H32.102", today + timedelta(days=20))
    found = [queries.outcome(x, today) for x in Task.objects.all()]
    summary = ", ".join(f"{found.count(o)} {rules.OUTCOME_LABELS[o].lower()}" for o in rules.OUTCOMES)
    stdout.write(
        f"assignments: 3 directives, {len(found)} tasks ({summary}; 1 extension pending) — /backoffice/nhiem-vu/\n"
    )
