"""VietQR (NAPAS) payloads: EMVCo merchant-presented QR with the account, the amount and the payment reference.

Layout (each field ID, two-digit length, value): 00 format "01"; 01 "12" (dynamic: one amount);
38 merchant account information = {00 GUID "A000000727", 01 beneficiary = {00 bank BIN, 01 account},
02 service "QRIBFTTA" (transfer to an account)}; 53 currency "704" (VND); 54 amount; 58 country "VN";
62 additional data = {08 purpose of transaction = the reference, which banks copy into the transfer
note}; 63 CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) over everything before it plus "6304",
four upper-case hex digits.
"""

from __future__ import annotations

from motcua import config

GUID = "A000000727"
SERVICE_ACCOUNT = "QRIBFTTA"


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16(data: str) -> str:
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def payload(amount: int, reference: str, *, bin_code: str | None = None, account: str | None = None) -> str:
    bin_code = bin_code or config.env("MOTCUA_VIETQR_BIN")
    account = account or config.env("MOTCUA_VIETQR_ACCOUNT")
    beneficiary = tlv("00", bin_code) + tlv("01", account)
    merchant = tlv("00", GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_ACCOUNT)
    body = (
        tlv("00", "01")
        + tlv("01", "12")
        + tlv("38", merchant)
        + tlv("53", "704")
        + tlv("54", str(int(amount)))
        + tlv("58", "VN")
        + tlv("62", tlv("08", reference))
        + "6304"
    )
    return body + crc16(body)


def parse(text: str) -> dict[str, str]:
    """Top-level fields of a payload (tag → value); raises ValueError on a broken layout or CRC."""
    if len(text) < 8 or crc16(text[:-4]) != text[-4:].upper():
        raise ValueError("bad VietQR checksum")
    fields, i = {}, 0
    while i < len(text):
        tag, size = text[i : i + 2], int(text[i + 2 : i + 4])
        fields[tag] = text[i + 4 : i + 4 + size]
        i += 4 + size
    return fields


def svg_data_uri(text: str) -> str:
    import segno

    return str(segno.make(text, error="m", micro=False).svg_data_uri(scale=5, border=2))
