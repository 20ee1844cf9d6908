"""Acceptance 2: the server is killed (SIGKILL) after the IPN committed and before it answered; nothing is
lost, and the gateway's retry is answered `02` without resuming the clock twice."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from motcua.notifications.tests.test_worker_kill import _database_url
from motcua.payments import record
from motcua.payments.models import Callback, Payment, Receipt
from motcua.payments.tests.helpers import confirmations, ipn_params

PORT = 8116


def _serve(**env: str) -> subprocess.Popen[bytes]:
    full = {
        **os.environ,
        "MOTCUA_DATABASE_URL": _database_url(),
        "MOTCUA_ENV": "development",
        "MOTCUA_TEST_IPN_PAUSE_FILE": "",
        **env,
    }
    full.pop("MOTCUA_TEST_NOW", None)
    return subprocess.Popen(
        [sys.executable, "-m", "motcua", "serve", "--bind", f"127.0.0.1:{PORT}", "--workers", "1"],
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_up(server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def _kill(server: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_between_commit_and_answer_loses_nothing(shop: Any, tmp_path: Path) -> None:
    payment = record.open_payment(shop.awaiting(50000))
    url = f"http://127.0.0.1:{PORT}/payments/vnpay/ipn?" + urlencode(ipn_params(payment))
    marker = tmp_path / "committed"
    first = _serve(MOTCUA_TEST_IPN_PAUSE_FILE=str(marker))
    try:
        _wait_up(first)
        outcome: dict[str, Any] = {}

        def gateway_call() -> None:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    outcome["body"] = response.read()
            except OSError as exc:  # the connection dies with the server: the gateway will retry
                outcome["error"] = exc

        caller = threading.Thread(target=gateway_call)
        caller.start()
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline, "the IPN never reached its pause point"
            time.sleep(0.05)
        _kill(first)  # committed, not answered
        caller.join(30)
        assert "error" in outcome and "body" not in outcome
    finally:
        _kill(first)

    # Nothing was lost: the payment, its receipt, the resumed clock and the raw callback are all there.
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert Receipt.objects.filter(payment=payment).count() == 1
    assert confirmations(payment.dossier) == 1
    assert list(Callback.objects.filter(txn_ref=payment.txn_ref).values_list("answer", flat=True)) == ["00"]

    second = _serve()
    try:
        _wait_up(second)
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert json.loads(response.read()) == {"RspCode": "02", "Message": "Order already confirmed"}
    finally:
        _kill(second)
    assert confirmations(payment.dossier) == 1
    assert Payment.objects.get(pk=payment.pk).status == "paid"
    assert Receipt.objects.count() == 1
