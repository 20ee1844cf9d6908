"""VNPAY payment API 2.1.0 as contracts §8.2 states it: signing, the payment URL, the IPN's answer codes,
and the merchant API (`querydr`, `refund`). Pure functions plus one adapter class; no Django models here.

Signature of the payment URL, the return URL and the IPN: HMAC-SHA512 with the hash secret over every
`vnp_*` parameter except `vnp_SecureHash`/`vnp_SecureHashType`, sorted by name, each `name=value` with
the value URL-encoded as HTML forms do (space = `+`), joined by `&`; the hex digest in either case.
The merchant API signs the pipe-joined field values in the order VNPAY documents for each command.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from motcua import config

VERSION = "2.1.0"
HASH_KEYS = ("vnp_SecureHash", "vnp_SecureHashType")

# IPN answers (RspCode → Message), contracts §8.2.
CONFIRMED, UNKNOWN, ALREADY, AMOUNT, SIGNATURE, OTHER = "00", "01", "02", "04", "97", "99"
MESSAGES = {
    CONFIRMED: "Confirm Success",
    UNKNOWN: "Order not found",
    ALREADY: "Order already confirmed",
    AMOUNT: "Invalid amount",
    SIGNATURE: "Invalid signature",
    OTHER: "Unknown error",
}

QUERY_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)


def secret() -> str:
    return config.env("MOTCUA_VNPAY_HASH_SECRET")


def tmn_code() -> str:
    return config.env("MOTCUA_VNPAY_TMN_CODE")


def form_encode(value: str) -> str:
    """application/x-www-form-urlencoded as browsers write it: unreserved `*-._`, space = `+`, `~` escaped."""
    return quote_plus(value, safe="*").replace("~", "%7E")


def hash_data(params: Mapping[str, str], *, encode: Any = form_encode, skip_empty: bool = False) -> str:
    items = sorted((k, v) for k, v in params.items() if k.startswith("vnp_") and k not in HASH_KEYS)
    return "&".join(f"{k}={encode(str(v))}" for k, v in items if not (skip_empty and v == ""))


def hmac512(data: str, key: str | None = None) -> str:
    return hmac.new((key if key is not None else secret()).encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], key: str | None = None) -> str:
    return hmac512(hash_data(params), key)


def verify(params: Mapping[str, str], key: str | None = None) -> bool:
    """True when `vnp_SecureHash` is the HMAC of the other `vnp_*` parameters (hex in either case).

    The contract's canonical form comes first; the forms VNPAY's own samples produce are accepted too
    (Python's `quote_plus`, which leaves `~` and escapes `*`; the Java sample, which skips empty values).
    Every form is keyed with the secret, so accepting them does not weaken the check.
    """
    given = str(params.get("vnp_SecureHash", "")).strip().lower()
    if len(given) != 128:
        return False
    for encode in (form_encode, quote_plus):
        for skip_empty in (False, True):
            if hmac.compare_digest(hmac512(hash_data(params, encode=encode, skip_empty=skip_empty), key), given):
                return True
    return False


def local_stamp(at: datetime) -> str:
    """VNPAY's `yyyyMMddHHmmss` in GMT+7."""
    return at.astimezone(config.time_zone()).strftime("%Y%m%d%H%M%S")


def parse_stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=config.time_zone())
    except (TypeError, ValueError):
        return None


def signed_query(params: Mapping[str, str], key: str | None = None) -> str:
    """The query string of a signed request: the sorted encoded parameters, then `vnp_SecureHash`."""
    return f"{hash_data(params)}&vnp_SecureHash={sign(params, key)}"


@dataclass(frozen=True)
class Order:
    txn_ref: str
    amount: int  # VND
    info: str
    created: datetime
    ip: str = "127.0.0.1"


def payment_params(order: Order, *, return_url: str, expire_minutes: int) -> dict[str, str]:
    return {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": tmn_code(),
        "vnp_Amount": str(order.amount * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": order.txn_ref,
        "vnp_OrderInfo": order.info,
        "vnp_OrderType": "billpayment",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": order.ip,
        "vnp_CreateDate": local_stamp(order.created),
        "vnp_ExpireDate": local_stamp(order.created + timedelta(minutes=expire_minutes)),
    }


def api_request(fields: Iterable[str], values: Mapping[str, str], key: str | None = None) -> dict[str, str]:
    body = dict(values)
    body["vnp_SecureHash"] = hmac512("|".join(str(values.get(f, "")) for f in fields), key)
    return body


def api_answer_ok(fields: Iterable[str], answer: Mapping[str, Any], key: str | None = None) -> bool:
    given = str(answer.get("vnp_SecureHash", "")).lower()
    expected = hmac512("|".join(str(answer.get(f, "")) for f in fields), key)
    return hmac.compare_digest(given, expected)


def post_json(url: str, body: Mapping[str, Any], timeout: float = 20.0) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer: dict[str, Any] = json.loads(response.read().decode("utf-8"))
        return answer
