"""Recording a decision: one validation for the CLI, the admin screens, the catalogue import and the demo."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.organizations.models import Unit
from motcua.restructure.models import Decision, Kind


def check(
    *,
    kind: str,
    number: str,
    signed_on: date,
    effective_on: date,
    sources: list[Unit],
    into: Unit | None,
    new_code: str,
    new_name: str,
    parts: list[dict[str, Any]],
) -> list[str]:
    """The problems of a decision's shape (English, one line each); empty when it may be recorded."""
    errors: list[str] = []
    if kind not in Kind.values:
        errors.append(f"unknown kind {kind!r}")
    if not number:
        errors.append("the decision needs a number")
    elif Decision.objects.filter(number=number).exists():
        errors.append(f"a decision numbered {number} already exists")
    if signed_on > effective_on:
        errors.append("the decision is signed after its effective date")
    if not sources:
        errors.append("name at least one unit")
    if kind in (Kind.RENAME, Kind.SPLIT) and len(sources) != 1:
        errors.append(f"a {kind} concerns exactly one unit")
    if kind in (Kind.MERGE, Kind.RENAME) and new_code and into is not None:
        errors.append("give either an existing successor or a new code, not both")
    if kind == Kind.MERGE and not new_code and into is None:
        errors.append("a merger needs its successor: an existing unit or a new code and name")
    if kind == Kind.RENAME and not (new_code and new_name):
        errors.append("a rename needs the new code and name")
    if new_code and not new_name:
        errors.append("the new unit needs a name")
    if new_code and Unit.objects.filter(code=new_code).exists():
        errors.append(f"unit code {new_code} already exists")
    if kind == Kind.MOVE and into is None:
        errors.append("a move needs the new parent unit")
    if kind == Kind.SPLIT and len(parts) < 2:
        errors.append("a split needs at least two parts")
    return errors


@transaction.atomic
def create_decision(
    *,
    kind: str,
    number: str,
    signed_on: date,
    effective_on: date,
    legal_basis: str = "",
    unit_codes: list[str],
    into: str | None = None,
    new_code: str = "",
    new_name: str = "",
    new_kind: str = "",
    parts: list[dict[str, Any]] | None = None,
    created_by: Any = None,
) -> Decision:
    """Record a draft decision; raises ValueError (one line) when its shape is wrong."""
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    unknown = [c for c in unit_codes if c not in units]
    if unknown:
        raise ValueError(f"unknown unit code {unknown[0]!r}")
    target = None
    if into:
        target = Unit.objects.filter(code=into).first()
        if target is None:
            raise ValueError(f"unknown unit code {into!r}")
    errors = check(
        kind=kind,
        number=number,
        signed_on=signed_on,
        effective_on=effective_on,
        sources=list(units.values()),
        into=target,
        new_code=new_code,
        new_name=new_name,
        parts=parts or [],
    )
    if errors:
        raise ValueError(errors[0])
    decision = Decision.objects.create(
        kind=kind,
        number=number,
        signed_on=signed_on,
        effective_on=effective_on,
        legal_basis=legal_basis,
        target=target,
        new_code=new_code,
        new_name=new_name,
        new_kind=new_kind,
        parts=parts or [],
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    decision.sources.set(units.values())
    return decision


class DecisionForm(forms.ModelForm):  # type: ignore[type-arg]
    """The admin's form: the same checks as `create_decision`, messages in Vietnamese."""

    parts_text = forms.CharField(
        label=_("Các đơn vị sau chia tách"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Chỉ cho chia tách: mỗi dòng «MÃ|Tên|từ khóa địa chỉ, từ khóa…»; dòng đầu nhận hồ sơ không khớp."),
    )

    class Meta:
        model = Decision
        fields = [
            "number",
            "signed_on",
            "effective_on",
            "legal_basis",
            "kind",
            "sources",
            "target",
            "new_code",
            "new_name",
            "new_kind",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = Unit.objects.filter(valid_to__isnull=True).order_by("code")  # units that still exist
        for name in ("sources", "target"):
            if name in self.fields:
                self.fields[name].queryset = current  # type: ignore[attr-defined]
        if self.instance.pk is not None and self.instance.parts:
            self.initial["parts_text"] = "\n".join(
                f"{p.get('code', '')}|{p.get('name', '')}|{', '.join(p.get('match') or [])}"
                for p in self.instance.parts
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = []
        for line in (data.get("parts_text") or "").splitlines():
            if not line.strip():
                continue
            code, _sep, rest = line.partition("|")
            name, _sep, words = rest.partition("|")
            parts.append(
                {
                    "code": code.strip(),
                    "name": name.strip(),
                    "match": [w.strip() for w in words.split(",") if w.strip()],
                }
            )
        data["parts"] = parts
        if self.errors:
            return data
        problems = check(
            kind=data.get("kind", ""),
            number=data.get("number", ""),
            signed_on=data["signed_on"],
            effective_on=data["effective_on"],
            sources=list(data.get("sources") or []),
            into=data.get("target"),
            new_code=data.get("new_code", ""),
            new_name=data.get("new_name", ""),
            parts=parts,
        )
        if self.instance.pk is not None:  # editing a draft: its own number is not a duplicate
            problems = [p for p in problems if not p.startswith("a decision numbered")]
        if problems:
            raise forms.ValidationError(_("Quyết định chưa hợp lệ: %(p)s") % {"p": "; ".join(problems)})
        return data

    def save(self, commit: bool = True) -> Decision:
        decision: Decision = super().save(commit=False)
        decision.parts = self.cleaned_data.get("parts") or []
        if commit:
            decision.save()
            self.save_m2m()
        return decision
