"""Signing (contracts §8.2), VietQR payloads and amounts in words: pure rules with worked examples."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote_plus

from hypothesis import given
from hypothesis import strategies as st

from motcua.payments import vietqr, vnpay
from motcua.payments.words import amount_in_words


def test_hash_data_is_sorted_form_encoded_and_skips_the_hash_keys() -> None:
    params = {
        "vnp_TxnRef": "MC00000101",
        "vnp_Amount": "5000000",
        "vnp_OrderInfo": "Thanh toan phi/le phi *~",
        "vnp_SecureHashType": "HmacSHA512",
        "vnp_SecureHash": "x",
        "other": "ignored",
    }
    assert vnpay.hash_data(params) == (
        "vnp_Amount=5000000&vnp_OrderInfo=Thanh+toan+phi%2Fle+phi+*%7E&vnp_TxnRef=MC00000101"
    )
    data = vnpay.hash_data(params)
    expected = hmac.new(b"k", data.encode(), hashlib.sha512).hexdigest()
    assert vnpay.sign(params, "k") == expected
    assert vnpay.verify({**params, "vnp_SecureHash": expected.upper()}, "k")
    assert not vnpay.verify({**params, "vnp_SecureHash": expected}, "other")


def test_vnpay_python_sample_encoding_is_accepted() -> None:
    params = {"vnp_OrderInfo": "a*b~c", "vnp_Amount": "100", "vnp_BankCode": ""}
    sample = "&".join(f"{k}={quote_plus(v)}" for k, v in sorted(params.items()))
    digest = hmac.new(b"k", sample.encode(), hashlib.sha512).hexdigest()
    assert vnpay.verify({**params, "vnp_SecureHash": digest}, "k")
    java = "&".join(f"{k}={vnpay.form_encode(v)}" for k, v in sorted(params.items()) if v)
    assert vnpay.verify({**params, "vnp_SecureHash": hmac.new(b"k", java.encode(), hashlib.sha512).hexdigest()}, "k")


@given(st.dictionaries(st.from_regex(r"vnp_[A-Za-z]{1,12}", fullmatch=True), st.text(max_size=30), max_size=8))
def test_sign_then_verify_and_any_change_breaks_it(params: dict[str, str]) -> None:
    params = {k: v for k, v in params.items() if k not in vnpay.HASH_KEYS}
    signed = {**params, "vnp_SecureHash": vnpay.sign(params, "s")}
    assert vnpay.verify(signed, "s")
    if params:
        key = sorted(params)[0]
        assert not vnpay.verify({**signed, key: params[key] + "1"}, "s")


def test_crc16_ccitt_false_check_value() -> None:
    assert vietqr.crc16("123456789") == "29B1"


def test_vietqr_payload_layout() -> None:
    text = vietqr.payload(50000, "MC00001201", bin_code="970415", account="113366668888")
    assert text.startswith("000201010212")
    fields = vietqr.parse(text)
    assert fields["38"] == "0010A000000727" + "0126" + "0006970415" + "0112113366668888" + "0208QRIBFTTA"
    assert fields["53"] == "704" and fields["54"] == "50000" and fields["58"] == "VN"
    assert fields["62"] == "0810MC00001201"
    assert text[-8:-4] == "6304" and vietqr.crc16(text[:-4]) == text[-4:]


def test_amounts_in_words() -> None:
    assert amount_in_words(0) == "Không đồng"
    assert amount_in_words(15000) == "Mười lăm nghìn đồng"
    assert amount_in_words(50000) == "Năm mươi nghìn đồng"
    assert amount_in_words(105000) == "Một trăm linh năm nghìn đồng"
    assert amount_in_words(1250000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert amount_in_words(2021000) == "Hai triệu không trăm hai mươi mốt nghìn đồng"
    assert amount_in_words(1000005) == "Một triệu không trăm linh năm đồng"
    assert amount_in_words(24) == "Hai mươi tư đồng"
