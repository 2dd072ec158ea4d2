"""The stand's sign-in card: ``flask speld token card`` and the pure drawing in qr/cards.py."""

import io
import re

import pytest

from backend.models import ApiToken
from backend.services import tokens
from qr.cards import SignInCard, render_card, sign_in_url
from tests.qr.decode import pdf_pages, pdf_text, texts


def test_the_card_command_prints_a_card_whose_qr_signs_in_as_that_stand(runner, make, db, tmp_path):
    stand = make.stand(company=make.company(name="Ørsted Twente"), label="TP-07")
    out = tmp_path / "card.pdf"
    result = runner.invoke(
        args=[
            "speld",
            "token",
            "card",
            "--stand",
            str(stand.id),
            "--label",
            "TP-07 tablet",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "spd_" not in result.output  # the card is the only copy
    data = out.read_bytes()
    [page] = list(pdf_pages(data, scale=4))
    [url] = texts(page)
    match = re.fullmatch(r"https://pins\.example\.org/scan#token=(spd_[A-Za-z0-9_-]{43})", url)
    assert match, url
    token = tokens.authenticate(match[1])
    assert (token.role, token.stand_id, token.label) == ("stand", stand.id, "TP-07 tablet")
    [text] = pdf_text(data)
    assert "Ørsted Twente" in text and "Stand TP-07" in text
    assert "https://pins.example.org/scan" in text
    assert "spd_" not in text  # printed text never shows the token; only the QR holds it


def test_a_card_for_an_unknown_stand_fails_and_creates_no_token(runner, db, tmp_path):
    out = tmp_path / "card.pdf"
    result = runner.invoke(
        args=["speld", "token", "card", "--stand", "999", "--label", "x", "--out", str(out)]
    )
    assert result.exit_code != 0 and "That stand does not exist." in result.output
    assert not out.exists()
    assert db.session.query(ApiToken).count() == 0


def test_a_long_company_name_still_fits_and_the_qr_still_decodes():
    card = SignInCard(
        company="Koninklijke Nederlandse Fabriek van Zeer Lange Bedrijfsnamen en Zonen B.V.",
        label="TP-16",
        event="Business Days Twente 2026",
        url=sign_in_url("https://pins.example.org", "spd_" + "x" * 43),
    )
    out = io.BytesIO()
    render_card(card, out)
    [page] = list(pdf_pages(out.getvalue(), scale=3))
    assert texts(page) == [card.url]


@pytest.mark.parametrize("token", ["", "spd_a#b", "spd_ä", "spd a"])
def test_a_token_that_is_not_url_safe_is_refused(token):
    with pytest.raises(ValueError):
        sign_in_url("https://pins.example.org", token)
