"""`transfer_unit`: a restructuring decision (`motcua.restructure`) hands an open dossier to a successor unit.

Run only by the system actor when a decision takes effect (no grant: never offered on a screen).
The event records the old and new competent and receiving units and the decision; the dossier's
code, deadline and clock are untouched (the clock keeps running); open step runs at an ended unit
move with it (`units`: old code → new code, folded into `current_steps` by `derive`). When the
contact point (the receiving unit) changes, the citizen is told through the outbox.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from motcua.dossiers import clock
from motcua.dossiers.commands.kernel import Ctx, DossierError, append, notify, receiving
from motcua.dossiers.commands.schemas import Text
from motcua.dossiers.commands.table import Command, register
from motcua.dossiers.models import StepRun
from motcua.organizations.models import Unit
from motcua.trust.appendonly import lifted


class TransferUnit(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.CharField(label=_("Đơn vị giải quyết mới (mã)"), max_length=40)
    receiving_unit = serializers.CharField(label=_("Đơn vị tiếp nhận mới (mã)"), max_length=40)
    units = serializers.DictField(
        label=_("Đơn vị cũ → đơn vị mới (mã)"), child=serializers.CharField(max_length=40), required=False
    )
    decision = Text(label=_("Quyết định sắp xếp"), max_length=100)
    effective_on = serializers.DateField(label=_("Ngày có hiệu lực"), required=False)


def _unit(code: str, field: str) -> Unit:
    found = Unit.objects.filter(code=code).first()
    if found is None:
        raise DossierError(_("Không có đơn vị mã %(c)s.") % {"c": code}, "unknown_unit", {field: [_("Không có.")]})
    return found


def _transfer(ctx: Ctx, data: dict[str, Any]) -> Any:
    d = ctx.d
    unit = _unit(data["unit"], "unit")
    receiving_unit = _unit(data["receiving_unit"], "receiving_unit")
    old_unit, old_receiving = d.unit, receiving(d)
    moves: dict[str, str] = dict(data.get("units") or {})
    moves.setdefault(old_unit.code, unit.code)
    moves.setdefault(old_receiving.code, receiving_unit.code)
    moves = {a: b for a, b in sorted(moves.items()) if a != b}
    targets = {code: _unit(code, "units") for code in set(moves.values())}
    payload = {
        "decision": data["decision"],
        "effective_on": (data.get("effective_on") or ctx.at.astimezone(clock.TZ).date()).isoformat(),
        "from_unit": old_unit.code,
        "to_unit": unit.code,
        "from_receiving": old_receiving.code,
        "to_receiving": receiving_unit.code,
        "units": moves,
    }
    event = append(
        d, "unit_transferred", ctx.actor, ctx.at, payload, state=ctx.state,
        changes={"unit": unit, "receiving_unit": receiving_unit},
    )  # fmt: skip
    # The one sanctioned rewrite of a step run: an open run follows its unit to the successor. The event
    # above says so (`units`, replayed by `evidence.Runs`), and the lift is recorded (`trust.Lift`).
    open_runs = [
        r for r in StepRun.objects.filter(dossier=d, finished_at__isnull=True).select_related("unit")
        if r.unit.code in moves
    ]  # fmt: skip
    if open_runs:
        with lifted(f"transfer_unit {d.code} (decision {data['decision']}): open step runs move with the unit"):
            for run in open_runs:
                StepRun.objects.filter(pk=run.pk).update(unit=targets[moves[run.unit.code]])
    if old_receiving.pk != receiving_unit.pk:
        notify(
            d,
            "unit_transferred",
            event.seq,
            {"old_unit": old_receiving.name, "new_unit": receiving_unit.name, "decision": data["decision"]},
        )
    return d


register(
    Command(
        "transfer_unit",
        gettext_lazy("Chuyển hồ sơ sang đơn vị kế thừa (sắp xếp tổ chức)"),
        gettext_lazy("Chuyển đơn vị"),
        "unit_transferred",
        (),  # the system actor only, when a restructuring decision takes effect
        TransferUnit,
        _transfer,
        "System only: hand an open dossier to the successor unit named by a restructuring decision.",
        done=gettext_lazy("Đã chuyển hồ sơ sang đơn vị kế thừa."),
    ),
)
