"""Issue 10, acceptance 4: upload limits hold while the body is read, and a 300 MB upload leaves the
server's resident memory almost where it was (measured on `motcua serve`, /proc/PID/status)."""

from __future__ import annotations

import http.client
import select
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

from motcua.core.tests import live

pytestmark = pytest.mark.django_db(transaction=True)

MB = 1024 * 1024


def multipart(size: int) -> tuple[bytes, bytes, str]:
    """(head, tail, boundary) of a one-file multipart body whose file has `size` bytes."""
    boundary = "motcua-upload-limit"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode(), boundary


@override_settings(MAX_UPLOAD_BYTES=1 * MB, MAX_REQUEST_BYTES=8 * MB)
def test_a_file_over_the_limit_is_stopped_while_it_is_read(client: Client) -> None:
    head, tail, boundary = multipart(2 * MB)
    body = head + b"%PDF-1.4\n" + b"x" * (2 * MB) + tail
    r = client.generic("POST", "/api/v1/dossiers/", body, content_type=f"multipart/form-data; boundary={boundary}")
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    page = client.generic("POST", "/backoffice/", body, content_type=f"multipart/form-data; boundary={boundary}")
    assert page.status_code == 413 and "quá lớn" in page.content.decode()


@override_settings(MAX_REQUEST_BYTES=8 * MB)
def test_a_declared_body_over_the_request_limit_is_refused_unread(client: Client) -> None:
    r = client.generic(
        "POST", "/api/v1/dossiers/", b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(9 * MB)
    )
    assert r.status_code == 413


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Like `live.wait_until_up`, also patient with a first answer slower than 2 s (a loaded machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited before answering"
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def _status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])  # kB
    return out


def _worker_of(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise AssertionError("no gunicorn worker")


def _send(port: int, size: int, *, chunked: bool) -> int:
    """POST a `size`-byte file; stop sending as soon as the server answers. Returns the HTTP status."""
    head, tail, boundary = multipart(size)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("POST", "/api/v1/dossiers/")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(len(head) + size + len(tail)))
    conn.endheaders()
    block = b"x" * MB
    sent = 0
    try:
        for piece in [head, *([block] * (size // MB)), tail]:
            conn.send(b"%x\r\n%b\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
            assert conn.sock is not None
            if select.select([conn.sock], [], [], 0)[0]:
                break  # the server has answered: stop sending
        else:
            if chunked:
                conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass  # the server stopped reading: it answered (below) without taking the rest
    response = conn.getresponse()
    status = response.status
    conn.close()
    assert sent < size, "the server read the whole upload"
    return status


def test_a_300_mb_upload_is_refused_with_little_memory(tmp_path: Path) -> None:
    port = live.free_port()
    server = live.motcua("serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", stderr=subprocess.PIPE)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        worker = _worker_of(server.pid)
        start = _status(worker)
        statuses = [_send(port, 300 * MB, chunked=False)]
        after = _status(worker)
        # the peak since start if it rose (else the start-up peak hides nothing), against the RSS before
        peak = after["VmHWM"] if after["VmHWM"] > start["VmHWM"] else after["VmRSS"]
        growth_mb = (peak - start["VmRSS"]) / 1024
        print(
            f"worker RSS before {start['VmRSS'] / 1024:.1f} MB, after {after['VmRSS'] / 1024:.1f} MB, growth {growth_mb:.1f} MB"
        )
        assert statuses == [413]
        assert growth_mb < 20, f"resident memory grew by {growth_mb:.1f} MB"
    finally:
        server.terminate()
        server.wait(timeout=30)
