"""A dump or backup made during the fair links no stored hash to a client's address.

The attacker holds the dump and nothing else: every 64-hex-digit value in it (the
day's salt among them) is tried as a salt, with every address the test sent from
and a sweep of 10.0.0.0/22, under each scheme a hash could have been made with:
plain SHA-256 with or without the salt (the old scheme), HMAC with the salt as key.
None may match. With ``SECRET_KEY``, which is in no table, the same search finds
every request's hash: so the dump does hold them, and the search would see them.
"""

import hashlib
import hmac
import ipaddress
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.extensions import db as _db
from backend.models import Scan, VisitorSalt
from backend.services import retention, scans
from backend.services.guessing import network
from tests.conftest import PHONE, client_as

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
USER_AGENTS = [PHONE, DESKTOP, ANDROID, ""]
SENT_FROM = ["10.0.1.17", "10.0.2.200", "10.0.3.5", "203.0.113.7", "2001:db8::5", "127.0.0.1"]
SWEEP = [str(a) for a in ipaddress.ip_network("10.0.0.0/22")]
HEX64 = re.compile(rb"[0-9a-f]{64,}")


def _values(run: bytes) -> set[bytes]:
    # Every 64-digit window of a run: in a SQLite page a value may touch bytes that look hex.
    return {run[i : i + 64] for i in range(len(run) - 63)}


def held(dump: bytes) -> set[bytes]:
    """Every value of 64 hex digits the dump holds: a stored hash, or a salt."""
    return set().union(*(_values(run) for run in HEX64.findall(dump)))


def dump_of(app, tmp_path: Path) -> bytes:
    """The database as a backup holds it: ``flask speld backup`` or ``pg_dump``, and every row."""
    url = _db.engine.url
    if url.get_backend_name() == "sqlite":
        out = tmp_path / "backup.sqlite"
        done = app.test_cli_runner().invoke(args=["speld", "backup", "--out", str(out)])
        assert done.exit_code == 0, done.output
        dump = out.read_bytes()
    else:
        dump = _pg_dump(url) or b""
    # Every row read through SQLAlchemy too: what any dump format holds, as text.
    rows = []
    with _db.engine.connect() as connection:
        for table in _db.metadata.sorted_tables:
            rows.extend(repr(tuple(row)) for row in connection.execute(table.select()))
    return dump + "\n".join(rows).encode()


def _pg_dump(url) -> bytes | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    binary = str(found[-1]) if found else shutil.which("pg_dump")
    if binary is None:
        return None
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [binary, "--data-only", "--no-owner", plain],
        capture_output=True,
        timeout=120,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    return done.stdout if done.returncode == 0 else None


def _sha(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).hexdigest().encode()


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).hexdigest().encode()


def unkeyed_guesses(salts, addresses, user_agents):
    """Every hash an attacker without SECRET_KEY can make: (hash, address) pairs."""
    for address in addresses:
        messages = {address.encode(), network(address).encode()}
        messages |= {f"{address}\x00{ua[:512]}".encode() for ua in user_agents}
        for message in messages:
            yield _sha(message), address
            for salt in salts:
                yield _sha(salt, b"\x00", message), address  # the old scheme
                yield _sha(salt, message), address
                yield _hmac(salt, message), address
                yield _hmac(bytes.fromhex(salt.decode()), message), address


def keyed_guesses(secret_key: str, salts, addresses, user_agents):
    """The same search by someone who also holds SECRET_KEY (written here from the definition)."""
    visitor_key = hashlib.sha256(f"speld visitor hash\x00{secret_key}".encode()).digest()
    brake_key = hashlib.sha256(f"speld guessing brake\x00{secret_key}".encode()).digest()
    for address in addresses:
        yield _hmac(brake_key, network(address).encode()), address
        for salt in salts:
            for ua in user_agents:
                yield (
                    _hmac(visitor_key, b"%s\x00%s\x00%s" % (salt, address.encode(), ua.encode())),
                    address,
                )


def linked(stored: set[bytes], guesses) -> set[str]:
    return {address for digest, address in guesses if digest in stored}


@pytest.fixture
def fair(make):
    event, plaza = make.plaza(stands=2)
    return plaza, make.pin_codes(event, size=len(SENT_FROM))


def send_a_fairs_requests(app, plaza, codes):
    """Scans, a repeat, landing pages, click-throughs and unknown codes, from each address."""
    for n, (address, code) in enumerate(zip(SENT_FROM, codes, strict=True)):
        client = client_as(app, user_agent=USER_AGENTS[n % 3], ip=address)
        assert client.get(f"/p/{code}").status_code == 302
        assert client.get(f"/p/{code}").status_code == 302  # a repeat: same visitor
        assert client.get(f"/l/{code}").status_code == 200
        assert client.get(f"/go/{code}?company={plaza[0].company_id}").status_code == 302
        assert client.get(f"/p/NOPE{n:05d}").status_code == 404


def test_a_backup_during_the_fair_links_no_hash_to_an_address(app, db, fair, tmp_path):
    plaza, codes = fair
    # Yesterday's scans first: their salt is forgotten when today's first request comes.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    facts = scans.ClientFacts(SENT_FROM[0], PHONE)
    scans.recorder().scan(codes[0], f"/p/{codes[0]}", facts, yesterday)
    send_a_fairs_requests(app, plaza, codes)
    repeats = db.session.scalars(select(Scan.is_repeat).order_by(Scan.id)).all()
    assert repeats.count(True) == len(SENT_FROM)  # the repeat within the day is still one

    dump = dump_of(app, tmp_path)
    stored = held(dump)
    salts = db.session.scalars(select(VisitorSalt.salt)).all()
    assert len(salts) == 1 and salts[0].encode() in stored  # today's, and only today's
    hashes = set(db.session.scalars(select(Scan.visitor_hash)))
    assert {h.encode() for h in hashes} <= stored

    tried = SENT_FROM + SWEEP
    assert linked(stored, unkeyed_guesses(stored | {b""}, tried, USER_AGENTS)) == set()
    # The control: with SECRET_KEY the dump gives every address back (all but yesterday's
    # scan, whose salt is gone), so the search above was looking at the right values.
    keyed = keyed_guesses(app.config["SECRET_KEY"], stored, tried, USER_AGENTS)
    assert linked(stored, keyed) == set(SENT_FROM)


def test_a_days_salt_is_forgotten_after_the_day(app, db, fair, tmp_path):
    plaza, codes = fair
    day = datetime(2026, 2, 18, 10, 0, tzinfo=UTC)
    for n, (address, code) in enumerate(zip(SENT_FROM, codes, strict=True)):
        facts = scans.ClientFacts(address, USER_AGENTS[n % 3])
        scans.recorder().scan(code, f"/p/{code}", facts, day + timedelta(minutes=n))
    stored = held(dump_of(app, tmp_path))
    keyed = keyed_guesses(app.config["SECRET_KEY"], stored, SENT_FROM, USER_AGENTS)
    assert linked(stored, keyed) == set(SENT_FROM)  # during the day, the key and the salt do
    # The retention run just after midnight (UTC), with no scan to rotate the salt.
    retention.apply_retention(day + timedelta(days=1, minutes=5), hash_days=30, apply=True)
    scans.recorder().forget_salt()
    assert db.session.scalars(select(VisitorSalt)).all() == []
    stored = held(dump_of(app, tmp_path))
    visitor_hashes = {h.encode() for h in db.session.scalars(select(Scan.visitor_hash))}
    assert len(visitor_hashes) == len(SENT_FROM) and visitor_hashes <= stored
    # Now not even SECRET_KEY links a hash to an address: its salt is in no dump any more.
    keyed = keyed_guesses(app.config["SECRET_KEY"], stored | {b""}, SENT_FROM, USER_AGENTS)
    assert linked(stored, keyed) == set()


def test_a_repeat_is_within_the_repeat_window_and_the_same_utc_day(app, db, fair):
    _, codes = fair
    facts = scans.ClientFacts(SENT_FROM[0], PHONE)
    record = scans.recorder().scan
    late = datetime(2026, 2, 18, 23, 50, tzinfo=UTC)
    assert not record(codes[0], f"/p/{codes[0]}", facts, late).is_repeat
    assert record(codes[0], f"/p/{codes[0]}", facts, late + timedelta(minutes=5)).is_repeat
    # Ten minutes later, but a new UTC day: a new salt, so a new visitor.
    assert not record(codes[0], f"/p/{codes[0]}", facts, late + timedelta(minutes=15)).is_repeat
    assert record(codes[0], f"/p/{codes[0]}", facts, late + timedelta(minutes=20)).is_repeat
