"""Synthetic citizens of the population database simulator: deterministic, invented, a few hundred,
plus the applicants of the demo dossiers. ID numbers follow the căn cước layout (Circular 59/2021/TT-BCA):
3 digits of the birth province, 1 digit of century and sex (0/1 = male/female born 1900–1999, 2/3 =
2000–2099), 2 digits of the birth year, 6 digits."""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass
from datetime import date

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    "Nam": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh"],
    "Nữ": ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ"],
}
GIVEN = {
    "Nam": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hải",
        "Hùng",
        "Khoa",
        "Long",
        "Nam",
        "Phúc",
        "Quang",
        "Sơn",
        "Tài",
        "Thắng",
        "Trung",
        "Việt",
    ],
    "Nữ": [
        "Anh",
        "Châu",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Thảo",
        "Vy",
    ],
}
STREETS = [
    "Trần Phú",
    "Yersin",
    "Lê Thánh Tôn",
    "Thống Nhất",
    "Hùng Vương",
    "Nguyễn Trãi",
    "Quang Trung",
    "Lê Hồng Phong",
    "Phạm Văn Đồng",
    "2 Tháng 4",
]
WARDS = [
    "phường Nha Trang",
    "phường Bắc Nha Trang",
    "phường Nam Nha Trang",
    "phường Tây Nha Trang",
    "phường Cam Ranh",
    "xã Diên Khánh",
]
COUNT = 300


@dataclass(frozen=True)
class Citizen:
    id_number: str
    name: str
    birth_date: date
    sex: str  # "Nam" or "Nữ"
    permanent_address: str


def sex_and_century(id_number: str) -> tuple[str, int]:
    digit = int(id_number[3])
    return ("Nam" if digit % 2 == 0 else "Nữ"), 1900 + 100 * (digit // 2)


def _birth_date(id_number: str) -> date:
    _, century = sex_and_century(id_number)
    h = int(hashlib.sha256(id_number.encode()).hexdigest()[:8], 16)
    return date(century + int(id_number[4:6]), 1 + h % 12, 1 + (h // 12) % 28)


def _from_demo() -> list[Citizen]:
    from motcua.dossiers.demo import PEOPLE

    people = []
    for p in PEOPLE:
        sex, _ = sex_and_century(p.id_number)
        people.append(Citizen(p.id_number, p.name, _birth_date(p.id_number), sex, p.address))
    return people


@functools.cache
def citizens() -> dict[str, Citizen]:
    rng = random.Random(20220701)  # Decree 59/2022 came into force on 01/07/2022
    found: dict[str, Citizen] = {c.id_number: c for c in _from_demo()}
    while len(found) < COUNT + len(_from_demo()):
        sex = rng.choice(["Nam", "Nữ"])
        year = rng.randint(1940, 2007)
        digit = (0 if year < 2000 else 2) + (0 if sex == "Nam" else 1)
        id_number = f"056{digit}{year % 100:02d}{rng.randint(0, 999999):06d}"
        if id_number in found:
            continue
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        address = f"{rng.randint(1, 250)} {rng.choice(STREETS)}, {rng.choice(WARDS)}, tỉnh Khánh Hòa"
        found[id_number] = Citizen(id_number, name, _birth_date(id_number), sex, address)
    return found


def find(id_number: str) -> Citizen | None:
    return citizens().get(id_number)
