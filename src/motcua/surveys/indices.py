"""SIPAS indices by a configurable formula; the default is the best understanding in regulation.md §9.

Default formula (`DEFAULT_FORMULA`; a campaign's `formula` overrides any key):
- a **question's index** = share of its answers that are "satisfied" (`satisfied`: 4 "Hài lòng" or
  5 "Rất hài lòng" on the 1–5 scale) among the respondents who answered it; assessment questions
  are counted the same way (4 "Đồng ý", 5 "Rất đồng ý");
- an **element's index** = mean of its satisfaction questions' indices (`element_kinds`);
- the **overall index** = mean of the element indices weighted by `weights` (default all 1);
- every figure carries its sample size `n` and margin of error `moe` = z·√(p(1−p)/n)
  (`z` = 1.96, 95 % confidence; for an element or the overall figure, n = respondents who answered
  any of its questions). Indices are fractions 0..1 (shown as %), None when n = 0.
Expectation questions are counted per option (`expectations`). The official SIPAS aggregation is
UNCONFIRMED: the raw answers are kept so any other formula can be re-run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from motcua.surveys.questionnaire import questions

DEFAULT_FORMULA: dict[str, Any] = {
    "satisfied": [4, 5],
    "element_kinds": ["satisfaction"],
    "weights": {},
    "z": 1.96,
}


def formula_of(overrides: dict[str, Any] | None) -> dict[str, Any]:
    f = dict(DEFAULT_FORMULA)
    f.update({k: v for k, v in (overrides or {}).items() if k in DEFAULT_FORMULA})
    return f


def moe(p: float | None, n: int, z: float) -> float | None:
    if p is None or n == 0:
        return None
    return round(z * math.sqrt(p * (1 - p) / n), 4)


def _figure(p: float | None, n: int, z: float) -> dict[str, Any]:
    return {"index": None if p is None else round(p, 4), "n": n, "moe": moe(p, n, z)}


def compute(
    definition: dict[str, Any], responses: Iterable[dict[str, Any]], formula: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Indices of one set of responses (each a dict of answers {question id: value})."""
    f = formula_of(formula)
    satisfied = set(f["satisfied"])
    z = float(f["z"])
    qs = questions(definition)
    scale_ids = [qid for qid, q in qs.items() if q["kind"] in ("assessment", "satisfaction")]
    counts = {qid: [0, 0] for qid in scale_ids}  # answered, satisfied
    options: dict[str, dict[str, int]] = {
        qid: {o[0]: 0 for o in q["options"]} for qid, q in qs.items() if q["kind"] == "expectation"
    }
    element_n = {el["id"]: 0 for el in definition["elements"]}
    total = 0
    for answers in responses:
        total += 1
        touched: set[str] = set()
        for qid, value in answers.items():
            q = qs.get(qid)
            if q is None:
                continue
            if qid in counts:
                counts[qid][0] += 1
                counts[qid][1] += value in satisfied
                if q["kind"] in f["element_kinds"]:
                    touched.add(q["element"])
            elif qid in options and value in options[qid]:
                options[qid][value] += 1
        for e in touched:
            element_n[e] += 1
    per_question = {}
    for qid, (n, good) in counts.items():
        per_question[qid] = {
            **_figure(good / n if n else None, n, z),
            "kind": qs[qid]["kind"],
            "element": qs[qid]["element"],
        }
    elements = []
    weights = f["weights"] or {}
    wsum = 0.0
    acc = 0.0
    for el in definition["elements"]:
        ids = [q["id"] for q in el["questions"] if q["kind"] in f["element_kinds"]]
        values = [per_question[i]["index"] for i in ids if per_question[i]["index"] is not None]
        p = sum(values) / len(values) if values else None
        elements.append({"id": el["id"], "name": el["name"], **_figure(p, element_n[el["id"]], z)})
        if p is not None:
            w = float(weights.get(el["id"], 1))
            acc += w * p
            wsum += w
    overall_p = acc / wsum if wsum else None
    return {
        "respondents": total,
        "overall": _figure(overall_p, total if overall_p is not None else 0, z),
        "elements": elements,
        "questions": per_question,
        "expectations": options,
        "formula": f,
    }


def campaign_indices(campaign: Any) -> dict[str, Any]:
    """The campaign's indices overall and per unit (with the planned sample size per unit)."""
    from motcua.surveys.models import Response

    definition = campaign.questionnaire.definition
    rows = list(Response.objects.filter(campaign=campaign).values_list("unit__code", "unit__name", "answers"))
    doc = compute(definition, (a for _c, _n, a in rows), campaign.formula)
    by_unit: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for code, name, answers in rows:
        by_unit.setdefault((code, name), []).append(answers)
    for u in campaign.units.order_by("code"):
        by_unit.setdefault((u.code, u.name), [])
    doc["units"] = [
        {
            "unit": code,
            "name": name,
            "sample_size": campaign.sample_size,
            **compute(definition, answers, campaign.formula),
        }
        for (code, name), answers in sorted(by_unit.items())
    ]
    for u in doc["units"]:
        u.pop("formula", None)
        u.pop("questions", None)
        u.pop("expectations", None)
    return doc
