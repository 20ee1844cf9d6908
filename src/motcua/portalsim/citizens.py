"""The simulator's VNeID test citizens (made on first use; the password of each is `TEST_PASSWORD`)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.hashers import make_password

from motcua.portalsim.models import Citizen

TEST_PASSWORD = "123456"

TEST_CITIZENS = [
    ("056090000001", "Nguyễn Văn Ánh", date(1990, 5, 12), "0905123456", "12 Trần Phú, phường Nha Trang, Khánh Hòa"),
    (
        "056185000002",
        "Trần Thị Bích Ngọc",
        date(1985, 11, 3),
        "0914222333",
        "45 Lê Thánh Tôn, phường Nha Trang, Khánh Hòa",
    ),
    ("056201000003", "Lê Hoàng Nam", date(2001, 2, 20), "0988777666", "7 Hùng Vương, phường Cam Ranh, Khánh Hòa"),
]


def ensure_citizens() -> None:
    if Citizen.objects.count() >= len(TEST_CITIZENS):
        return
    hashed = make_password(TEST_PASSWORD)
    for id_number, name, born, phone, address in TEST_CITIZENS:
        Citizen.objects.get_or_create(
            id_number=id_number,
            defaults={
                "name": name,
                "birth_date": born,
                "phone": phone,
                "address": address,
                "password": hashed,
                "subject": f"vneid-{id_number}",
            },
        )
