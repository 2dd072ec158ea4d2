"""Handing a new token over: the address each role's card leads to, and the card itself.

A stand's card opens the scanner and signs the tablet in (the token in the URL's fragment);
a viewer's leads to the edition's dashboard and an organiser's to the console, where they
paste the token printed beside the code. A token exists only once its card or its secret
was handed out: ``issue_card`` creates the token, renders its card, hands the PDF to the
caller (who writes the file) and commits only after that succeeded.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from backend.errors import InvalidInput, Unauthorized
from backend.extensions import db
from backend.models import ApiToken, Event, Stand
from backend.services.events import get_event
from backend.services.tokens import add_token, authenticate
from qr.cards import SignInCard, render_card, sign_in_url


@dataclass(frozen=True)
class HandOver:
    """Where a token's card leads (``url``, what its QR holds) and the address to show."""

    url: str
    address: str
    event: Event | None


def _edition(token: ApiToken, event_slug: str | None) -> Event | None:
    """The edition a card names: a stand's own; else the one chosen, or the newest."""
    if token.stand_id is not None:
        return db.session.get(Stand, token.stand_id).event
    if event_slug:
        return get_event(event_slug)
    return db.session.scalar(select(Event).order_by(Event.starts_on.desc(), Event.id).limit(1))


def hand_over(token: ApiToken, secret: str, base_url: str, event_slug: str | None = None):
    """The role's hand-over: the scanner for a stand, the dashboard for a viewer, the console."""
    base = base_url.rstrip("/")
    event = _edition(token, event_slug)
    if token.role == "stand":
        url = sign_in_url(base, secret)
        return HandOver(url, url.split("#", 1)[0], event)
    if token.role == "viewer":
        url = f"{base}/dashboard/{event.slug}" if event is not None else f"{base}/dashboard/"
        return HandOver(url, url, event)
    return HandOver(f"{base}/console/", f"{base}/console/", None)


def card_pdf(token: ApiToken, secret: str, base_url: str, event_slug: str | None = None) -> bytes:
    """The A6 card of a token whose secret the caller holds."""
    given = hand_over(token, secret, base_url, event_slug)
    event = given.event.name if given.event is not None else ""
    if token.role == "stand":
        stand = db.session.get(Stand, token.stand_id)
        card = SignInCard(stand.company.name, stand.label, event, given.url)
    else:
        card = SignInCard(token.label, "", event, given.url, token.role, secret)
    out = io.BytesIO()
    render_card(card, out)
    return out.getvalue()


def issue_card(
    role: str,
    label: str,
    base_url: str,
    deliver: Callable[[bytes], None],
    stand_id: int | None = None,
    event_slug: str | None = None,
    expires_at: datetime | None = None,
) -> ApiToken:
    """Create a token and hand its card (A6 PDF) to ``deliver``; one transaction.

    The card is the only place the token is shown: if rendering or ``deliver`` fails,
    the token is rolled back and never existed.
    """
    if event_slug and role != "viewer":
        raise InvalidInput(fields={"event": ["Only a viewer's card names an edition."]})
    try:
        row, secret = add_token(role, label, stand_id, expires_at)
        deliver(card_pdf(row, secret, base_url, event_slug))
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return row


def card_for_secret(secret: str, base_url: str, event_slug: str | None = None) -> bytes:
    """The card of a live token, for whoever holds its secret (the console, right after making it).

    The secret comes in a form post, never a URL, and is checked like a sign-in.
    """
    try:
        token = authenticate(secret, touch=False)  # printing a card is not using it
    except Unauthorized:
        raise Unauthorized(reason="token_not_live") from None
    return card_pdf(token, secret, base_url, event_slug)
