"""No log of a run keeps a client's address: Speld's, gunicorn's or nginx's (the shipped files).

A stack of its own (``bench/stack.py``: nginx with the shipped site, two gunicorn instances
with the shipped config, PostgreSQL), so that it may take its instances down. Clients
connect from their own loopback addresses and do what makes each program write about
them: scans and unknown codes, a malformed request straight to gunicorn ("Invalid request
from ip=…"), a malformed one and a body over the limit to nginx (413), and scans while
the instances are down (nginx: "connect() failed … client: …", 502). Then every log the
run wrote is searched for those addresses.
"""

import http.client
import os
import re
import socket
import ssl
import time
from datetime import date
from pathlib import Path

import pytest

from backend import create_app
from backend.config import database_url
from backend.services import events, pins
from bench.stack import HOSTNAME, Stack, missing_parts
from tests.conftest import PHONE, need

# Loopback addresses nothing else uses, one per kind of request; 127.0.0.1 is nginx's own.
CLIENTS = {
    "scan": "127.31.7.11",
    "guess": "127.31.7.12",
    "too_large": "127.31.7.13",
    "malformed_nginx": "127.31.7.14",
    "malformed_gunicorn": "127.31.7.15",
    "upstream_down": "127.31.7.16",
}


@pytest.fixture(scope="module")
def stack():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs once, in the SQLite pass: it starts its own PostgreSQL")
    missing = missing_parts()
    need(not missing, f"the stack needs Debian's {', '.join(missing)}")
    running = Stack(instances=2, workers=1, unknown_code_limit="3/minute")
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope="module")
def codes(stack):
    app = create_app(
        {
            "SECRET_KEY": "seed",
            "SQLALCHEMY_DATABASE_URI": database_url(stack.database_url, ""),
            "PUBLIC_BASE_URL": f"https://{HOSTNAME}",
        }
    )
    with app.app_context():
        event = events.create_event(
            slug="bdt-2032",
            name="Business Days 2032",
            starts_on=date(2032, 2, 17),
            ends_on=date(2032, 2, 18),
            timezone="Europe/Amsterdam",
            portal_url="https://www.twente.com",
        )
        batch = pins.mint_batch(event.slug, "Day 1", "ut-desk", 10)
        return list(pins.iter_pin_codes(batch.id))


def through_nginx(stack, source, path, method="GET", body=None) -> int:
    context = ssl.create_default_context(cafile=str(stack.cert))
    connection = http.client.HTTPSConnection(
        "127.0.0.1", stack.ports["https"], context=context, source_address=(source, 0), timeout=30
    )
    try:
        connection.request(method, path, body=body, headers={"Host": HOSTNAME, "User-Agent": PHONE})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def raw(port: int, source: str, data: bytes, tls_context=None) -> bytes:
    """Send ``data`` as it is from ``source`` and return the first answer's bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0)) as s:
        sock = tls_context.wrap_socket(s, server_hostname=HOSTNAME) if tls_context else s
        sock.sendall(data)
        return sock.recv(4096)


def logs_of(stack) -> dict[Path, str]:
    """Every log the run wrote: each instance's (gunicorn and Speld), nginx's, PostgreSQL's."""
    found = {}
    for path in stack.folder.rglob("*"):
        if path.is_file() and (path.suffix == ".log" or path.name == "log"):
            found[path] = path.read_text(errors="replace")
    return found


def mentions(text: str, address: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(address)}(?!\d)", text) is not None


def wait_for_line(path: Path, pattern: str) -> None:
    deadline = time.monotonic() + 5  # gunicorn and nginx write a line after the answer
    while not re.search(pattern, path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_no_log_of_a_run_keeps_a_client_address(stack, codes):
    scan = CLIENTS["scan"]
    assert [through_nginx(stack, scan, f"/p/{code}") for code in codes[:4]] == [302] * 4
    assert through_nginx(stack, scan, f"/l/{codes[0]}") == 200
    guesses = [through_nginx(stack, CLIENTS["guess"], f"/p/NOPE{n}") for n in range(5)]
    assert guesses == [404] * 3 + [429] * 2
    big = b"x" * (2 * 1024 * 1024)
    assert through_nginx(stack, CLIENTS["too_large"], "/api/v1/events", "POST", big) == 413
    context = ssl.create_default_context(cafile=str(stack.cert))
    answer = raw(stack.ports["https"], CLIENTS["malformed_nginx"], b"BOGUS\r\n\r\n", context)
    assert answer.startswith(b"HTTP/1.1 400")
    # Straight to an instance: gunicorn refuses it and warns, naming the client.
    for n in range(stack.instances):
        answer = raw(stack.ports[f"speld-{n}"], CLIENTS["malformed_gunicorn"], b"BOGUS\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400")
        wait_for_line(stack.instance_log(n), r"Invalid request from ip=")
    # An instance down: nginx's connection to it fails and the other one answers; then both.
    stack.stop_instance("speld-1")
    down = CLIENTS["upstream_down"]
    assert [through_nginx(stack, down, f"/p/{code}") for code in codes[4:8]] == [302] * 4
    stack.stop_instance("speld-0")
    assert through_nginx(stack, down, f"/p/{codes[8]}") == 502

    access = stack.folder / "nginx-access.log"
    wait_for_line(access, r'"GET /p/\S+ HTTP/1.1" 502')
    logs = logs_of(stack)
    # What each program was made to write is there, with no address in it.
    gunicorn = "".join(stack.instance_log(n).read_text() for n in range(stack.instances))
    assert gunicorn.count("Invalid request from ip=[address]:") == stack.instances
    assert re.search(r'"POST /api/v1/events HTTP/1.1" 413', logs[access])
    assert re.search(r'"GET /p/\S+ HTTP/1.1" 502 .*upstream_status=502', logs[access])
    assert re.search(r'"GET /p/NOPE4 HTTP/1.1" 429', logs[access])
    leaks = {
        (path.name, address)
        for path, text in logs.items()
        for address in CLIENTS.values()
        if mentions(text, address)
    }
    assert leaks == set(), leaks
