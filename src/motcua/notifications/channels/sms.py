"""SMS: the simulator by default (`MOTCUA_SMS_PROVIDER`); real gateways register here as well."""

from __future__ import annotations

from motcua.core.text import nfc
from motcua.notifications.channels import Rendered, register, simulator


def strip_marks(text: str) -> str:
    """Vietnamese without diacritics, case kept: an unaccented SMS fits in far fewer segments."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


class SimulatorSMS:
    def send(self, message: Rendered) -> str:
        return simulator.deliver(message)


register("sms", "simulator")(SimulatorSMS)
