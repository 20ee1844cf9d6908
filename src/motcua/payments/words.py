"""Whole amounts of đồng in Vietnamese words, as printed on receipts ("Số tiền bằng chữ")."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", " nghìn", " triệu", " tỷ", " nghìn tỷ", " triệu tỷ")


def _triple(n: int, full: bool) -> str:
    """0 < n < 1000; `full` when a higher group precedes it (so 5 reads "không trăm linh năm")."""
    h, t, u = n // 100, (n // 10) % 10, n % 10
    words: list[str] = []
    if full or h:
        words += [DIGITS[h], "trăm"]
    if t == 0:
        if u and words:
            words.append("linh")
    elif t == 1:
        words.append("mười")
    else:
        words += [DIGITS[t], "mươi"]
    if u:
        if u == 1 and t >= 2:
            words.append("mốt")
        elif u == 5 and t >= 1:
            words.append("lăm")
        elif u == 4 and t >= 2:
            words.append("tư")
        else:
            words.append(DIGITS[u])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """`1250000` → "Một triệu hai trăm năm mươi nghìn đồng"."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount == 0:
        return "Không đồng"
    groups = []
    n = amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    parts = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g:
            parts.append(_triple(g, full=i < len(groups) - 1) + GROUPS[i])
    text = " ".join(parts) + " đồng"
    return text[0].upper() + text[1:]
