"""Demo loader: live dossiers a newcomer can walk, in every state, in the units that have demo staff.

Phường Nha Trang (H32.101: `clerk`, `specialist`, `leader`) and Sở Tư pháp (H32.27: `clerk.stp`,
`specialist.stp`, `leader.stp`) get dossiers submitted online, received, at each step of the
process, waiting for a supplement or a fee, with the clock paused, finished, returned, withdrawn,
stopped, refused and closed, some of them late, plus one liên thông group (birth registration).

Everything goes through the public functions of `motcua.dossiers.services`, each called as the
demo account holding the role for it (`actors`, the one place that says who does what). Times are
relative to the load ("now"), placed in office hours of past working days of the unit's calendar,
so the late dossiers really are overdue when the demo starts. Idempotent: every dossier has a key
`demo-live-<name>`; once they exist, a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

KEY = "demo-live-"
EVIDENCE = b"%PDF-1.4\n% motcua demo: van ban can cu\n"
EMAIL_DOMAIN = "khanhhoa.example"  # reserved top-level domain: demo mail never reaches anyone

# The demo accounts per unit and role (organizations.demo creates them; docs/DEMO.md lists them).
STAFF = {
    "H32.101": {"clerk": "clerk", "specialist": "specialist", "leader": "leader"},
    "H32.27": {"clerk": "clerk.stp", "specialist": "specialist.stp", "leader": "leader.stp"},
}

# Which role performs each command, preferred first; `actors` falls back to the next role when the
# service refuses (the rules in force decide: e.g. "finish" is the last step's role, a clerk, under
# the command table and a specialist/leader under the older rules). Step commands use the step's role.
COMMAND_ROLES: dict[str, tuple[str, ...]] = {
    "receive": ("clerk",),
    "refuse": ("clerk",),
    "withdraw": ("clerk",),
    "close": ("clerk",),
    "return": ("clerk",),
    "request_supplement": ("specialist",),
    "request_fee": ("specialist",),
    "pause": ("leader",),
    "stop": ("leader",),
    "finish": ("clerk", "leader"),
}


def account(unit_code: str, role: str) -> Any:
    return get_user_model().objects.get(username=STAFF[unit_code][role])


def actors(command: str, unit_code: str, step_role: str = "") -> list[Any]:
    """The demo accounts to try for `command` at the unit, in order (adjust here when the rules change)."""
    roles = (step_role,) if step_role else COMMAND_ROLES[command]
    return [account(unit_code, role) for role in roles]


def act(command: str, unit_code: str, fn: Callable[..., Any], *args: Any, step_role: str = "", **kw: Any) -> Any:
    """Call service `fn` as the first demo account the rules accept for `command`."""
    refused: PermissionDenied | None = None
    for user in actors(command, unit_code, step_role):
        try:
            return fn(user, *args, **kw)
        except PermissionDenied as exc:
            refused = exc
    assert refused is not None
    raise refused


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str
    address: str
    email: str = ""


# Invented people: family name first; 12-digit citizen ID numbers (056 = Khánh Hòa, then the
# sex/century digit and the year of birth); mobile numbers; streets of the province's wards.
PEOPLE_TABLE = """
Nguyễn Văn An | 056089001234 | 0905123456 | 12 Trần Phú, phường Nha Trang | an.nv@example.vn
Trần Thị Bích Ngọc | 056192004567 | 0914234567 | 45 Yersin, phường Nha Trang
Lê Hoàng Phúc | 056095007788 | 0935345678 | 8 Lê Thánh Tôn, phường Nha Trang
Phạm Thị Thu Hà | 056188002345 | 0988456789 | 101 Thống Nhất, phường Nha Trang | thuha.pt@example.vn
Hoàng Minh Tuấn | 056090003456 | 0903567890 | 27 Nguyễn Thiện Thuật, phường Nha Trang
Võ Thị Kim Oanh | 056186005678 | 0977678901 | 3 Phan Chu Trinh, phường Nha Trang
Đặng Quốc Bảo | 056097006789 | 0966789012 | 56 Hùng Vương, phường Nha Trang
Bùi Thị Mỹ Linh | 056199008901 | 0945890123 | 14 Nguyễn Chánh, phường Bắc Nha Trang
Huỳnh Văn Lợi | 056078009012 | 0918901234 | 72 Lê Hồng Phong, phường Nam Nha Trang
Ngô Thị Hồng Nhung | 056191001357 | 0936012345 | 19 Hoàng Văn Thụ, phường Nha Trang | nhung.nth@example.vn
Dương Văn Hải | 056084002468 | 0909135790 | 35 Đường 2 Tháng 4, phường Bắc Nha Trang
Lý Thị Thanh Tâm | 056193003579 | 0983246801 | 6 Nguyễn Trãi, phường Nha Trang
Trương Công Danh | 056087004680 | 0912357913 | 88 Lê Duẩn, phường Cam Ranh
Phan Thị Diễm My | 056196005791 | 0967468024 | 23 Ngô Gia Tự, phường Tây Nha Trang
Đỗ Văn Thành | 056082006802 | 0905579135 | 41 Trần Quang Khải, phường Nha Trang
Mai Thị Lan Anh | 056194007913 | 0938680246 | 9 Quang Trung, phường Nha Trang | lananh.mt@example.vn
Nguyễn Thị Ngọc Hân | 056197008024 | 0976791357 | 60 Tô Hiến Thành, phường Nha Trang
Cao Văn Khải | 056080009135 | 0919802468 | 17 Phan Bội Châu, phường Nha Trang
Lê Thị Phương Thảo | 056195000246 | 0944913579 | 5 Hàn Thuyên, phường Nha Trang
Trần Minh Nhật | 056099001470 | 0908024680 | 30 Nguyễn Bỉnh Khiêm, phường Nha Trang
"""
PEOPLE = [
    Person(name, id_number, phone, f"{street}, tỉnh Khánh Hòa", *email)
    for name, id_number, phone, street, *email in (
        [cell.strip() for cell in line.split("|")] for line in PEOPLE_TABLE.strip().splitlines()
    )
]


class Timeline:
    """Instants in office hours of past working days of a calendar, counted back from `now`."""

    def __init__(self, now: datetime, calendar: Any) -> None:
        self.now = now
        self.calendar = calendar
        self.today = timezone.localtime(now).date()

    def workday(self, back: int) -> date:
        """The `back`-th working day before today (1 = the last working day before today)."""
        day, left = self.today, back
        while left:
            day -= timedelta(days=1)
            if self.calendar.is_working_day(day):
                left -= 1
        return day

    def on_or_before(self, day: date) -> date:
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def at(self, day: date, hh: int, mm: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hh, mm)))

    def steps(self, start: datetime, every: timedelta = timedelta(minutes=40)) -> Iterator[datetime]:
        """Later instants for the next actions, each `every` after the previous, kept in office hours."""
        t = start
        while True:
            t = self.calendar.official_receipt(t + every)
            yield t


# ------------------------------------------------------------------------------------------------
# Scenarios: one per dossier; each receives (or submits) then drives the dossier to its state.


def _applicant(n: int) -> Any:
    from motcua.dossiers.services import Applicant

    p = PEOPLE[n % len(PEOPLE)]
    return Applicant(name=p.name, id_number=p.id_number, phone=p.phone, email=p.email, address=p.address)


def _walk(d: Any, times: Iterator[datetime], until: int | None) -> None:
    """Open the first step of the pinned process and forward until step `until` is open (None: all done)."""
    from motcua.catalog.models import ProcessStep
    from motcua.dossiers import services as s

    steps = list(ProcessStep.objects.filter(definition_id=d.process_definition_id).order_by("order"))
    unit = d.unit.code

    def role(step: Any) -> str:
        return step.role or "specialist"

    act("step", unit, s.start_step, d, step_role=role(steps[0]), now=next(times))
    last = len(steps) if until is None else until - 1
    for i in range(last):
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        assignee = account(unit, role(nxt)) if nxt is not None else None
        act("step", unit, s.forward, d, step_role=role(steps[i]), assignee=assignee, now=next(times))


@dataclass(frozen=True)
class Scenario:
    name: str
    unit: str
    procedure: str
    person: int
    back: int  # received on the back-th working day before today
    hour: int
    build: Callable[[Any, Timeline, Iterator[datetime]], None] | None = None
    channel: str = "direct"


def _finish(d: Any, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    _walk(d, times, None)
    act("finish", d.unit.code, s.finish_dossier, d, now=next(times))


def _return_on_appointment(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    _finish(d, times)
    # The citizen comes on the appointment day (an earlier return would need an early-return notice).
    at = tl.calendar.official_receipt(max(tl.at(timezone.localtime(d.appointment_at).date(), 9, 30), next(times)))
    if at < tl.now:
        act("return", d.receiving_unit.code, s.return_result, d, now=at)


def _supplement(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    _walk(d, times, 2)
    items = ["Bản sao Giấy chứng nhận kết hôn của cha, mẹ", "Văn bản ủy quyền có chứng thực"]
    reason = "Hồ sơ thiếu giấy tờ chứng minh quan hệ cha, mẹ, con."
    act("request_supplement", d.unit.code, s.request_supplement, d, reason=reason, items=items, now=next(times))


def _closed(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    reason = "Thiếu bản chính Giấy xác nhận tình trạng hôn nhân để đối chiếu."
    asked = next(times)
    act("request_supplement", d.unit.code, s.request_supplement, d, reason=reason, items=["Bản chính"], now=asked)
    # The worker closes it once the 15 days are over; the demo does the same, as the desk would.
    act("close", d.receiving_unit.code, s.close_unsupplemented, d, now=asked + timedelta(days=15, minutes=5))


def _fee(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    _walk(d, times, 2)
    amount = d.procedure.fee or 50_000
    act("request_fee", d.unit.code, s.request_fee, d, amount=amount, note="Lệ phí chứng thực", now=next(times))


def _paused(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    _walk(d, times, 2)
    reason = "Chờ ý kiến thẩm duyệt thiết kế về phòng cháy và chữa cháy của Công an tỉnh."
    evidence = s.Upload("cong-van-xin-y-kien-pccc.pdf", EVIDENCE)
    act("pause", d.unit.code, s.pause_clock, d, reason=reason, evidence=evidence, now=next(times))


def _stopped(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    _walk(d, times, 2)
    reason = "Tòa án nhân dân khu vực đang thụ lý vụ việc ly hôn của người yêu cầu."
    evidence = s.Upload("thong-bao-thu-ly-cua-toa-an.pdf", EVIDENCE)
    act("stop", d.unit.code, s.stop_dossier, d, reason=reason, evidence=evidence, now=next(times))


def _withdrawn(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    from motcua.dossiers import services as s

    _walk(d, times, 2)
    act(
        "withdraw",
        d.receiving_unit.code,
        s.withdraw,
        d,
        reason="Người nộp xin rút hồ sơ để nộp lại sau.",
        now=next(times),
    )


def _at_step(n: int) -> Callable[[Any, Timeline, Iterator[datetime]], None]:
    def build(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
        _walk(d, times, n)

    return build


def _finished(d: Any, tl: Timeline, times: Iterator[datetime]) -> None:
    _finish(d, times)


SCENARIOS = [
    # Phường Nha Trang: every state, some late.
    Scenario("received", "H32.101", "1.004873", 0, 1, 9),
    Scenario("received-late", "H32.101", "1.004859", 1, 4, 10),
    Scenario("step-1", "H32.101", "1.001612", 2, 1, 8, _at_step(1)),
    Scenario("step-2", "H32.101", "1.004884", 3, 1, 9, _at_step(2), channel="postal"),
    Scenario("step-2-late", "H32.101", "1.004873", 4, 6, 14, _at_step(2)),
    Scenario("step-3", "H32.101", "1.001776", 5, 2, 10, _at_step(3)),
    Scenario("step-4", "H32.101", "1.004837", 6, 2, 14, _at_step(4)),
    Scenario("supplement", "H32.101", "1.000689", 7, 1, 8, _supplement),
    Scenario("awaiting-fee", "H32.101", "2.001019", 8, 1, 9, _fee),
    Scenario("paused", "H32.101", "1.013225", 9, 3, 9, _paused),
    Scenario("finished", "H32.101", "1.001022", 10, 2, 8, _finished),
    Scenario("returned", "H32.101", "1.004873", 11, 7, 9, _return_on_appointment),
    Scenario("withdrawn", "H32.101", "1.001612", 12, 3, 10, _withdrawn),
    Scenario("stopped", "H32.101", "1.004873", 13, 4, 8, _stopped),
    # Sở Tư pháp: province-level procedures (bản sao từ sổ gốc, trích lục hộ tịch).
    Scenario("stp-received", "H32.27", "2.000908", 14, 1, 15),
    Scenario("stp-step-2-late", "H32.27", "2.000908", 15, 4, 9, _at_step(2)),
    Scenario("stp-step-3", "H32.27", "2.000908", 16, 1, 10, _at_step(3)),
    Scenario("stp-returned", "H32.27", "2.000635", 17, 3, 8, _return_on_appointment),
    Scenario("stp-finished-late", "H32.27", "2.000635", 18, 2, 14, _finished),
]


def _receive(sc: Scenario, tl: Timeline, at: datetime) -> Any:
    from motcua.catalog.models import Procedure
    from motcua.dossiers import services as s
    from motcua.organizations.models import Unit

    unit = Unit.objects.get(code=sc.unit)
    procedure = Procedure.objects.get(code=sc.procedure)
    return act(
        "receive",
        sc.unit,
        s.receive_dossier,
        procedure=procedure,
        unit=unit,
        applicant=_applicant(sc.person),
        channel=sc.channel,
        # A dossier that came by post carries its postal item number (VNPost's 13-character format).
        postal_tracking=f"EB{sc.person:07d}{sc.back:02d}VN" if sc.channel == "postal" else "",
        idempotency_key=KEY + sc.name,
        now=at,
    )


def _online(tl: Timeline) -> list[tuple[str, Callable[[], Any]]]:
    """Online submissions: one just filed, one the desk should have accepted yesterday, one refused, one closed."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers import services as s
    from motcua.organizations.models import Unit

    unit = Unit.objects.get(code="H32.101")

    def submit(name: str, code: str, person: int, at: datetime) -> Any:
        procedure = Procedure.objects.get(code=code)
        return s.submit_online(
            procedure=procedure, unit=unit, applicant=_applicant(person), idempotency_key=KEY + name, now=at
        )

    def refused() -> Any:
        at = tl.at(tl.workday(2), 20, 15)
        d = submit("refused", "1.004194", 1, at)
        reason = "Thủ tục đăng ký tạm trú do Công an cấp xã giải quyết; đề nghị nộp tại Công an phường Nha Trang."
        return act("refuse", "H32.101", s.refuse_intake, d, reason=reason, now=tl.at(tl.workday(1), 8, 10))

    def closed() -> Any:
        day = tl.on_or_before(tl.today - timedelta(days=20))
        d = submit("closed", "1.004873", 19, tl.at(day, 7, 45))
        act("receive", "H32.101", s.accept_online, d, now=tl.at(day, 8, 30))
        _closed(d, tl, tl.steps(tl.at(day, 8, 30), timedelta(hours=2)))
        return d

    return [
        ("submitted", lambda: submit("submitted", "1.004873", 3, tl.now - timedelta(minutes=12))),
        ("submitted-late", lambda: submit("submitted-late", "1.000689", 5, tl.at(tl.workday(3), 21, 40))),
        ("refused", refused),
        ("closed", closed),
    ]


def _linked(tl: Timeline) -> Any:
    """Birth registration, permanent residence and health insurance card for a newborn, filed together."""
    from motcua.catalog.models import LinkedGroup
    from motcua.dossiers import services as s
    from motcua.organizations.models import Unit

    group = LinkedGroup.objects.get(code="3.000722")
    codes = {"1.001193": "H32.101", "1.004222": "H32.101.01", "1.014137": "H32.41", "1.116410": "H32.101.01"}
    units = {p: Unit.objects.get(code=u) for p, u in codes.items()}
    at = tl.at(tl.workday(1), 8, 20)
    lead = act(
        "receive",
        "H32.101",
        s.receive_linked,
        group=group,
        receiving_unit=units["1.001193"],
        units=units,
        applicant=_applicant(9),
        idempotency_key=KEY + "linked",
        now=at,
    )
    # The birth is registered the same morning; the police post and social insurance take their turns.
    _finish(lead, tl.steps(at, timedelta(minutes=25)))
    return lead


def _staff_emails() -> None:
    """Give the demo staff an address so deadline alerts also leave as e-mail (to the simulator)."""
    users = get_user_model().objects.filter(username__in=[u for staff in STAFF.values() for u in staff.values()])
    for user in users.filter(email=""):
        user.email = f"{user.username}@{EMAIL_DOMAIN}"
        user.save(update_fields=["email"])


def load(stdout: TextIO, now: datetime | None = None) -> None:
    from motcua.calendar.service import calendar_for_unit
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import DossierError
    from motcua.organizations.models import Unit

    if Dossier.objects.filter(idempotency_key__startswith=KEY).exists():
        stdout.write("dossiers: live demo dossiers already present\n")
        return
    missing = [u for u in STAFF if not Unit.objects.filter(code=u).exists()]
    users = get_user_model().objects.filter(username__in=[u for staff in STAFF.values() for u in staff.values()])
    if missing or users.count() < sum(len(staff) for staff in STAFF.values()):
        stdout.write("dossiers: demo units or accounts missing, no live demo dossiers\n")
        return
    _staff_emails()
    tl = Timeline(now or timezone.now(), calendar_for_unit(Unit.objects.get(code="H32.101")))
    jobs: list[tuple[str, Callable[[], Any]]] = []
    for sc in SCENARIOS:

        def run(sc: Scenario = sc) -> Any:
            at = tl.at(tl.workday(sc.back), sc.hour, 15)
            d = _receive(sc, tl, at)
            if sc.build is not None:
                sc.build(d, tl, tl.steps(at))
            return d

        jobs.append((sc.name, run))
    jobs += _online(tl)
    jobs.append(("linked", lambda: _linked(tl)))
    made, failed = 0, []
    for name, job in jobs:
        try:
            with transaction.atomic():
                job()
            made += 1
        except (DossierError, PermissionDenied) as exc:  # keep the others; say which one and why
            failed.append(f"{name}: {getattr(exc, 'code', '') or exc}")
    stdout.write(f"dossiers: {made} live demo dossiers (every state, some late; accounts in docs/DEMO.md)\n")
    for line in failed:
        stdout.write(f"dossiers: demo dossier {line}\n")
