"""The console's running side: stands, batches and their files, pins, tokens, the audit log.

The same blueprint as ``console.py`` (and its organisers-only guard); print
files go out through ``backend/downloads.py``, as the API's do: a large batch's
sheets and bundle are prepared in the background while a page shows how far along.
"""

import base64
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import redirect, request, url_for

from backend import downloads
from backend.errors import InvalidInput
from backend.models.types import ROLES, TWENTE_PLAZA
from backend.models.zones import ZONE_NAMES, zone_name
from backend.pages import signin
from backend.pages.console import (
    bp,
    confirm,
    form_int,
    form_text,
    page,
    page_number,
    search_text,
    shows_refused_form,
    typed,
)
from backend.pages.console_strings import ACTIONS, ACTORS, FIELDS, HAPPENINGS, TEXT
from backend.pages.i18n import DASH, current_language, day, moment, translator
from backend.pages.refusals import Refusal
from backend.services import (
    audit,
    console,
    events,
    pins,
    print_jobs,
    printing,
    sign_in_cards,
    stands,
    tokens,
)
from backend.services.validation import parse_id
from qr import RenderOptions, SheetLayout, codes, render

DEFAULT_ZONE = "Europe/Amsterdam"  # before any edition exists
REFRESH_SECONDS = 3  # how often the page of a file being prepared reloads itself


# Stands ---------------------------------------------------------------------------------


def _zone_form() -> str:
    return form_text("zone") or TWENTE_PLAZA


@bp.route("/<slug>/stands", methods=["GET", "POST"])
def event_stands(slug):
    """Assign a company a stand; the Plaza's stands in printed order, then the others."""
    if request.method == "POST":
        made = stands.create_stand(slug, form_int("company_id"), form_text("label"), _zone_form())
        confirm("made_stand", label=made.label, company=made.company.name)
        return redirect(url_for(".event_stands", slug=slug), 303)
    return _stands_page()


@shows_refused_form("console.event_stands")
def _stands_page(said: Refusal | None = None, status: int = 200):
    slug = request.view_args["slug"]
    event = events.get_event(slug)
    ordered = printing.event_stands(event)
    live = [s for s in ordered if not s.is_retired]
    return page(
        "console_stands.html",
        status,
        event=event,
        plaza=[s for s in live if s.zone == TWENTE_PLAZA],
        others=[s for s in live if s.zone != TWENTE_PLAZA],
        retired=[s for s in ordered if s.is_retired],
        companies=console.free_companies(slug),
        zone_names=ZONE_NAMES,
        refusal=said,
        typed=typed() if said else None,
    )


@bp.route("/stands/<id:stand_id>", methods=["GET", "POST"])
def stand(stand_id):
    """One stand: move it (label, zone, company), or remove it; with visits, retire it."""
    if request.method == "POST":
        changes = {"company_id": form_int("company_id"), "label": form_text("label")}
        moved = stands.update_stand(stand_id, zone=_zone_form(), **changes)
        confirm("saved_stand", label=moved.label, company=moved.company.name)
        return redirect(url_for(".event_stands", slug=moved.event.slug), 303)
    return _stand_page()


@shows_refused_form(
    "console.stand", "console.delete_stand", "console.retire_stand", "console.reinstate_stand"
)
def _stand_page(said: Refusal | None = None, status: int = 200):
    found = stands.get_stand(request.view_args["stand_id"])
    return page(
        "console_stand.html",
        status,
        event=found.event,
        stand=found,
        visits=stands.visit_count(found),
        companies=console.free_companies(found.event.slug, keep=found.company_id),
        zone_names=ZONE_NAMES,
        local=_local(ZoneInfo(found.event.timezone)),
        refusal=said,
        typed=typed() if said and request.endpoint == "console.stand" else None,
    )


@bp.post("/stands/<id:stand_id>/delete")
def delete_stand(stand_id):
    found = stands.get_stand(stand_id)
    slug, label, company = found.event.slug, found.label, found.company.name
    stands.delete_stand(stand_id)
    confirm("deleted_stand", label=label, company=company)
    return redirect(url_for(".event_stands", slug=slug), 303)


@bp.post("/stands/<id:stand_id>/retire")
def retire_stand(stand_id):
    retired = stands.retire_stand(stand_id)
    visits = stands.visit_count(retired)
    confirm("retired_stand", label=retired.label, company=retired.company.name, n=visits)
    return redirect(url_for(".event_stands", slug=retired.event.slug), 303)


@bp.post("/stands/<id:stand_id>/reinstate")
def reinstate_stand(stand_id):
    back = stands.reinstate_stand(stand_id)
    confirm("reinstated_stand", label=back.label, company=back.company.name)
    return redirect(url_for(".event_stands", slug=back.event.slug), 303)


@bp.get("/stands/<id:stand_id>/poster.pdf")
def poster(stand_id):
    stand = stands.get_stand(stand_id)
    return _posters([stand], f"poster-{stand.label}.pdf")


@bp.get("/<slug>/posters.pdf")
def posters(slug):
    live = printing.event_stands(events.get_event(slug), retired=False)
    return _posters(live, f"{slug}-posters.pdf")


def _posters(chosen, filename: str):
    url, branding = downloads.base_url(), downloads.look().branding
    write = lambda out: printing.print_posters(chosen, url, out, branding)  # noqa: E731
    return downloads.send_written(write, "application/pdf", filename)


# Batches --------------------------------------------------------------------------------


@bp.route("/<slug>/batches", methods=["GET", "POST"])
def batches(slug):
    """Batches with pins, active, void and scanned; a form to mint a new one."""
    event = events.get_event(slug)
    if request.method == "POST":
        diameter = form_text("diameter_mm") or "25"
        try:
            layout = SheetLayout.from_params({"diameter_mm": diameter})
        except ValueError:
            raise InvalidInput(fields={"diameter_mm": ["Give a number of millimetres."]}) from None
        made = pins.mint_batch(
            slug, form_text("label"), form_text("channel"), form_int("size", 1, pins.MAX_BATCH)
        )
        if downloads.in_background(made.id):  # a large batch's sheets start at once
            downloads.prepare(made.id, layout)
        confirm("made_batch", n=made.size, label=made.label, channel=made.channel)
        return redirect(url_for(".batches", slug=slug, d=diameter), 303)
    return _batches_page(event)


@shows_refused_form("console.batches")
def _batches_page(event=None, said: Refusal | None = None, status: int = 200):
    event = event or events.get_event(request.view_args["slug"])
    return page(
        "console_batches.html",
        status,
        event=event,
        rows=console.batch_rows(event.slug),
        diameter=request.args.get("d", "25")[:8],
        refusal=said,
        typed=typed() if said else None,
    )


def _query() -> dict:
    """The layout's options from the query string (the page's language and file aside)."""
    return {k: v for k, v in request.args.items() if k not in ("lang", "file")}


def _layout() -> SheetLayout:
    return SheetLayout.from_params(_query())


def _print_file(batch_id: int, kind: str):
    """The file at once, or (a large batch still being prepared) the page that follows it."""
    answer = downloads.print_file(batch_id, kind, _layout())
    if isinstance(answer, print_jobs.PrintStatus):
        return redirect(_status_url(batch_id, kind), 303)
    return answer


def _status_url(batch_id: int, kind: str) -> str:
    return url_for(".print_status", batch_id=batch_id, file=kind, **_query())


@bp.get("/batches/<id:batch_id>/sheets.pdf")
def sheets(batch_id):
    return _print_file(batch_id, "sheets.pdf")


@bp.get("/batches/<id:batch_id>/bundle.zip")
def bundle(batch_id):
    return _print_file(batch_id, "bundle.zip")


@bp.get("/batches/<id:batch_id>/manifest.csv")
def manifest(batch_id):
    write = lambda out: printing.print_manifest(batch_id, downloads.base_url(), out)  # noqa: E731
    return downloads.send_written(write, "text/csv", f"batch-{batch_id}-manifest.csv", binary=False)


@bp.route("/batches/<id:batch_id>/print", methods=["GET", "POST"])
def print_status(batch_id):
    """A large batch's file being prepared: its progress, refreshed every few seconds; then a link.

    Server-rendered, no script: a meta refresh reloads this page until the file is ready.
    A GET only reads how far the work is; the page's button posts, which starts the work
    or takes over a job whose worker died (as asking for the file does). A small batch is
    ready at once.
    """
    kind = request.args.get("file", "sheets.pdf")
    if kind not in downloads.WRITERS:
        raise InvalidInput(fields={"file": ["Choose sheets.pdf or bundle.zip."]})
    batch = pins.get_batch(batch_id)
    layout = _layout()
    if request.method == "POST":
        if downloads.in_background(batch_id):
            downloads.prepare(batch_id, layout)
        return redirect(_status_url(batch_id, kind), 303)
    status = downloads.print_status(batch_id, layout) if downloads.in_background(batch_id) else None
    if status is not None:
        downloads.refuse_failed(status)
    ready = status is None or status.state == "ready"
    endpoint = ".sheets" if kind == "sheets.pdf" else ".bundle"
    return page(
        "console_print.html",
        200 if ready else 202,
        event=batch.event,
        batch=batch,
        kind=kind,
        job=status,
        ready=ready,
        file_url=url_for(endpoint, batch_id=batch_id, **_query()),
        status_url=_status_url(batch_id, kind),
        refresh=REFRESH_SECONDS,
    )


# Pins -----------------------------------------------------------------------------------


@bp.get("/pins")
def find_pin():
    """Find a pin by its code or its URL; its history (times and kinds, nothing personal)."""
    raw = search_text("code", 300)
    if not raw:
        return page("console_pins.html", pin=None, code="")
    return _pin_page(raw)


@shows_refused_form("console.void_pin", "console.unvoid_pin")
def _pin_page(raw: str | None = None, said: Refusal | None = None, status: int = 200):
    raw = raw or request.view_args["code"]
    pin, history = console.pin_history(raw)
    zone = ZoneInfo(pin.batch.event.timezone)
    worded = translator(current_language(), HAPPENINGS)
    return page(
        "console_pins.html",
        status,
        pin=pin,
        history=[(h, worded(h.kind), _happening(worded, h)) for h in history],
        code=raw,
        display=codes.display(pin.code),
        refusal=said,
        typed=typed() if said else None,
        local=_local(zone),
        zone=zone.key,
    )


@bp.post("/pins/<code>/void")
def void_pin(code):
    pin = pins.void_pin(code, form_text("reason") or None)
    confirm("voided_pin", code=codes.display(pin.code))
    return redirect(url_for(".find_pin", code=pin.code), 303)


@bp.post("/pins/<code>/unvoid")
def unvoid_pin(code):
    pin = pins.unvoid_pin(code)
    confirm("unvoided_pin", code=codes.display(pin.code))
    return redirect(url_for(".find_pin", code=pin.code), 303)


# Tokens ---------------------------------------------------------------------------------


def _all_stands():
    """The stands a tablet token can be made for: a retired stand takes no new visits."""
    return [
        s for e in events.list_events(1, 200).items for s in printing.event_stands(e, retired=False)
    ]


def _zone() -> ZoneInfo:
    """The zone the console shows times in: the newest edition's (the fair's own clock)."""
    newest = events.list_events(1, 1).items
    return ZoneInfo(newest[0].timezone if newest else DEFAULT_ZONE)


def _local(zone: ZoneInfo):
    """``local(moment)``: a stored UTC moment as the edition's wall-clock time, or a dash.

    In Babel's date and time format for the reader's language (``i18n.moment``).
    """
    lang = current_language()
    return lambda value, seconds=False: moment(value, zone, lang, seconds)


def _happening(said, happened: console.Happening) -> str:
    """What a history row says beside its kind: who or what, all in words."""
    parts = []
    if happened.traffic:
        parts.append(said(happened.traffic))
    if happened.repeat:
        parts.append(said("repeat"))
    if happened.stand is not None:
        parts.append(said("stand", label=happened.stand))
    if happened.method:
        parts.append(said(happened.method))
    if happened.answer is not None:
        answer = said("answer_0") if happened.answer == "0" else happened.answer.replace("-", "–")
        parts.append(said("answer", answer=answer))
    if happened.test and happened.traffic != "test":
        parts.append(said("test"))
    return " · ".join(parts)


@bp.route("/tokens", methods=["GET", "POST"])
def token_list():
    """Tokens with their last use; creating one shows its secret once, with its hand-over."""
    zone = _zone()
    if request.method == "POST":
        role = form_text("role")
        stand_id = form_int("stand_id") if role == "stand" and form_text("stand_id") else None
        event_slug = (form_text("event") or None) if role == "viewer" else None
        if event_slug:
            events.get_event(event_slug)  # an unknown edition is refused before a token exists
        row, secret = tokens.create_token(role, form_text("label"), stand_id, _expiry(zone))
        given = sign_in_cards.hand_over(row, secret, downloads.base_url(), event_slug)
        png, _ = render(given.url, RenderOptions(format="png", size_px=320))
        return page(
            "console_token_made.html",
            201,
            row=row,
            secret=secret,
            address=given.address,
            hand_over_event=given.event,
            qr=base64.b64encode(png).decode(),
        )
    return _tokens_page()


@shows_refused_form("console.token_list")
def _tokens_page(said: Refusal | None = None, status: int = 200):
    zone = _zone()
    return page(
        "console_tokens.html",
        status,
        refusal=said,
        typed=typed() if said else None,
        rows=tokens.list_tokens(1, 500).items,
        roles=ROLES,
        stands=_all_stands(),
        editions=events.list_events(1, 200).items,
        stand_name=tokens.stand_name,
        local=_local(zone),
        zone=zone.key,
        revoked=parse_id(request.args.get("revoked")),
    )


@bp.post("/tokens/card.pdf")
def token_card():
    """The card of the token just made, as a PDF: its secret comes in the form, never a URL."""
    secret = form_text("secret")
    data = sign_in_cards.card_for_secret(secret, downloads.base_url(), form_text("event") or None)
    write = lambda out: out.write(data)  # noqa: E731
    return downloads.send_written(write, "application/pdf", "sign-in-card.pdf")


def _expiry(zone: ZoneInfo) -> datetime | None:
    """The form's expiry, a wall-clock time in the console's zone (the edition's)."""
    text = form_text("expires_at")
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)
    except ValueError:
        raise InvalidInput(
            fields={"expires_at": ["Give a date and time as YYYY-MM-DD HH:MM."]}
        ) from None


@bp.get("/tokens/<id:token_id>/revoke")
def confirm_revoke(token_id):
    """Before revoking: the token by name, and whether it is the one this browser uses.

    The last live organiser token is refused here already, with its reason.
    """
    checked = tokens.revocation(token_id)
    return page(
        "console_token_revoke.html",
        token=checked.token,
        own=checked.own,
        stand=tokens.stand_name(checked.token),
    )


@bp.post("/tokens/<id:token_id>/revoke")
def revoke_token(token_id):
    row = tokens.revoke_token(token_id, own=form_text("own") == "1")
    if row.id == audit.current_actor().token_id:
        signin.sign_out()  # the session's token is gone: say so rather than a bare sign-in
        return page("console_signed_out.html", token=row, bare=True, signed_out=True)
    return redirect(url_for(".token_list", revoked=row.id), 303)


# Audit log ------------------------------------------------------------------------------


@bp.get("/audit")
def audit_log():
    """Every change, newest first, filtered by action, who or subject."""
    filters = {key: search_text(key, 80) for key in ("action", "actor", "target")}
    found = audit.list_entries(page_number(), 100, **{k: v or None for k, v in filters.items()})
    zone = _zone()
    lang = current_language()
    return page(
        "console_audit.html",
        found=found,
        filters=filters,
        local=_local(zone),
        zone=zone.key,
        action=lambda key: translator(lang, ACTIONS)(key) if key in ACTIONS else key,
        actor=lambda label: audit_actor(label, lang),
        changes=lambda values: audit_changes(values, zone, lang),
    )


_TOKEN_ACTOR = re.compile(r"(.*) \(#([0-9]+), (organiser|viewer|stand)\)")


def audit_actor(label: str, lang: str) -> str:
    """Who made a change, in words: a token's role named, the command line and the system said."""
    if label in ACTORS:
        return translator(lang, ACTORS)(label)
    token = _TOKEN_ACTOR.fullmatch(label)
    if token is None:
        return label
    name, number, role = token.groups()
    return f"{name} (#{number}, {translator(lang, TEXT)(f'role_{role}')})"


# The audited fields that hold a day or a moment (ISO text in the stored JSON).
_DAYS, _MOMENTS = ("starts_on", "ends_on"), ("expires_at", "revoked_at")


def audit_changes(values: dict | None, zone: ZoneInfo, lang: str) -> list[tuple[str, str]]:
    """An audit entry's before or after as (field, value) in words for a person.

    The stored JSON stays as written (field names, ISO times, None); here a field has its
    name, nothing is a dash, a yes/no is yes/no, a moment is the edition's wall-clock time,
    a day, a zone, a role and a pin's status are in the reader's language.
    """
    t = translator(lang, TEXT)
    fields = translator(lang, FIELDS)
    said = []
    for field, value in (values or {}).items():
        said.append(
            (fields(field) if field in FIELDS else field, _value(field, value, zone, lang, t))
        )
    return said


def _value(field: str, value, zone: ZoneInfo, lang: str, t) -> str:
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, int | float):
        return format_decimal(value, locale=lang) if field != "stand_id" else str(value)
    if not isinstance(value, str):
        return str(value)
    if field == "zone":
        return zone_name(value, lang)
    if field == "role" and f"role_{value}" in TEXT:
        return t(f"role_{value}")
    if field == "status" and value in ("active", "void"):
        return t(value)
    try:
        if field in _MOMENTS:
            return moment(datetime.fromisoformat(value), zone, lang, seconds=True)
        if field in _DAYS:
            return day(date.fromisoformat(value), lang)
    except ValueError:
        pass  # not a time after all: shown as stored
    return value
