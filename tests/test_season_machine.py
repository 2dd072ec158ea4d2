"""An organiser's season, played by Hypothesis in any order over the use cases.

Editions are made and edited, messy spreadsheets imported, stands placed and
changed, pins minted and voided, tokens made and revoked; students scan, land,
click, get stamped (online and by an offline replay) and answer; the funnel is
exported. After every step:

- no unexpected exception: a refusal is a ``DomainError`` with a stable code and a
  4xx status, and changes nothing that is audited;
- every change to an audited table has its audit row (created rows one without a
  "before", changed rows one with), and no audit row without a change;
- the funnel's stages equal counts taken straight from the tables with the SQL below
  (docs/metrics.md: distinct active pins; bots, tests, void pins and repeats kept out);
- no live token exists that was not handed out: every token row is one whose secret
  was returned to the caller, it works while live and not once revoked.

Exports are a step of their own (any format, language, table, exact or as a viewer),
and every edition's files are opened once more at the end of each season.

``SPELD_SEASON_EXAMPLES`` and ``SPELD_SEASON_STEPS`` make a longer run, e.g.
``SPELD_SEASON_EXAMPLES=200 SPELD_SEASON_STEPS=60 pytest tests/test_season_machine.py``.
"""

import csv
import io
import json
import os
import re
import zipfile
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select, text

from backend.errors import DomainError, Unauthorized
from backend.models import ApiToken, AuditEntry, Batch, Company, Event, Pin, Scan, Stand
from backend.models.types import NAMED_BEFORE, utcnow
from backend.services import (
    company_import,
    events,
    pins,
    reports,
    sign_in_cards,
    stamps,
    stands,
    survey,
    tokens,
)
from exports.figures import STAGES
from exports.tables import LANGUAGES, TABLES
from tests.conftest import PHONE, client_as, empty_database

EXAMPLES = int(os.environ.get("SPELD_SEASON_EXAMPLES", "6"))
STEPS = int(os.environ.get("SPELD_SEASON_STEPS", "30"))
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
FIRST_DAY = date(2026, 2, 16)

# -- what an organiser types ------------------------------------------------------------

slugs = st.one_of(
    st.sampled_from(["bdt-2026", "bdt-2027", "lente-beurs"]),
    st.sampled_from(["bdt-2027", "sign-in", "BDT-2026", "x"]),
)
spellings = st.sampled_from(
    [str, str.upper, str.lower, str.title, lambda s: f"  {s} ", lambda s: s.replace(" ", "  ")]
)
company_names = st.builds(
    lambda name, spell: spell(name),
    st.sampled_from(["Café Noord", "Ünal Techniek", "Thales", "Ten Cate", "Bolletje B.V."]),
    spellings,
)
bad_names = st.sampled_from(["", "   ", "Bad\x07name", "x" * 121])
names = st.one_of(company_names, company_names, company_names, bad_names)
portal_urls = st.sampled_from(
    [None, "https://www.twente.com", "http://example.nl/bedrijf", "ftp://nope", "www.twente"]
)
labels = st.sampled_from(["TP-01", "TP-02", "tp-01", "MH-1", "TP 03", "", "B-" + "9" * 19])
zones = st.sampled_from(["twente-plaza", "main-hall", "Main Hall", "twente-plaza"])
good_timezones = st.sampled_from(["Europe/Amsterdam", "UTC", "America/Sao_Paulo"])
timezones = st.one_of(good_timezones, good_timezones, st.just("Mars/Base"))
indexes = st.integers(0, 40)  # the n-th row (modulo how many there are)

# The importer's headers as organisers write them, and cells as they come.
header_words = {
    "name": ["name", "Naam", " NAAM ", "Bedrijf", "company"],
    "is_twente": ["twente", "Twents", "is twente", "IS_TWENTE"],
    "portal_url": ["website", "Portal URL", "url", "portal"],
    "stand": ["stand", "Stand Label", "label"],
    "zone": ["zone", "Zone"],
}
twente_cells = st.sampled_from(["ja", "Nee", "X", "", "yes", "0", "waar", "misschien"])
import_rows = st.fixed_dictionaries(
    {
        "name": st.one_of(company_names, st.sampled_from(["", "Bad\x07name"])),
        "is_twente": twente_cells,
        "portal_url": st.sampled_from(["", "https://werken.example.nl", "ftp://nope"]),
        "stand": st.sampled_from(["", "TP-01", "tp-02", "TP-07", "TP 08"]),
        "zone": st.sampled_from(["", "twente-plaza", "main-hall", "Main Hall"]),
    }
)


def spreadsheet(rows: list[dict], headers: dict, kind: str, delimiter: str) -> bytes:
    """The rows as the file an organiser would upload (CSV with ``,`` or ``;``, or XLSX)."""
    columns = list(headers)
    lines = [[headers[c] for c in columns]] + [[row[c] for c in columns] for row in rows]
    if kind == "xlsx":
        book = Workbook()
        for line in lines:  # a spreadsheet cannot hold control characters at all
            book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in line])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(lines)
    return out.getvalue().encode("utf-8-sig")


# -- the funnel, straight from the tables (docs/metrics.md, "Stages") --------------------

ACTIVE_PINS = (
    "SELECT COUNT(*) FROM pins JOIN batches ON batches.id = pins.batch_id"
    " WHERE batches.event_id = :event AND pins.status = 'active'"
)
DID = {
    "issued": "",
    "scanned": "SELECT 1 FROM scans s WHERE s.pin_id = pins.id AND s.kind = 'human'"
    " AND s.pin_void = :no",
    "landed": "SELECT 1 FROM landing_visits v WHERE v.pin_id = pins.id AND v.kind = 'human'",
    "clicked": "SELECT 1 FROM portal_clicks c WHERE c.pin_id = pins.id AND c.kind = 'human'",
    "visited_stand": "SELECT 1 FROM stand_visits v WHERE v.pin_id = pins.id AND v.is_test = :no",
    "answered_survey": "SELECT 1 FROM survey_responses r WHERE r.pin_id = pins.id"
    " AND r.is_test = :no",
}
EVENT_SCANS = (
    "SELECT COUNT(*) FROM scans JOIN pins ON pins.id = scans.pin_id"
    " JOIN batches ON batches.id = pins.batch_id WHERE batches.event_id = :event"
)
EXCLUDED = {
    "human_scans": " AND scans.kind = 'human' AND scans.pin_void = :no AND pins.status = 'active'",
    "repeat_scans": " AND scans.kind = 'human' AND scans.pin_void = :no"
    " AND pins.status = 'active' AND scans.is_repeat = :yes",
    "bot_scans": " AND scans.kind = 'bot'",
    "test_scans": " AND scans.kind = 'test'",
    "void_pin_scans": " AND (scans.pin_void = :yes OR pins.status = 'void')",
}


REHEARSALS = (
    "SELECT COUNT(*) FROM stand_visits JOIN pins ON pins.id = stand_visits.pin_id"
    " JOIN batches ON batches.id = pins.batch_id WHERE batches.event_id = :event"
    " AND stand_visits.is_rehearsal = :yes"
)


def counted_from_tables(db, event_id: int) -> dict:
    def count(sql: str) -> int:
        return db.session.scalar(text(sql), {"event": event_id, "no": False, "yes": True})

    counts = {
        stage: count(ACTIVE_PINS + (f" AND EXISTS ({DID[stage]})" if DID[stage] else ""))
        for stage in DID
    }
    counts.update({name: count(EVENT_SCANS + where) for name, where in EXCLUDED.items()})
    counts["void_pins"] = count(ACTIVE_PINS.replace("'active'", "'void'"))
    counts["rehearsal_visits"] = count(REHEARSALS)
    return counts


# -- what every audited table looks like, to tell what a step changed --------------------

AUDITED = {  # the audit action's noun -> the rows' identity and what counts as a change
    "event": (
        Event,
        lambda e: (
            e.name,
            e.starts_on,
            e.ends_on,
            e.timezone,
            e.portal_url,
            e.baseline_share,
            e.baseline_size,
        ),
    ),  # fmt: skip
    "company": (Company, lambda c: (c.name, c.is_twente, c.portal_url)),
    "stand": (Stand, lambda s: (s.event_id, s.company_id, s.label, s.zone, s.retired_at)),
    "pin": (Pin, lambda p: p.status),
    "token": (ApiToken, lambda t: t.revoked_at),
}


def picture(db) -> dict:
    return {
        noun: {row.id: state(row) for row in db.session.scalars(select(model))}
        for noun, (model, state) in AUDITED.items()
    }


def csrf_from(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


def opens(name: str, body: bytes) -> None:
    """The file opens as what its name says, and so does every file inside a ZIP."""
    if name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(body))
        assert book.sheetnames and all(sheet.max_row >= 1 for sheet in book.worksheets)
    elif name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert archive.testzip() is None
            members = archive.namelist()
            assert any(m.endswith(".xlsx") for m in members), members
            for member in members:
                opens(member, archive.read(member))
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows and len({len(row) for row in rows}) == 1, name
    elif name.endswith(".json"):
        assert isinstance(json.loads(body), dict)
    elif name.endswith(".md"):
        body.decode("utf-8")
    else:
        raise AssertionError(f"an export holds a file of unknown kind: {name}")


class Season(RuleBasedStateMachine):
    """One season of one organiser; the database is emptied before it starts."""

    def __init__(self, app, db):
        super().__init__()
        self.app, self.db = app, db
        empty_database(app)
        self.secrets: dict[int, str] = {}  # every token handed out: id -> its secret
        self.revoked: set[int] = set()
        self.phone = client_as(app, PHONE, ip="203.0.113.7")
        self.bot = client_as(app, BOT, ip="198.51.100.2")
        self.staff = client_as(app, PHONE, ip="203.0.113.8")
        self.staff_token: int | None = None  # whose token the staff browser signed in with
        self.refusals: Counter = Counter()
        self.last_refusal: str | None = None
        self.before = picture(db)
        self.last_audit = 0

    # -- helpers ------------------------------------------------------------------------

    def nth(self, model, index: int, *where):
        rows = self.db.session.scalars(select(model).where(*where).order_by(model.id)).all()
        return rows[index % len(rows)] if rows else None

    def attempt(self, use_case, *args, **kwargs):
        """Call a use case; a refusal is fine if it says why with a stable code (and 4xx)."""
        self.last_refusal = None
        try:
            return use_case(*args, **kwargs)
        except DomainError as error:
            self.last_refusal = error.code
            self.db.session.rollback()
            assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)?", error.code), error.code
            assert error.code != DomainError.code and 400 <= error.status < 500, error
            self.refusals[error.code] += 1
            return None

    def fair_moment(self, event: Event, day: int, minute: int) -> datetime:
        """A moment on one of the fair's days (``day`` modulo their number), in its time zone."""
        days = (event.ends_on - event.starts_on).days + 1
        local = datetime.combine(event.starts_on + timedelta(days=day % days), time(9))
        return (local + timedelta(minutes=minute)).replace(tzinfo=ZoneInfo(event.timezone))

    # -- editions, companies, stands -----------------------------------------------------

    @initialize(
        start=st.integers(0, 4),
        length=st.integers(0, 2),
        zone=good_timezones,
        companies=st.lists(company_names, min_size=1, max_size=3),
        size=st.integers(1, 4),
    )
    def a_fair_to_start_from(self, start, length, zone, companies, size):
        """An edition with a batch and a stand or more, so that steps find something to do."""
        starts_on = FIRST_DAY + timedelta(days=start)
        ends_on = starts_on + timedelta(days=length)
        event = events.create_event(
            slug="bdt-2026",
            name="Business Days",
            starts_on=starts_on,
            ends_on=ends_on,
            timezone=zone,
            portal_url="https://www.twente.com",
        )
        pins.mint_batch(event.slug, "Run 1", "ut-desk", size)
        for number, name in enumerate(companies, start=1):
            company = self.attempt(events.create_company, name=name, is_twente=True)
            if company is not None:  # the same name twice, differently spelt
                stands.create_stand(event.slug, company.id, f"TP-{number:02d}", "twente-plaza")

    @rule(
        slug=slugs,
        name=names,
        start=st.integers(0, 4),
        length=st.integers(-1, 2),
        zone=timezones,
        portal=portal_urls,
    )
    def create_event(self, slug, name, start, length, zone, portal):
        starts_on = FIRST_DAY + timedelta(days=start)
        self.attempt(
            events.create_event,
            slug=slug,
            name=name,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=length),
            timezone=zone,
            portal_url=portal or "https://www.twente.com",
        )

    @rule(
        index=indexes,
        name=st.none() | names,
        shift=st.none() | st.integers(-2, 2),
        length=st.none() | st.integers(-1, 2),
        zone=st.none() | timezones,
        baseline=st.none() | st.sampled_from([0.35, 0.0, 1, 1.5, True]),
    )
    def edit_event(self, index, name, shift, length, zone, baseline):
        event = self.nth(Event, index)
        if event is None:
            return
        changes = {"name": name, "timezone": zone, "baseline_share": baseline}
        if shift is not None:
            changes["starts_on"] = event.starts_on + timedelta(days=shift)
        if length is not None:
            changes["ends_on"] = changes.get("starts_on", event.starts_on) + timedelta(days=length)
        changes = {k: v for k, v in changes.items() if v is not None}
        self.attempt(events.update_event, event.slug, **changes)

    @rule(name=names, twente=st.booleans(), portal=portal_urls)
    def create_company(self, name, twente, portal):
        self.attempt(events.create_company, name=name, is_twente=twente, portal_url=portal)

    @rule(index=indexes, name=st.none() | names, twente=st.none() | st.booleans())
    def edit_company(self, index, name, twente):
        company = self.nth(Company, index)
        if company is None:
            return
        changes = {k: v for k, v in {"name": name, "is_twente": twente}.items() if v is not None}
        self.attempt(events.update_company, company.id, **changes)

    @rule(event=indexes, company=indexes, label=labels, zone=zones)
    def create_stand(self, event, company, label, zone):
        event, company = self.nth(Event, event), self.nth(Company, company)
        if event is not None and company is not None:
            self.attempt(stands.create_stand, event.slug, company.id, label, zone)

    @rule(
        index=indexes,
        label=st.none() | labels,
        zone=st.none() | zones,
        company=st.none() | indexes,
    )
    def edit_stand(self, index, label, zone, company):
        """Relabel, move to another zone, or hand the stand to another company."""
        stand = self.nth(Stand, index)
        if stand is None:
            return
        changes = {"label": label, "zone": zone}
        if company is not None and self.nth(Company, company) is not None:
            changes["company_id"] = self.nth(Company, company).id
        changes = {k: v for k, v in changes.items() if v is not None}
        self.attempt(stands.update_stand, stand.id, **changes)

    @rule(index=indexes, how=st.sampled_from(["retire", "reinstate", "remove"]))
    def retire_or_remove_stand(self, index, how):
        """Take a stand out of the fair, bring it back, or remove it (refused once visited)."""
        stand = self.nth(Stand, index)
        if stand is None:
            return
        visited = stands.visit_count(stand) > 0
        use_case = {
            "retire": stands.retire_stand,
            "reinstate": stands.reinstate_stand,
            "remove": stands.delete_stand,
        }[how]
        done = self.attempt(use_case, stand.id)
        if how == "remove" and visited:
            assert self.refusals["stand_in_use"] and self.last_refusal == "stand_in_use"
        if how == "remove" and done is None and self.last_refusal is None:
            assert self.db.session.get(Stand, stand.id) is None  # removed, its visits none

    @rule(
        index=indexes,
        rows=st.lists(import_rows, min_size=1, max_size=5),
        headers=st.fixed_dictionaries({c: st.sampled_from(w) for c, w in header_words.items()}),
        kind=st.sampled_from(["csv", "xlsx"]),
        delimiter=st.sampled_from([",", ";"]),
    )
    def import_companies(self, index, rows, headers, kind, delimiter):
        """A messy spreadsheet: read, previewed, then applied (all rows or none)."""
        event = self.nth(Event, index)
        if event is None:
            return
        data = spreadsheet(rows, headers, kind, delimiter)
        table = self.attempt(company_import.read_table, f"Bedrijven.{kind.upper()}", data)
        if table is None:
            return
        assert len(table) == sum(any(str(v).strip() for v in row.values()) for row in rows)
        checked = self.attempt(company_import.preview, event.slug, table)
        assert self.picture_unchanged(), "a preview wrote something"
        result = self.attempt(company_import.apply_import, event.slug, table)
        refused = [row for row in checked if row.status == "refused"]
        assert (result is None) == bool(refused), (refused, result)
        if result is not None:
            said = Counter(row.status for row in checked)
            assert (result.created, result.changed, result.unchanged) == (
                said["new"],
                said["changed"],
                said["unchanged"],
            )
            again = company_import.preview(event.slug, table)
            assert {row.status for row in again} <= {"unchanged"}, "an import is not idempotent"

    # -- pins and tokens ----------------------------------------------------------------

    @rule(
        index=indexes,
        label=st.sampled_from(["Run 1", "Run 2", "  Run 1 ", ""]),
        channel=st.sampled_from(["ut-desk", "saxion", "Bad Channel"]),
        size=st.integers(0, 4),
    )
    def mint(self, index, label, channel, size):
        event = self.nth(Event, index)
        if event is not None:
            self.attempt(pins.mint_batch, event.slug, label, channel, size)

    @rule(index=indexes, reason=st.sampled_from([None, "lost", "  ", "misprint\x00"]))
    def void(self, index, reason):
        pin = self.nth(Pin, index)
        if pin is not None:
            self.attempt(pins.void_pin, pin.code, reason)

    @rule(index=indexes)
    def unvoid(self, index):
        pin = self.nth(Pin, index)
        if pin is not None:
            self.attempt(pins.unvoid_pin, pin.code)

    @rule(
        role=st.sampled_from(["organiser", "viewer", "stand", "admin"]),
        stand=st.none() | indexes,
        label=st.sampled_from(["Hal A", "", "scanner"]),
        expires=st.sampled_from([None, timedelta(days=30), timedelta(days=-1)]),
    )
    def make_token(self, role, stand, label, expires):
        chosen = None if stand is None else self.nth(Stand, stand)
        made = self.attempt(
            tokens.create_token,
            role,
            label,
            chosen.id if chosen else None,
            None if expires is None else utcnow() + expires,
        )
        if made is not None:
            row, secret = made
            assert secret.startswith(tokens.TOKEN_PREFIX)
            self.secrets[row.id] = secret

    @rule(
        role=st.sampled_from(["stand", "viewer", "organiser"]),
        stand=indexes,
        label=st.sampled_from(["TP-01 tablet", "Gemeente", ""]),
        write_fails=st.booleans(),
    )
    def print_card(self, role, stand, label, write_fails):
        """A sign-in card: the token exists only if its card was handed over."""
        chosen = self.nth(Stand, stand) if role == "stand" else None
        if role == "stand" and chosen is None:
            return
        handed: list[str] = []
        real_card_pdf = sign_in_cards.card_pdf

        def seen(token, secret, *args):  # the secret as the card prints it
            handed.append(secret)
            return real_card_pdf(token, secret, *args)

        def deliver(data: bytes) -> None:
            assert data.startswith(b"%PDF")
            if write_fails:
                raise OSError("disk full")

        sign_in_cards.card_pdf = seen
        try:
            row = self.attempt(
                sign_in_cards.issue_card,
                role,
                label,
                "https://pins.example.org",
                deliver,
                stand_id=chosen.id if chosen else None,
            )
        except OSError:
            self.db.session.rollback()
            row = None
        finally:
            sign_in_cards.card_pdf = real_card_pdf
        if row is not None:
            assert not write_fails
            self.secrets[row.id] = handed[-1]

    @rule(index=indexes)
    def revoke_token(self, index):
        token = self.nth(ApiToken, index)
        if token is not None and self.attempt(tokens.revoke_token, token.id) is not None:
            self.revoked.add(token.id)

    # -- students -------------------------------------------------------------------------

    def pin_code(self, index: int, unknown: bool) -> str:
        pin = None if unknown else self.nth(Pin, index)
        return pin.code if pin is not None else "ZZZZ-ZZZZ-ZZ"

    @rule(
        index=indexes,
        who=st.sampled_from(["phone", "phone", "bot", "staff"]),
        unknown=st.sampled_from([False, False, False, True]),
        lower=st.booleans(),
    )
    def scan(self, index, who, unknown, lower):
        """A request to a pin URL through the app's scan door."""
        code = self.pin_code(index, unknown)
        pin = self.db.session.scalar(select(Pin).where(Pin.code == code))
        client = getattr(self, who)
        if who == "staff":
            self.sign_in_staff(index)
        response = client.get(f"/p/{code.lower() if lower else code}")
        if pin is None:
            assert response.status_code in (404, 429), response.status_code
            return
        assert response.status_code == (302 if pin.status == "active" else 410)
        kind = self.db.session.scalar(select(Scan.kind).order_by(Scan.id.desc()).limit(1))
        live = self.staff_token is not None and self.staff_token not in self.revoked
        expected = {"phone": "human", "bot": "bot", "staff": "test" if live else "human"}[who]
        assert kind == expected, (who, kind, self.staff_token, self.revoked)

    def sign_in_staff(self, index: int) -> None:
        """The staff browser signs in once, with a live organiser or stand token if any."""
        if self.staff_token is not None:
            return
        token = self.nth(ApiToken, index, ApiToken.role.in_(["organiser", "stand"]))
        if token is None or token.id in self.revoked or token.expires_at:
            return
        form = self.staff.get("/staff")
        answer = self.staff.post(
            "/staff", data={"token": self.secrets[token.id], "csrf_token": csrf_from(form)}
        )
        assert answer.status_code in (200, 302, 303), answer.status_code
        self.staff_token = token.id

    @rule(index=indexes, who=st.sampled_from(["phone", "bot"]), company=st.none() | indexes)
    def land_and_click(self, index, who, company):
        code = self.pin_code(index, False)
        client = getattr(self, who)
        landed = client.get(f"/l/{code}")
        pin = self.db.session.scalar(select(Pin).where(Pin.code == code))
        assert landed.status_code == (
            404 if pin is None else 200 if pin.status == "active" else 410
        )
        chosen = None if company is None else self.nth(Company, company)
        query = "" if chosen is None else f"?company={chosen.id}"
        clicked = client.get(f"/go/{code}{query}")
        assert clicked.status_code in (302, 404), clicked.status_code

    @rule(
        stand=indexes,
        pin=indexes,
        how=st.sampled_from(["self", "self-test", "staff", "staff-url"]),
        day=st.integers(0, 3),
        minute=st.integers(0, 8 * 60),
    )
    def stamp(self, stand, pin, how, day, minute):
        """A stamp at the poster or by stand staff, online, on one of the fair's days."""
        stand, pin = self.nth(Stand, stand), self.nth(Pin, pin)
        if stand is None or pin is None:
            return
        now = self.fair_moment(stand.event, day, minute)
        made = self.stamp_at(stand, pin, how, now)
        if stand.retired_at is not None:
            assert made is None and self.last_refusal == "stand_retired", made
        elif made is not None and made.created:  # a test stamp may meet its rehearsal's row
            assert not made.rehearsal

    def stamp_at(self, stand: Stand, pin: Pin, how: str, now: datetime):
        if how.startswith("self"):
            return self.attempt(stamps.self_stamp, stand.code, pin.code, how == "self-test", now)
        ref = f"https://pins.example.org/P/{pin.code}" if how == "staff-url" else pin.code
        return self.attempt(stamps.staff_stamp, stand.id, ref, now)

    @rule(
        stand=indexes,
        pin=indexes,
        how=st.sampled_from(["self", "staff"]),
        days=st.sampled_from([-30, -1, 1, 60]),
        minute=st.integers(0, 24 * 60 - 1),
    )
    def rehearse(self, stand, pin, how, days, minute):
        """A stamp before or after the fair's days: accepted as a rehearsal, never counted."""
        stand, pin = self.nth(Stand, stand), self.nth(Pin, pin)
        if stand is None or pin is None:
            return
        event = stand.event
        day = event.starts_on + timedelta(days=days) if days < 0 else event.ends_on
        day += timedelta(days=days if days > 0 else 0)
        moment = datetime.combine(day, time()) + timedelta(minutes=minute)
        made = self.stamp_at(stand, pin, how, moment.replace(tzinfo=ZoneInfo(event.timezone)))
        if made is not None and made.created:
            assert made.rehearsal, made

    @rule(
        stand=indexes,
        items=st.lists(
            st.tuples(indexes, st.sampled_from(["n1", "n2", "n3", None]), st.integers(-3, 3)),
            min_size=1,
            max_size=4,
        ),
        minute=st.integers(0, 8 * 60),
    )
    def offline_replay(self, stand, items, minute):
        """Scans kept offline with a nonce, sent in a batch and sent again."""
        stand = self.nth(Stand, stand)
        if stand is None or self.nth(Pin, 0) is None:
            return
        now = self.fair_moment(stand.event, 0, minute)
        visits = [
            {
                "pin": self.nth(Pin, index).code,
                "nonce": None if nonce is None else f"{nonce}-{stand.id}",
                "scanned_at": now + timedelta(days=days),  # two days off is outside the fair
            }
            for index, nonce, days in items
        ]
        first = stamps.staff_stamp_batch(stand.id, visits, now)
        again = stamps.staff_stamp_batch(stand.id, visits, now + timedelta(minutes=5))
        assert len(first.results) == len(again.results) == len(visits)
        assert again.created == 0, again.results
        for result in first.results + again.results:
            if result["status"] == "refused":
                error = result["error"]
                assert isinstance(error, DomainError) and 400 <= error.status < 500

    @rule(
        pin=indexes,
        named=st.sampled_from([*NAMED_BEFORE, "7", ""]),
        known=st.none() | st.lists(indexes, max_size=3),
        is_test=st.booleans(),
        day=st.integers(0, 3),
        minute=st.integers(0, 8 * 60),
    )
    def answer(self, pin, named, known, is_test, day, minute):
        pin = self.nth(Pin, pin)
        if pin is None:
            return
        now = self.fair_moment(pin.batch.event, day, minute)
        if known is not None:
            known = [self.nth(Company, n).id for n in known if self.nth(Company, n)]
        self.attempt(survey.answer_survey, pin.code, named, known, is_test, now)

    # -- exports --------------------------------------------------------------------------

    @rule(
        index=indexes,
        kind=st.sampled_from(["csv", "xlsx", "zip", "json"]),
        lang=st.sampled_from([*LANGUAGES, "de"]),
        table=st.sampled_from(list(TABLES)),
        exact=st.booleans(),
        channel=st.none() | st.sampled_from(["ut-desk", "saxion"]),
        since=st.none() | st.sampled_from(["2026-02-17", "2026-02-18T10:00", "2026-13-01"]),
        batch=st.none() | indexes,
    )
    def export(self, index, kind, lang, table, exact, channel, since, batch):
        """A funnel file, perhaps of one channel or batch (another edition's is refused)."""
        event = self.nth(Event, index)
        if event is None:
            return
        chosen = None if batch is None else self.nth(Batch, batch)
        made = self.attempt(
            reports.export_file,
            event.slug,
            kind,
            exact,
            lang,
            table,
            channel=channel,
            batch_id=chosen.id if chosen else None,
            since=since,
        )
        if made is not None:
            assert made.name.startswith(event.slug) and made.name.endswith(f".{kind}")
            opens(made.name, made.body)

    # -- after every step -----------------------------------------------------------------

    def picture_unchanged(self) -> bool:
        self.db.session.rollback()
        return picture(self.db) == self.before

    @invariant()
    def every_change_has_its_audit_row(self):
        self.db.session.rollback()  # read what is committed, not what this session cached
        now = picture(self.db)
        entries = self.db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > self.last_audit).order_by(AuditEntry.id)
        ).all()
        written = Counter((e.action.split(".")[0], e.before is None) for e in entries)
        removed = Counter(e.action.split(".")[0] for e in entries if e.after is None)
        minted = sum(e.after["size"] for e in entries if e.action == "batch.create")
        for noun in AUDITED:
            old, new = self.before[noun], now[noun]
            created = len(new.keys() - old.keys())
            changed = sum(1 for key in new.keys() & old.keys() if new[key] != old[key])
            deleted = len(old.keys() - new.keys())
            assert deleted == removed[noun], (
                f"{deleted} {noun} rows deleted, {removed[noun]} audited"
            )
            if noun == "pin":  # pins are created by their batch, audited as batch.create
                assert created == minted, (created, minted)
            else:
                assert written[(noun, True)] == created, (noun, created, entries)
            assert written[(noun, False)] - removed[noun] == changed, (noun, changed, entries)
        assert written[("batch", False)] == 0
        self.before = now
        self.last_audit = entries[-1].id if entries else self.last_audit

    @invariant()
    def the_funnel_equals_the_tables(self):
        for event in self.db.session.scalars(select(Event)):
            figures = reports.event_figures(event.slug, exact=True)
            counted = counted_from_tables(self.db, event.id)
            stages = {row.stage: row.pins for row in figures.stages}
            assert list(stages) == list(STAGES)
            assert stages == {stage: counted[stage] for stage in STAGES}, (stages, counted)
            for name, value in figures.excluded.items():
                if name in counted:
                    assert value == counted[name], (name, value, counted[name])

    @invariant()
    def every_token_was_handed_out(self):
        for row in self.db.session.scalars(select(ApiToken)):
            assert row.id in self.secrets, f"token #{row.id} was never handed out"
            secret = self.secrets[row.id]
            assert row.token_hash == tokens.hash_token(secret)
            assert (row.revoked_at is None) == (row.id not in self.revoked)
            if row.is_live(utcnow()):
                assert tokens.authenticate(secret).id == row.id
            else:
                try:
                    tokens.authenticate(secret)
                except Unauthorized:
                    continue
                raise AssertionError(f"token #{row.id} is not live and still works")

    def teardown(self):
        """Every edition's files open, in every format, exact and as a viewer sees them."""
        for slug in self.db.session.scalars(select(Event.slug)).all():
            for kind in ("csv", "xlsx", "zip", "json"):
                for exact, lang in ((True, "en"), (False, "nl")):
                    made = reports.export_file(slug, kind, exact, lang)
                    opens(made.name, made.body)
        empty_database(self.app)


def test_an_organisers_season_keeps_its_promises(app, db):
    run_state_machine_as_test(
        lambda: Season(app, db),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_a_season_starts_on_empty_tables(app, db, make):
    """Each example starts from nothing, whatever the one before it left."""
    make.stand()
    Season(app, db)
    assert db.session.scalar(select(Stand.id)) is None
