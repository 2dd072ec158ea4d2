"""Each token's hand-over: a card per role, made with its token in one transaction.

The card command is also run as a person runs it, in a fresh process: nothing another
test registered (fonts, app state) is there to help it.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.models import ApiToken, AuditEntry
from backend.services import sign_in_cards, tokens
from tests.conftest import need
from tests.qr.decode import pdf_pages, pdf_text, texts

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://pins.example.org"
SECRET = r"spd_[A-Za-z0-9_-]{43}"


def embedded_fonts(path: Path) -> list[tuple[str, bool]]:
    """(name, embedded) for every font pdffonts (poppler, not reportlab) finds in the file."""
    need(
        subprocess.run(["which", "pdffonts"], capture_output=True).returncode == 0,
        "pdffonts is not installed (apt-get install poppler-utils)",
    )
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = listing.stdout.splitlines()[2:]
    # name, type (may hold a space), encoding, emb, sub, uni, object, generation
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows]


def tokens_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def qr_of(data: bytes) -> str:
    [page] = list(pdf_pages(data, scale=4))
    [url] = texts(page)
    return url


def test_each_role_s_card_leads_to_its_own_hand_over(db, make, tmp_path):
    stand = make.stand(company=make.company(name="Ørsted Twente"), label="TP-07")
    event = stand.event
    made = {}
    for role, stand_id, slug in (("stand", stand.id, None), ("viewer", None, event.slug)):
        made[role] = sign_in_cards.issue_card(
            role, f"{role} card", BASE, made.setdefault(f"{role}-pdf", []).append, stand_id, slug
        )
    made["organiser"] = sign_in_cards.issue_card(
        "organiser", "Desk", BASE, made.setdefault("organiser-pdf", []).append
    )
    stand_pdf, viewer_pdf, organiser_pdf = (made[f"{r}-pdf"][0] for r in made if "-" not in r)

    url = qr_of(stand_pdf)
    secret = re.fullmatch(rf"{BASE}/scan#token=({SECRET})", url)[1]
    assert tokens.authenticate(secret).id == made["stand"].id
    assert "spd_" not in pdf_text(stand_pdf)[0]  # a stand's token is in its QR only

    assert qr_of(viewer_pdf) == f"{BASE}/dashboard/{event.slug}"
    [text] = pdf_text(viewer_pdf)
    assert event.name in text
    pasted = re.search(SECRET, text)[0]  # a viewer signs in on a laptop: the token to paste
    assert tokens.authenticate(pasted).role == "viewer"

    assert qr_of(organiser_pdf) == f"{BASE}/console/"
    assert tokens.authenticate(re.search(SECRET, pdf_text(organiser_pdf)[0])[0]).role == (
        "organiser"
    )
    for role, data in (("stand", stand_pdf), ("viewer", viewer_pdf), ("organiser", organiser_pdf)):
        path = tmp_path / f"{role}.pdf"
        path.write_bytes(data)
        fonts = embedded_fonts(path)
        assert fonts and all(embedded for _, embedded in fonts), (role, fonts)
        assert not any("Helvetica" in name for name, _ in fonts)


def test_a_card_that_cannot_be_handed_over_leaves_no_token(db, make):
    stand = make.stand()

    def full_disk(_: bytes) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        sign_in_cards.issue_card("stand", "Tablet", BASE, full_disk, stand.id)
    assert tokens_count(db) == 0
    created = (
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "token.create")
    )
    assert db.session.scalar(created) == 0


def test_a_card_for_a_stand_names_no_other_edition(db, make):
    stand = make.stand()
    from backend.errors import InvalidInput

    with pytest.raises(InvalidInput):
        sign_in_cards.issue_card("stand", "T", BASE, lambda _: None, stand.id, stand.event.slug)
    assert tokens_count(db) == 0


def _cli(app, *args, out=None):
    """``flask --app wsgi speld …`` in a new Python process, as the README types it."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "SPELD_ENV": "development",
        "SECRET_KEY": "test-secret",  # so the process writes no key into the tree
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PUBLIC_BASE_URL": BASE,
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "speld"]
    return subprocess.run(
        [*flask, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("role", ["stand", "viewer", "organiser"])
def test_the_card_command_works_in_a_fresh_process(app, db, make, tmp_path, role):
    stand = make.stand(label="TP-01")
    out = tmp_path / f"{role}-card.pdf"
    chosen = {"stand": ["--stand", str(stand.id)], "viewer": ["--event", stand.event.slug]}
    done = _cli(
        app,
        "token",
        "card",
        "--role",
        role,
        *chosen.get(role, []),
        "--label",
        "Card",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "spd_" not in done.stdout
    fonts = embedded_fonts(out)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    expected = {
        "stand": rf"{BASE}/scan#token={SECRET}",
        "viewer": rf"{BASE}/dashboard/{stand.event.slug}",
        "organiser": rf"{BASE}/console/",
    }[role]
    assert re.fullmatch(expected, qr_of(out.read_bytes()))
    db.session.expire_all()
    [row] = db.session.scalars(select(ApiToken).where(ApiToken.label == "Card"))
    assert row.role == role and row.revoked_at is None


def test_a_card_that_cannot_be_written_leaves_no_token_in_a_fresh_process(app, db, make, tmp_path):
    stand = make.stand()
    out = tmp_path / "no-such-folder" / "card.pdf"
    done = _cli(app, "token", "card", "--stand", str(stand.id), "--label", "T", "--out", str(out))
    assert done.returncode == 1 and "Cannot write" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists() and not out.parent.exists()
    db.session.expire_all()
    assert tokens_count(db) == 0
