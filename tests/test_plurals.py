"""Counts read correctly in both languages: 0 and 2 in the plural, 1 in the singular.

Every count a person reads is a message with a plural form (``N_plural``); these tests read
the pages as a person does, for counts of 0, 1 and 2, and the console's raw values in words.
"""

import html as html_module
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from backend.models import ApiToken, AuditEntry
from backend.models.types import utcnow
from backend.pages import console_strings, dashboard_strings, i18n, scanner_strings
from backend.services import survey, tokens
from backend.services.stamps import staff_stamp
from tests.test_company_import import companies, xlsx
from tests.test_console import NEW_EVENT, post
from tests.test_dashboard import sign_in


def text_of(response) -> str:
    """The page's text as a reader sees it: tags out, entities read."""
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response)))


@pytest.fixture
def organiser(client, make):
    assert sign_in(client, make.token("organiser")).status_code == 303
    return client


STAMP_CARD = {
    ("nl", 1): "0 van 1 Twentse stand bezocht",
    ("nl", 2): "0 van 2 Twentse stands bezocht",
    ("en", 1): "0 of 1 Twente stand visited",
    ("en", 2): "0 of 2 Twente stands visited",
}


@pytest.mark.parametrize(("lang", "stands"), list(STAMP_CARD))
def test_the_stamp_card_counts_its_stands(phone, make, lang, stands):
    event, _ = make.plaza(stands=stands)
    pin = make.pin_codes(event, size=1)[0]
    survey.skip_survey(pin, utcnow())  # else the page is the survey's first question
    page = phone.get(f"/l/{pin}?lang={lang}").get_data(as_text=True)
    assert STAMP_CARD[lang, stands] in page


RETIRE_NOTE = {
    ("nl", 0): "Deze stand heeft 0 bezoeken. Die blijven",
    ("nl", 1): "Deze stand heeft 1 bezoek. Dat blijft",
    ("nl", 2): "Deze stand heeft 2 bezoeken. Die blijven",
    ("en", 0): "This stand has 0 visits. They stay",
    ("en", 1): "This stand has 1 visit. It stays",
    ("en", 2): "This stand has 2 visits. They stay",
}


@pytest.mark.parametrize(("lang", "visits"), list(RETIRE_NOTE))
def test_a_stand_s_visits_are_counted_in_words(organiser, make, lang, visits):
    event = make.event(starts_on=date.today(), ends_on=date.today())
    stand = make.stand(event=event)
    for code in make.pin_codes(event, size=visits) if visits else []:
        staff_stamp(stand.id, code, utcnow())
    page = organiser.get(f"/console/stands/{stand.id}?lang={lang}").get_data(as_text=True)
    assert RETIRE_NOTE[lang, visits] in page


MADE_BATCH = {
    ("nl", 1): "1 pin gemaakt in batch B (kanaal ut-desk).",
    ("nl", 2): "2 pins gemaakt in batch B (kanaal ut-desk).",
    ("en", 1): "1 pin made in batch B (channel ut-desk).",
    ("en", 2): "2 pins made in batch B (channel ut-desk).",
}


@pytest.mark.parametrize(("lang", "size"), list(MADE_BATCH))
def test_a_new_batch_says_how_many_pins_it_holds(organiser, make, lang, size):
    event = make.event()
    page = f"/console/{event.slug}/batches?lang={lang}"
    form = {"label": "B", "channel": "ut-desk", "size": str(size)}
    made = post(organiser, page, form, page, follow_redirects=True)
    assert MADE_BATCH[lang, size] in made.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_audit_log_counts_its_entries(organiser, make, db, lang):
    said = {"nl": ("1 vermelding", "2 vermeldingen"), "en": ("1 entry", "2 entries")}[lang]
    assert db.session.scalar(select(AuditEntry.id).limit(2)) is not None  # the sign-in token's
    first = organiser.get(f"/console/audit?lang={lang}").get_data(as_text=True)
    assert re.search(rf'data-testid="audit-total">{said[0]}\b', first)
    make.event()
    second = organiser.get(f"/console/audit?lang={lang}").get_data(as_text=True)
    assert re.search(rf'data-testid="audit-total">{said[1]}\b', second)


def test_the_audit_log_shows_no_raw_value(organiser, make, db):
    """Actions, fields, roles, times and nothing as a person reads them, in the edition's zone."""
    make.event(timezone="Europe/Amsterdam")
    row, _ = tokens.create_token("viewer", "Gemeente")
    tokens.revoke_token(row.id)
    revoked = db.session.get(ApiToken, row.id).revoked_at
    dutch = text_of(organiser.get("/console/audit?lang=nl").get_data(as_text=True))
    for raw in ("token.revoke", "token.create", "revoked_at", "None", "role:", "+00:00"):
        assert raw not in dutch, raw
    assert "Token ingetrokken" in dutch and "Token aangemaakt" in dutch
    assert "Rol: kijker" in dutch and "Ingetrokken: —" in dutch and "Verloopt: —" in dutch
    assert "systeem" in dutch  # tokens made outside a request
    assert f"{revoked:%Y}" in dutch and f"{revoked.year}-" not in dutch
    english = text_of(organiser.get("/console/audit?lang=en").get_data(as_text=True))
    assert "Token revoked" in english and "Role: viewer" in english and "Revoked: —" in english
    assert post(organiser, "/console/events", NEW_EVENT).status_code == 303
    made = text_of(organiser.get("/console/audit?lang=nl").get_data(as_text=True))
    signed_in = db.session.scalars(select(ApiToken).where(ApiToken.role == "organiser")).one()
    assert f"{signed_in.label} (#{signed_in.id}, organisator) Editie aangemaakt" in made
    assert "Eerste dag: 17 feb 2027" in made  # a day, not 2027-02-17


def test_a_pin_s_history_is_in_words(organiser, phone, make):
    event = make.event()
    code = make.pin_codes(event, size=1)[0]
    phone.get(f"/p/{code}")
    dutch = text_of(organiser.get(f"/console/pins?code={code}&lang=nl").get_data(as_text=True))
    assert "Scan door een persoon" in dutch and "human" not in dutch
    english = text_of(organiser.get(f"/console/pins?code={code}&lang=en").get_data(as_text=True))
    assert "Scan by a person" in english and "human" not in english


@pytest.mark.parametrize(
    ("lang", "said"),
    [("nl", "Je bent ingelogd als kijker."), ("en", "You are signed in as viewer.")],
)
def test_a_refused_role_is_named_in_words(client, make, lang, said):
    assert sign_in(client, make.token("viewer")).status_code == 303
    refused = client.get(f"/console/?lang={lang}")
    assert refused.status_code == 403 and said in refused.get_data(as_text=True)


def test_a_refused_import_row_s_fields_are_named_for_a_screen_reader(organiser, make):
    event = make.event()
    page = f"/console/{event.slug}/import?lang=nl"
    data = xlsx([*companies(1), ["Bad URL BV", "ja", "ftp://x", "", ""]])
    preview = post(organiser, page, {"file": (io.BytesIO(data), "bedrijven.xlsx")}, page)
    labels = re.findall(r'aria-label="([^"]+)"', preview.get_data(as_text=True))
    fields = ["Naam", "Twents", "Portal-URL", "Stand", "Zone"]
    assert [label for label in labels if "regel" in label] == [f"{f}, regel 3" for f in fields]


TABLES = [i18n.TEXT, dashboard_strings.TEXT, console_strings.TEXT, scanner_strings.TEXT]
PLURALS = [
    (table, key) for table in TABLES for key, said in table.items() if isinstance(said, tuple)
]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("table", "key"), PLURALS, ids=[key for _, key in PLURALS])
def test_every_count_has_a_singular_for_one_and_a_plural_for_the_rest(app, table, key, lang):
    t = i18n.translator(lang, table)
    values = {"done": 0, "part": 0, "below": 5, "mark": "×", "label": "L", "company": "C"}
    values |= {"channel": "ut", "landed": "1%", "issued": "1%", "share": "1%", "before": "1%"}
    values |= {"now": "1%", "p": "0,5", "percent": "1%"}
    zero, one, seven = (t(key, **values, n=n) for n in (0, 1, 7))
    assert "7" in seven and seven.replace("7", "0") == zero  # 0 takes the plural, as 7 does
    assert one != seven.replace("7", "1")  # 1 takes its own form


@pytest.mark.parametrize(("lang", "said"), [("nl", "1.234 pins"), ("en", "1,234 pins")])
def test_a_count_is_written_in_the_reader_s_number_format(app, lang, said):
    t = i18n.translator(lang, console_strings.TEXT)
    assert t("made_batch", n=1234, label="B", channel="ut").startswith(said)


def test_a_hidden_count_reads_as_a_dash_in_the_plural(app):
    t = i18n.translator("en", dashboard_strings.TEXT)
    said = t("exposed_note", n=None, share="—")
    assert said.startswith("— answers came after a stand visit")


@pytest.mark.parametrize(
    ("lang", "said"), [("nl", "18 feb 2026 – 19 feb 2026"), ("en", "Feb 18, 2026 – Feb 19, 2026")]
)
def test_an_edition_s_days_are_written_in_the_reader_s_language(organiser, make, lang, said):
    event = make.event(starts_on=date(2026, 2, 18), ends_on=date(2026, 2, 19))
    for path in ("/dashboard/", f"/dashboard/{event.slug}"):
        assert said in organiser.get(f"{path}?lang={lang}").get_data(as_text=True)
    assert "2026-02-18 –" not in organiser.get(f"/dashboard/?lang={lang}").get_data(as_text=True)
