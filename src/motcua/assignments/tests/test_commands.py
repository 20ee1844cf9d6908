"""The command table end to end: who may do what, bad input refused in Vietnamese, events appended,
late completion counted by `metrics.tasks_late`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from motcua.assignments import commands, metrics, queries, rules
from motcua.assignments.commands import AssignmentError
from motcua.assignments.models import Decision, Event, Task
from motcua.backoffice.tests import factories as f
from motcua.calendar.engine import TZ

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% ket qua\n"


def vn(*a: int) -> datetime:
    return datetime(*a, tzinfo=TZ)


@pytest.fixture
def world() -> dict[str, Any]:
    from motcua.organizations.models import Unit

    province = Unit.objects.create(code="H32", name="UBND tỉnh Khánh Hòa", level="province")
    a = Unit.objects.create(code="H32.101", name="UBND thành phố Nha Trang", level="district", parent=province)
    b = Unit.objects.create(code="H32.27", name="Sở Tư pháp", level="province", parent=province)
    return {
        "a": a,
        "b": b,
        "reform": f.user("reform", province, "reform_officer"),
        "admin_a": f.user("admin_a", a, "unit_admin"),
        "admin_b": f.user("admin_b", b, "unit_admin"),
        "clerk_a": f.user("clerk_a", a, "clerk"),
    }


def directive(w: dict[str, Any], now: datetime) -> Any:
    return commands.execute(
        "create_directive",
        w["reform"],
        None,
        {
            "number": "123/UBND-KSTT",
            "issued_on": "2026-03-02",
            "issuer": "ubnd",
            "signer": "Nguyễn Văn A",
            "title": "Về việc đẩy mạnh số hóa hồ sơ",
        },
        upload=commands.Upload("123.pdf", PDF),
        now=now,
    )


def test_assigned_updated_completed_late_is_counted_late(world: dict[str, Any]) -> None:
    w = world
    d = directive(w, vn(2026, 3, 2, 9))
    assert d.file_type == "application/pdf"
    task = commands.execute(
        "assign_task",
        w["reform"],
        d,
        {"content": "Số hóa 100% hồ sơ", "lead_unit": "H32.101", "coordinating_units": "H32.27", "working_days": "10"},
        now=vn(2026, 3, 2, 9),
    )
    assert task.deadline == task.due_on == date(2026, 3, 16)  # ten working days after Monday 02/03
    assert [c.name for c in commands.offered(w["admin_a"], task)] == ["post_progress", "request_extension", "complete"]
    assert commands.offered(w["admin_b"], task) == []  # coordinating unit: sees, does not report
    assert [c.name for c in commands.offered(w["reform"], task)] == []
    with pytest.raises(PermissionDenied):
        commands.execute("post_progress", w["clerk_a"], task, {"text": "x", "percent": 10})

    commands.execute(
        "post_progress", w["admin_a"], task, {"text": "Đã số hóa 40%", "percent": "40"}, now=vn(2026, 3, 9)
    )
    commands.execute(
        "request_extension",
        w["admin_a"],
        task,
        {"new_deadline": "20/03/2026", "reason": "Chờ kinh phí"},
        now=vn(2026, 3, 10),
    )
    assert [c.name for c in commands.offered(w["reform"], task)] == ["decide_extension"]
    with pytest.raises(AssignmentError) as e:
        commands.execute("decide_extension", w["reform"], task, {"decision": "refused"}, now=vn(2026, 3, 11))
    assert e.value.fields["reason"] == "Ghi rõ lý do không đồng ý gia hạn."
    task = commands.execute("decide_extension", w["reform"], task, {"decision": "approved"}, now=vn(2026, 3, 11))
    assert task.due_on == date(2026, 3, 20) and task.deadline == date(2026, 3, 16)

    with time_machine.travel(vn(2026, 3, 25, 10), tick=False):
        assert queries.outcome(task, date(2026, 3, 25)) == rules.OVERDUE
        assert metrics.tasks_late("H32.101", 2026) == (1, 1)
    task = commands.execute(
        "complete",
        w["admin_a"],
        task,
        {"result_number": "456/BC-UBND", "result_date": "2026-03-26", "summary": "Xong", "nonce": "n1"},
        upload=commands.Upload("kq.pdf", PDF),
        now=vn(2026, 3, 26, 15),
    )
    # The retried form (same nonce) changes nothing.
    again = commands.execute(
        "complete", w["admin_a"], task, {"result_number": "x", "result_date": "2026-03-26", "nonce": "n1"}
    )
    assert again.pk == task.pk and task.completion.result_number == "456/BC-UBND"
    assert queries.outcome(task, date(2026, 12, 31)) == rules.COMPLETED_LATE
    with time_machine.travel(vn(2027, 1, 5, 10), tick=False):
        assert metrics.tasks_late("H32.101", 2026) == (1, 1)
        assert metrics.tasks_late("H32.101", 2025) == (0, 0)
        assert metrics.tasks_late("H32.27", 2026) == (0, 0)
    assert list(Event.objects.values_list("type", flat=True)) == [
        "directive_created",
        "task_assigned",
        "progress_posted",
        "extension_requested",
        "extension_approved",
        "completed",
    ]
    assert Event.objects.last().payload["outcome"] == rules.COMPLETED_LATE  # type: ignore[union-attr]
    with pytest.raises(AssignmentError):
        commands.execute("post_progress", w["admin_a"], task, {"text": "x", "percent": 10})


def test_bad_input_is_refused_with_a_vietnamese_message(world: dict[str, Any]) -> None:
    w = world
    d = directive(w, vn(2026, 3, 2, 9))
    with pytest.raises(AssignmentError) as e:
        directive(w, vn(2026, 3, 2, 9))
    assert e.value.fields == {"number": "Số văn bản này đã được nhập."}
    cases = [
        ({"content": "x", "lead_unit": "H32.101"}, "deadline"),
        ({"content": "x", "lead_unit": "H32.101", "deadline": "2026-04-01", "working_days": 3}, "deadline"),
        ({"content": "x", "lead_unit": "H99", "deadline": "2026-04-01"}, "lead_unit"),
        ({"content": "x", "lead_unit": "H32.101", "deadline": "2026-02-01"}, "deadline"),
        ({"content": "x", "lead_unit": "H32.101", "deadline": "ngày mai"}, "deadline"),
        (
            {"content": "x", "lead_unit": "H32.101", "coordinating_units": "H32.101", "deadline": "2026-04-01"},
            "coordinating_units",
        ),
    ]
    for data, field in cases:
        with pytest.raises(AssignmentError) as e:
            commands.execute("assign_task", w["reform"], d, data, now=vn(2026, 3, 2, 9))
        assert field in e.value.fields, data
    with pytest.raises(PermissionDenied):
        commands.execute(
            "assign_task", w["admin_a"], d, {"content": "x", "lead_unit": "H32.101", "deadline": "2026-04-01"}
        )
    task = commands.execute(
        "assign_task",
        w["reform"],
        d,
        {"content": "x", "lead_unit": "H32.101", "deadline": "2026-04-01"},
        now=vn(2026, 3, 2),
    )
    with pytest.raises(AssignmentError) as e:
        commands.execute(
            "post_progress", w["admin_a"], task, {"text": "x", "percent": 5}, upload=commands.Upload("a.exe", b"MZ")
        )
    assert "file" in e.value.fields
    with pytest.raises(AssignmentError) as e:
        commands.execute("request_extension", w["admin_a"], task, {"new_deadline": "2026-03-30", "reason": "x"})
    assert "new_deadline" in e.value.fields
    commands.execute(
        "request_extension", w["admin_a"], task, {"new_deadline": "2026-04-30", "reason": "x"}, now=vn(2026, 3, 3)
    )
    with pytest.raises(AssignmentError) as e:
        commands.execute("request_extension", w["admin_a"], task, {"new_deadline": "2026-05-30", "reason": "y"})
    assert e.value.code == "guard"
    commands.execute(
        "complete", w["admin_a"], task, {"result_number": "1/BC", "result_date": "2026-03-05"}, now=vn(2026, 3, 5)
    )
    assert task.extensions.get().decision == Decision.WITHDRAWN
    assert queries.outcome(Task.objects.get(pk=task.pk), date(2026, 12, 1)) == rules.ON_TIME


def test_events_are_append_only(world: dict[str, Any]) -> None:
    directive(world, vn(2026, 3, 2, 9))
    ev = Event.objects.get()
    with pytest.raises(RuntimeError):
        ev.save()
    with pytest.raises(RuntimeError):
        ev.delete()


def test_a_lost_race_is_a_retry_or_a_message(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import IntegrityError

    d = commands.execute(
        "create_directive",
        world["reform"],
        None,
        {"number": "1/UBND", "issued_on": "2026-03-02", "issuer": "ubnd", "signer": "A", "title": "T", "nonce": "k1"},
        now=vn(2026, 3, 2, 9),
    )

    def lose(*args: Any) -> Any:
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(commands, "_run", lose)
    assert commands.execute("create_directive", world["reform"], None, {"nonce": "k1"}) == d
    with pytest.raises(AssignmentError) as e:
        commands.execute("create_directive", world["reform"], None, {"nonce": "k2"})
    assert e.value.code == "conflict"
