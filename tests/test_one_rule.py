"""One rule per value: API, CLI, console and import accept and refuse the same values.

Each door below turns (field, value) into the request that door takes and says
whether the value was accepted; a door is tried only with the fields it has
(the CLI makes batches, the import companies and stands). Every value gets
the same answer from every door that takes it: the one in CASES.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from backend.errors import InvalidInput
from backend.models import AuditEntry, Stand
from backend.models.zones import ZONE_NAMES
from backend.services import company_import, rules
from tests.test_console import post
from tests.test_dashboard import sign_in

CASES = [
    # field, value, accepted
    ("channel", "ut-desk", True),
    ("channel", "UT Desk", True),  # stored as its code, ut-desk
    ("channel", "ut--desk", True),
    ("channel", "UT Desk!", False),
    ("channel", "x" * 41, False),
    ("stand", "TP-01", True),
    ("stand", "TP 01", False),
    ("stand", "-TP", False),
    ("stand", "T" * 21, False),
    ("zone", "main-hall", True),
    ("zone", "Twente Plaza", True),
    ("zone", "Grote zaal", True),
    ("zone", "Main hall", True),
    ("zone", "food-court", True),
    ("zone", "Hoofdhal", False),
    ("zone", "Food Court", False),
    ("zone", "twente_plaza", False),
    ("portal_url", "https://www.twente.com/x", True),
    ("portal_url", "javascript:alert(1)", False),
    ("portal_url", "ftp://files.example.nl", False),
    ("portal_url", "https://", False),
    ("portal_url", "www.twente.com", True),  # stored as https://www.twente.com
    ("portal_url", "twente.com:evil", False),
    ("name", "Demcon Multiphysics", True),
    ("name", "Bell\x07 BV", False),
    ("name", "N" * 121, False),
    ("slug", "bdt-2031", True),
    ("slug", "Bad Slug", False),
    ("slug", "bdt_2031", False),
    ("label", "Dag 1", True),
    ("label", "Dag\x1b1", False),
    ("label", "x" * 81, False),
]


@pytest.fixture
def doors(app, client, runner, make, tmp_path, db):
    event = make.event()
    company = make.company()  # made here, so a door's audit entries are its own
    organiser_token = make.token("organiser")
    headers = {"Authorization": f"Bearer {organiser_token}"}
    sign_in(client, organiser_token)
    counter = iter(range(10_000))

    def api(field, value):
        n = next(counter)
        if field == "channel":
            body = {"label": f"B{n}", "channel": value, "size": 1}
            return client.post(f"/api/v1/events/{event.slug}/batches", json=body, headers=headers)
        if field == "label":
            body = {"label": value, "channel": "ut-desk", "size": 1}
            return client.post(f"/api/v1/events/{event.slug}/batches", json=body, headers=headers)
        if field in ("stand", "zone"):
            body = {"company_id": company.id, "label": f"S-{n}", "zone": "main-hall"}
            body["label" if field == "stand" else "zone"] = value
            return client.post(f"/api/v1/events/{event.slug}/stands", json=body, headers=headers)
        if field in ("portal_url", "name"):
            body = {"name": f"Co {n}", field: value}
            return client.post("/api/v1/companies", json=body, headers=headers)
        body = {"slug": value, "name": "x", "starts_on": "2031-02-01", "ends_on": "2031-02-02"}
        body["portal_url"] = "https://www.twente.com"
        return client.post("/api/v1/events", json=body, headers=headers)

    def cli(field, value):
        n = next(counter)
        label, channel = (f"C{n}", value) if field == "channel" else (value, "ut-desk")
        args = ["speld", "batch", "create", "--event", event.slug, "--size", "1"]
        args += ["--label", label, "--channel", channel, "--out", str(tmp_path / str(n))]
        return runner.invoke(args=args)

    def console(field, value):
        n = next(counter)
        if field in ("channel", "label"):
            data = {"label": f"K{n}", "channel": value, "size": "1"}
            if field == "label":
                data.update(label=value, channel="ut-desk")
            return post(client, f"/console/{event.slug}/batches", data)
        if field in ("stand", "zone"):
            data = {"company_id": company.id, "label": f"K-{n}", "zone": "main-hall"}
            data["label" if field == "stand" else "zone"] = value
            return post(client, f"/console/{event.slug}/stands", data)
        if field in ("portal_url", "name"):
            return post(client, "/console/companies", {"name": f"Kc {n}", field: value})
        data = {"slug": value, "name": "x", "starts_on": "2031-02-01", "ends_on": "2031-02-02"}
        data["portal_url"] = "https://www.twente.com"
        return post(client, "/console/events", data)

    def spreadsheet(field, value):
        n = next(counter)
        row = {"name": f"Imp {n}", "is_twente": "ja", "portal_url": "", "stand": "", "zone": ""}
        if field == "zone":
            row["stand"] = f"I-{n}"
        row[field] = value
        csv = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
        rows = company_import.read_table("a.csv", csv.encode())
        try:
            company_import.apply_import(event.slug, rows)
        except company_import.ImportRefused:
            return False
        return True

    return {"api": api, "cli": cli, "console": console, "import": spreadsheet}


def _accepted(door: str, answer) -> bool:
    if isinstance(answer, bool):
        return answer
    if door == "cli":
        assert answer.exit_code in (0, 1, 2), answer.output
        return answer.exit_code == 0
    assert answer.status_code < 500
    if answer.status_code >= 400:
        assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
    return answer.status_code < 400


DOOR_FIELDS = {
    "api": {"channel", "stand", "zone", "portal_url", "name", "slug", "label"},
    "cli": {"channel", "label"},
    "console": {"channel", "stand", "zone", "portal_url", "name", "slug", "label"},
    "import": {"stand", "zone", "portal_url", "name"},
}
RUNS = [(door, *case) for case in CASES for door in DOOR_FIELDS if case[0] in DOOR_FIELDS[door]]


@pytest.mark.parametrize(
    "door,field,value,accepted", RUNS, ids=[f"{d}:{f}={v!r}"[:48] for d, f, v, _ in RUNS]
)
def test_every_door_gives_the_same_answer(doors, db, door, field, value, accepted):
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert _accepted(door, doors[door](field, value)) is accepted
    after = db.session.scalar(select(func.count()).select_from(AuditEntry))
    # A refused value changes nothing, so it leaves no audit entry either.
    assert (after > before) is accepted


def test_every_value_goes_through_at_least_two_doors():
    for field, _, _ in CASES:
        assert sum(field in fields for fields in DOOR_FIELDS.values()) >= 2, field


# Every way the console writes a known zone, and the slug it stands for.
WRITTEN_ZONES = [(w, slug) for slug, names in ZONE_NAMES.items() for w in (slug, *names.values())]


@st.composite
def as_typed(draw):
    """A known zone's slug or display name as someone might type it: any case, any spacing."""
    written, slug = draw(st.sampled_from(WRITTEN_ZONES))
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in written)
    space = st.sampled_from([" ", "  ", "\t", "\u00a0"])
    typed = draw(space).join(cased.split(" "))
    return draw(st.sampled_from(["", " ", "\t"])) + typed + draw(st.sampled_from(["", "  "])), slug


@given(as_typed())
def test_a_known_zone_is_its_slug_however_it_is_typed(case):
    typed, slug = case
    assert rules.zone(typed) == slug


@given(st.text(max_size=50))
def test_any_other_zone_is_refused_or_a_slug_as_typed(text):
    try:
        stored = rules.zone(text)
    except InvalidInput as refused:
        assert list(refused.fields) == ["zone"]
        return
    assert stored in ZONE_NAMES or stored == text.strip()


ZONE_DOORS = ["api", "console", "import"]


@pytest.mark.parametrize("door", ZONE_DOORS)
@pytest.mark.parametrize("written,slug", WRITTEN_ZONES + [(" grote  ZAAL ", "main-hall")])
def test_every_door_stores_a_zone_by_its_slug(doors, db, door, written, slug):
    assert _accepted(door, doors[door]("zone", written))
    assert db.session.scalars(select(Stand.zone)).all() == [slug]


@given(st.text(alphabet=st.sampled_from("aBz09 _-\t"), min_size=1, max_size=30))
def test_a_typed_channel_becomes_one_code_whatever_its_case_and_spacing(typed):
    from backend.errors import InvalidInput
    from backend.models.types import SLUG_PATTERN
    from backend.services import rules

    try:
        code = rules.channel(typed)
    except InvalidInput:
        assert not any(c.isalnum() for c in typed)  # nothing but separators: nothing to keep
        return
    assert re.fullmatch(SLUG_PATTERN, code)
    assert rules.channel(code) == code  # a code is its own code
    assert rules.channel(typed.upper().replace(" ", "_")) == code


def test_ut_balie_is_stored_as_ut_balie_through_the_console_and_the_cli(
    client, runner, make, db, tmp_path
):
    from backend.models import Batch

    event = make.event()
    sign_in(client, make.token("organiser"))
    form = {"label": "Balie 1", "channel": "UT Balie", "size": "1"}
    assert post(client, f"/console/{event.slug}/batches", form).status_code == 303
    args = ["speld", "batch", "create", "--event", event.slug, "--size", "1", "--label", "Balie 2"]
    done = runner.invoke(args=[*args, "--channel", " Ut_Balie ", "--out", str(tmp_path)])
    assert done.exit_code == 0 and "(ut-balie)" in done.output, done.output
    assert set(db.session.scalars(select(Batch.channel))) == {"ut-balie"}
