"""Ratings: the Decree 118 Art. 33 answers and their score, the counter's kiosk, and the figures they feed
(766 criterion 5.3, the KL 91 satisfaction check, the §4 history import) — with hand-computed values."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from motcua.analytics.importer import import_lines
from motcua.analytics.index766 import index_766
from motcua.analytics.kl91 import kl91
from motcua.analytics.report import Scope
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role
from motcua.ratings import rules, service
from motcua.ratings.models import Rating

FIVE = rules.SCALES["nd118-5"]
THREE = rules.SCALES["nd118-3"]


def test_overall_score_by_hand() -> None:
    assert rules.overall({"a": 5, "dd": 4}, FIVE) == 5  # mean 4.5 rounds half up
    assert rules.overall({"a": 2, "b": 3}, FIVE) == 3  # 2.5 → 3
    assert rules.overall({"a": 1, "h": 2, "i": 2}, FIVE) == 2  # 1.67 → 2: negative
    assert rules.overall({"a": 1}, THREE) == 1 and rules.overall({"a": 2}, THREE) == 3
    assert rules.overall({"a": 3, "b": 2}, THREE) == 4  # 2.5 on 1..3 = 4 on 1..5
    assert rules.negative(2) and not rules.negative(3)


@given(st.dictionaries(st.sampled_from(list(rules.CONTENTS)), st.integers(1, 5), min_size=1))
def test_overall_stays_within_one_to_five_and_follows_the_mean(answers: dict[str, int]) -> None:
    score = rules.overall(answers, FIVE)
    mean = sum(answers.values()) / len(answers)
    assert 1 <= score <= 5 and abs(score - mean) <= 0.5


@pytest.mark.parametrize(
    "answers",
    [{}, {"x": 3}, {"a": 0}, {"a": 6}, {"a": True}, {"a": "5"}, [1, 2]],
)
def test_bad_answers_are_refused(answers: Any) -> None:
    with pytest.raises(rules.RatingError):
        rules.check_answers(answers, FIVE)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    unit = f.unit("H32.27.01", name="UBND phường Nha Trang")
    proc = f.procedure("1.001193", amount=5, name="Đăng ký khai sinh")
    clerk = f.official("clerk", unit, Role.CLERK)
    return {"unit": unit, "procedure": proc, "clerk": clerk}


def receive(world: dict[str, Any], phone: str = "0905123456") -> Dossier:
    return s.receive_dossier(
        world["clerk"],
        procedure=world["procedure"],
        unit=world["unit"],
        applicant=Applicant(name="Nguyễn Văn Ánh", id_number="056090000001", phone=phone),
    )


def test_ratings_feed_766_criterion_5_3_and_kl91(world: dict[str, Any], clock: Any) -> None:
    dossiers = [receive(world) for _ in range(4)]
    service.record(dossiers[0], "kiosk", {"a": 2, "dd": 1})  # overall 2: negative
    service.record(dossiers[1], "portal", {"a": 5, "dd": 4, "h": 5})  # overall 5
    assert Rating.objects.get(dossier=dossiers[0]).answers == {"a": 2, "dd": 1}  # raw answers kept
    with pytest.raises(service.AlreadyRated):
        service.record(dossiers[1], "portal", {"a": 1})
    assert [d.negative_feedback for d in Dossier.objects.order_by("id")] == [True, False, False, False]
    today = timezone.localdate()
    result = index_766(today, today)
    c53 = next(c for g in result["groups"] for c in g["criteria"] if c["id"] == "5.3")
    # 4 new dossiers, none late, 1 rated negatively: 100% − (0 + 1/4) = 75%; 6 × 0.75 / 0.90 = 5.00 points.
    assert (c53["numerator"], c53["denominator"], c53["share"], c53["points"]) == (1, 4, 0.75, 5.0)
    doc = kl91(today, today, Scope())
    unit = next(u for u in doc["units"] if u["unit"] == "H32.27.01")
    # Two rated dossiers, one negative: satisfaction 1/2 = 50% ≤ 80%: cannot be ranked "Tốt".
    assert unit["satisfaction"] == 0.5 and unit["reasons"] == ["satisfaction"]
    assert unit["satisfaction_source"] == "ratings"
    # A SIPAS survey covering the unit is its satisfaction index (the ratings stay beside it): 9 of 10
    # respondents satisfied with the one question answered = 0.90 > 80%: no longer held back.
    from motcua.surveys import service as surveys
    from motcua.surveys.models import Campaign

    campaign = Campaign.objects.create(
        code="sipas-kl91",
        name="SIPAS",
        start=today,
        end=today,
        sample_size=10,
        questionnaire=surveys.default_questionnaire(),
    )
    campaign.units.set([dossiers[0].unit])
    for i in range(10):
        surveys.submit(campaign, "H32.27.01", {"E1.S1": 5 if i < 9 else 1}, "portal", dossier_code=f"S-{i}")
    unit = next(u for u in kl91(today, today, Scope())["units"] if u["unit"] == "H32.27.01")
    assert (unit["satisfaction"], unit["satisfaction_source"], unit["satisfaction_ratings"]) == (0.9, "sipas", 0.5)
    assert unit["reasons"] == []


def test_kiosk_rates_by_code_and_phone(world: dict[str, Any], clock: Any) -> None:
    d = receive(world)
    client = Client()
    assert client.get("/danh-gia/").status_code == 200
    wrong = client.post("/danh-gia/", {"ma": d.code, "sdt": "0999999999"})
    unknown = client.post("/danh-gia/", {"ma": "KHONG-CO", "sdt": "0905123456"})
    assert wrong.status_code == unknown.status_code == 404

    def bare(body: bytes, code: str) -> bytes:  # the same page but for the typed code and the form's CSRF token
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body.replace(code.encode(), b""))

    assert bare(wrong.content, d.code) == bare(unknown.content, "KHONG-CO")
    ok = client.post("/danh-gia/", {"ma": d.code, "sdt": "0905 123 456"})
    assert ok.status_code == 302 and ok["Location"] == "/danh-gia/phieu/"
    page = client.get("/danh-gia/phieu/").content.decode()
    assert "chưa có kết quả" in page  # processing has not ended yet
    Dossier.objects.filter(pk=d.pk).update(status="finished", finished_at=timezone.now())
    page = client.get("/danh-gia/phieu/").content.decode()
    assert all(text in page for text in rules.CONTENTS.values())
    assert client.post("/danh-gia/phieu/", {}).status_code == 400
    done = client.post("/danh-gia/phieu/", {"muc_a": "4", "muc_dd": "5", "y_kien": "Cán bộ tận tình"})
    assert "Cảm ơn bạn đã đánh giá" in done.content.decode()
    rating = Rating.objects.get(dossier=d)
    assert (rating.channel, rating.answers, rating.overall, rating.comment) == (
        "kiosk",
        {"a": 4, "dd": 5},
        5,
        "Cán bộ tận tình",
    )
    # The tablet forgets the citizen: the next person starts again.
    assert client.get("/danh-gia/phieu/")["Location"] == "/danh-gia/"
    clock.shift(timedelta(minutes=1))


def line(code: str, **extra: Any) -> str:
    base = {
        "code": code,
        "procedure": "1.001193",
        "unit": "H32.27.01",
        "channel": "online",
        "received_at": "2025-01-06T08:15:00+07:00",
        "due_at": "2025-01-13T17:00:00+07:00",
        "status": "returned",
        "finished_at": "2025-01-07T10:00:00+07:00",
        "returned_at": "2025-01-07T14:00:00+07:00",
    }
    return json.dumps({**base, **extra}, ensure_ascii=False)


def test_import_stores_applicant_and_rating(world: dict[str, Any]) -> None:
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Văn Ánh")  # typed decomposed on some keyboards
    lines = [
        line("OLD-1", applicant={"name": nfd_name, "id_number": "056090000001", "phone": "0905 123 456"}, rating=2),
        line("OLD-2", applicant={"name": "Trần Thị Bích", "email": "bich@example.vn"}, rating=5),
        line("OLD-3"),
    ]
    result = import_lines(lines)
    assert result.errors == [] and result.imported == 3
    old1 = Dossier.objects.get(code="OLD-1")
    assert old1.applicant_name == "Nguyễn Văn Ánh" and old1.applicant_phone == "0905 123 456"
    assert old1.negative_feedback  # rating 2 is negative (§9.3)
    assert not Dossier.objects.get(code="OLD-2").negative_feedback
    assert sorted(Rating.objects.values_list("dossier__code", "channel", "overall")) == [
        ("OLD-1", "import", 2),
        ("OLD-2", "import", 5),
    ]
    # Findable through the public look-up by its migrated applicant's phone.
    response = Client().get("/api/v1/public/lookup", {"code": "OLD-1", "phone": "0905123456"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"rating": 0}, "rating must be a whole number from 1 to 5"),
        ({"rating": "5"}, "rating must be a whole number from 1 to 5"),
        ({"rating": True}, "rating must be a whole number from 1 to 5"),
        ({"applicant": "Nguyễn"}, "applicant must be an object"),
        ({"applicant": {"name": "A", "cccd": "1"}}, "unknown key(s) cccd"),
        ({"applicant": {"id_number": "12345"}}, "9, 10, 12 or 13 digits"),
        ({"applicant": {"phone": "abc"}}, "is not a phone number"),
        ({"applicant": {"email": "x@"}}, "is not an e-mail address"),
        ({"applicant": {"name": 5}}, "applicant.name must be a string"),
    ],
)
def test_import_refuses_bad_applicant_or_rating(world: dict[str, Any], extra: dict[str, Any], needle: str) -> None:
    result = import_lines([line("OLD-1"), line("OLD-2", **extra)])
    assert result.imported == 0 and Dossier.objects.count() == 0
    assert result.errors[0]["line"] == 2 and needle in result.errors[0]["error"]
