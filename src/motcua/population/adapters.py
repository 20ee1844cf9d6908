"""Adapters to the national population database (CSDLQG về dân cư). `lookup(id_number)` asks the
configured one (`MOTCUA_POPULATION_PROVIDER`) and always answers: found, not found, or unavailable
(time-out, refused connection, a 5xx, a malformed answer) — never an exception."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from motcua import config
from motcua.population.synthetic import Citizen

FOUND, NOT_FOUND, UNAVAILABLE, NOT_APPLICABLE = "found", "not_found", "unavailable", "not_applicable"
PERSONAL_ID = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True)
class Lookup:
    outcome: str
    citizen: Citizen | None = None
    detail: str = ""  # for the read trail and the log (English, technical)


def base_url() -> str:
    url = config.env("MOTCUA_POPULATION_URL").strip() or f"{config.public_url()}/sim/csdlqg-dancu/"
    return url if url.endswith("/") else url + "/"


def _error_code(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read(4096))
    except (ValueError, OSError):
        return ""
    return str(body.get("maLoi", "")) if isinstance(body, dict) else ""


def csdlqg(id_number: str, purpose: str) -> Lookup:
    """GET <base>v1/cong-dan/<id> (protocol in `population.simulator`)."""
    request = urllib.request.Request(
        f"{base_url()}v1/cong-dan/{id_number}",
        headers={
            "Accept": "application/json",
            "X-Api-Key": config.env("MOTCUA_POPULATION_API_KEY"),
            "X-Request-Id": uuid.uuid4().hex,
            "X-Purpose": purpose.encode("ascii", "xmlcharrefreplace").decode(),
        },
    )
    timeout = float(config.env("MOTCUA_POPULATION_TIMEOUT") or 3)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        # Only the service's own "not found" means the citizen does not exist; a bare 404 is a wrong URL.
        if exc.code == 404 and _error_code(exc) == "KHONG_TIM_THAY":
            return Lookup(NOT_FOUND, detail="404 KHONG_TIM_THAY")
        return Lookup(UNAVAILABLE, detail=f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        return Lookup(UNAVAILABLE, detail=f"{type(exc).__name__}: {exc}"[:200])
    try:
        citizen = Citizen(
            id_number=str(body["soDinhDanh"]),
            name=str(body["hoVaTen"]),
            birth_date=date.fromisoformat(str(body["ngaySinh"])),
            sex=str(body.get("gioiTinh", "")),
            permanent_address=str(body.get("noiThuongTru", "")),
        )
    except (KeyError, TypeError, ValueError):
        return Lookup(UNAVAILABLE, detail="malformed answer")
    if citizen.id_number != id_number:
        return Lookup(UNAVAILABLE, detail="answer for another ID")
    return Lookup(FOUND, citizen)


def off(id_number: str, purpose: str) -> Lookup:
    return Lookup(NOT_APPLICABLE, detail="MOTCUA_POPULATION_PROVIDER=off")


ADAPTERS: dict[str, Callable[[str, str], Lookup]] = {"csdlqg": csdlqg, "off": off}


def lookup(id_number: str, purpose: str) -> Lookup:
    """The citizen with this 12-digit personal ID (other identifiers are not the population database's)."""
    if not PERSONAL_ID.match(id_number or ""):
        return Lookup(NOT_APPLICABLE, detail="not a 12-digit personal ID")
    name = config.env("MOTCUA_POPULATION_PROVIDER").strip() or "csdlqg"
    adapter = ADAPTERS.get(name)
    if adapter is None:
        return Lookup(UNAVAILABLE, detail=f"unknown MOTCUA_POPULATION_PROVIDER {name!r}")
    return adapter(id_number, purpose)
