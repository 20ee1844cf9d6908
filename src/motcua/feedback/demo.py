"""Demo feedback (PAKN) in every state for the demo staff, built through `inbound.receive` and the
command table as the account holding each role, at times relative to the load; plus a few months of
imported history so that the 766 criteria 5.1/5.2 and the periodic report have figures."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.feedback import commands, inbound
from motcua.feedback.models import Feedback

CITIZENS = [
    ("Nguyễn Văn An", "0905 100 201", "an.nguyen@example.vn", "15 Trần Phú, Nha Trang"),
    ("Lê Thị Bình", "0914 200 302", "", "8 Yersinia, Nha Trang"),
    ("Công ty TNHH Biển Xanh", "0258 3 811 222", "lienhe@bienxanh.example", "22 Lê Thánh Tôn, Nha Trang"),
    ("Trần Quốc Cường", "0935 300 403", "cuong.tq@example.vn", ""),
]
TOPICS = [
    (
        "Hẹn trả kết quả khai sinh bị trễ",
        "Tôi nộp hồ sơ đăng ký khai sinh cho con, đến ngày hẹn vẫn chưa có kết quả và không được thông báo lý do.",
        "procedure",
    ),
    (
        "Đề nghị niêm yết phí chứng thực rõ hơn",
        "Bảng niêm yết phí chứng thực tại bộ phận một cửa bị mờ, người dân khó đọc; đề nghị thay bảng mới.",
        "regulation",
    ),
    (
        "Cán bộ yêu cầu nộp thêm giấy tờ ngoài quy định",
        "Khi nộp hồ sơ cấp phiếu lý lịch tư pháp, tôi bị yêu cầu nộp thêm bản sao hộ khẩu dù thủ tục không quy định.",
        "conduct",
    ),
    (
        "Cổng dịch vụ công báo lỗi khi thanh toán",
        "Khi thanh toán lệ phí trực tuyến, trang báo lỗi nhưng tài khoản vẫn bị trừ tiền; đề nghị kiểm tra và hoàn tiền.",
        "procedure",
    ),
    (
        "Kiến nghị kéo dài giờ tiếp nhận buổi chiều",
        "Nhiều người lao động không thể đến trong giờ hành chính; kiến nghị mở thêm giờ tiếp nhận chiều thứ Bảy.",
        "regulation",
    ),
]


def _user(name: str) -> Any:
    return get_user_model().objects.filter(username=name).first()


def _back(now: datetime, working_days: int, hour: int) -> datetime:
    from motcua.calendar.service import get_calendar

    cal = get_calendar()
    day = timezone.localtime(now).date()
    left = working_days
    while left > 0:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            left -= 1
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 15), timezone.get_current_timezone())


def _payload(i: int, unit: str, **extra: Any) -> dict[str, Any]:
    title, content, topic = TOPICS[i % len(TOPICS)]
    name, phone, email, address = CITIZENS[i % len(CITIZENS)]
    return {
        "unit": unit,
        "title": title,
        "content": content,
        "topic": topic,
        "submitter": {"name": name, "phone": phone, "email": email, "address": address},
        **extra,
    }


def _history(now: datetime) -> list[str]:
    """About 60 feedback of the last six months as §9.2 lines (deterministic)."""
    rnd = random.Random(17)
    lines = []
    start = timezone.localtime(now).date() - timedelta(days=185)
    for n in range(60):
        unit = ("H32.101", "H32.27")[n % 2]
        day = start + timedelta(days=rnd.randrange(0, 150))
        received = datetime(day.year, day.month, day.day, 9, 0, tzinfo=timezone.get_current_timezone())
        kind = rnd.random()
        doc: dict[str, Any] = {
            "code": f"PAKN-DEMO-{n + 1:04d}",
            "unit": unit,
            "received_at": received.isoformat(),
            "forwarded_at": None,
            "rejected_at": None,
            "answered_at": None,
            "published_at": None,
            "rating": None,
            "title": TOPICS[n % len(TOPICS)][0],
        }
        if kind < 0.1:
            doc.update(status="rejected", rejected_at=(received + timedelta(days=rnd.choice([1, 2, 5]))).isoformat())
        else:
            answered = received + timedelta(days=rnd.choice([7, 12, 18, 25]))
            published = answered + timedelta(days=rnd.choice([1, 2, 4]))
            doc.update(
                status="published",
                answered_at=answered.isoformat(),
                published_at=published.isoformat(),
                rating=rnd.choice([None, 2, 3, 4, 4, 5, 5]),
            )
        lines.append(json.dumps(doc, ensure_ascii=False))
    return lines


def load(stdout: TextIO, now: datetime | None = None) -> None:
    from motcua.organizations.models import Unit

    now = now or timezone.now()
    if Feedback.objects.filter(code__startswith="PAKN-DEMO-").exists():
        stdout.write("feedback: demo feedback already present\n")
        return
    if Unit.objects.filter(code__in=["H32.101", "H32.27"]).count() != 2 or _user("clerk") is None:
        stdout.write("feedback: demo units or accounts missing, no demo feedback\n")
        return
    from motcua.feedback.importer import import_lines

    result = import_lines(_history(now))
    clerk, spec, lead = _user("clerk"), _user("specialist"), _user("leader")
    clerk_stp, spec_stp, lead_stp = _user("clerk.stp"), _user("specialist.stp"), _user("leader.stp")

    def go(name: str, actor: Any, fb: Feedback, at: datetime, **data: Any) -> Feedback:
        return commands.execute(name, actor, fb, data, now=at)

    made = 0
    # 1. just sent on the centre's form; 2. sent through the national portal 6 working days ago: overdue.
    inbound.receive(_payload(0, "H32.101"), channel="web", now=now)
    inbound.receive(_payload(1, "H32.101", external_id="DVCQG-PAKN-000123"), channel="portal", now=_back(now, 6, 10))
    made += 2
    # 3. outside the ward's authority: forwarded to Sở Tư pháp, waiting for its classification.
    fb = inbound.receive(_payload(2, "H32.101"), channel="hotline", actor=clerk, now=_back(now, 4, 9))
    go(
        "classify",
        clerk,
        fb,
        _back(now, 3, 10),
        case="outside_authority",
        target_unit="H32.27",
        reason="Thuộc thẩm quyền Sở Tư pháp.",
    )
    # 4. at Sở Tư pháp, being handled; 5. at the ward, draft answer waiting for the leader.
    fb = inbound.receive(_payload(3, "H32.27"), channel="email", actor=clerk_stp, now=_back(now, 8, 9))
    go("classify", spec_stp, fb, _back(now, 7, 9), case="within_authority")
    fb = inbound.receive(_payload(4, "H32.101"), channel="counter", actor=clerk, now=_back(now, 9, 14))
    go("classify", spec, fb, _back(now, 8, 9), case="within_authority", topic="regulation")
    go(
        "draft_answer",
        spec,
        fb,
        _back(now, 1, 10),
        answer="UBND phường ghi nhận kiến nghị và sẽ thử nghiệm tiếp nhận hồ sơ sáng thứ Bảy từ tháng tới.",
    )
    # 6. answered at Sở Tư pháp, "chờ công khai"; 7. published, not yet rated; 8. published and rated.
    for i, (unit, _c, s, ld, rating) in enumerate(
        [
            ("H32.27", clerk_stp, spec_stp, lead_stp, None),
            ("H32.101", clerk, spec, lead, None),
            ("H32.101", clerk, spec, lead, 5),
        ]
    ):
        fb = inbound.receive(
            _payload(5 + i, unit, external_id=f"DVCQG-PAKN-00020{i}" if i == 0 else ""),
            channel="portal" if i == 0 else "web",
            now=_back(now, 12, 9),
        )
        go("classify", s, fb, _back(now, 11, 9), case="within_authority")
        go("draft_answer", s, fb, _back(now, 4, 9), answer="Đã kiểm tra và chấn chỉnh; cảm ơn ông/bà đã phản ánh.")
        go("approve_answer", ld, fb, _back(now, 3, 9))
        if i > 0:
            go("publish", ld, fb, _back(now, 2, 9))
            if rating:
                commands.rate(fb.rating_token, rating, now=_back(now, 1, 9))
    # 9. not accepted (a complaint, out of scope); 10. waiting for the submitter's supplement.
    fb = inbound.receive(_payload(8, "H32.27"), channel="web", now=_back(now, 3, 9))
    go(
        "classify",
        spec_stp,
        fb,
        _back(now, 2, 9),
        case="not_accepted",
        reason="Nội dung là khiếu nại, hướng dẫn gửi theo Luật Khiếu nại.",
    )
    fb = inbound.receive(_payload(9, "H32.101"), channel="web", now=_back(now, 2, 9))
    go(
        "request_supplement",
        spec,
        fb,
        _back(now, 1, 9),
        message="Đề nghị cho biết mã hồ sơ và ngày hẹn trên giấy tiếp nhận.",
    )
    made += 8
    stdout.write(f"feedback: {result.imported} imported, {made} live demo feedback\n")
