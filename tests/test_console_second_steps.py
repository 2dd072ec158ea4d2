"""The console's second steps: stands moved, removed or retired; refused forms come back as typed.

Every change ends on a page that says what happened, in the reader's language;
every refusal shows the form again with what was typed and the reason beside the field.
"""

import html as html_module
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from backend.models import AuditEntry, Batch, Company, Event, Stand
from backend.models.types import utcnow
from backend.services.stamps import staff_stamp
from tests.test_console import NEW_EVENT, post
from tests.test_dashboard import csrf_from, sign_in

NOTICE = re.compile(r'<p class="notice" role="status" data-testid="notice">([^<]*)</p>')


def notices(response) -> list[str]:
    return [html_module.unescape(n) for n in NOTICE.findall(response.get_data(as_text=True))]


def value_of(html: str, name: str) -> str:
    """The value an input of the page holds."""
    found = re.search(rf'<input id="{name}" name="{name}"[^>]*value="([^"]*)"', html)
    return html_module.unescape(found[1]) if found else ""


def options(html: str) -> list[str]:
    """The companies a page's picker offers (none when the form is not there)."""
    if '<select id="company_id"' not in html:
        return []
    select_ = html.split('<select id="company_id"')[1].split("</select>")[0]
    return [html_module.unescape(o) for o in re.findall(r"<option [^>]*>([^<]*)</option>", select_)]


@pytest.fixture
def organiser(client, make):
    assert sign_in(client, make.token("organiser")).status_code == 303
    return client


@pytest.fixture
def fair(make):
    event = make.event(starts_on=date.today(), ends_on=date.today())
    a = make.stand(event=event, label="TP-01", company=make.company(name="Alfa BV"))
    b = make.stand(event=event, label="TP-02", company=make.company(name="Beta BV"))
    return event, a, b


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_stand_is_moved_to_another_label_and_zone_by_its_name(organiser, fair, db, lang):
    event, a, _ = fair
    page = f"/console/stands/{a.id}?lang={lang}"
    form = organiser.get(page).get_data(as_text=True)
    assert value_of(form, "label") == "TP-01" and value_of(form, "zone") == "Twente Plaza"
    zone = "Grote zaal" if lang == "nl" else "Main hall"
    data = {"company_id": a.company_id, "label": "GZ-01", "zone": zone}
    moved = post(organiser, page, data, page)
    assert moved.status_code == 303
    assert moved.headers["Location"].endswith(f"/console/{event.slug}/stands")
    stands_page = organiser.get(f"/console/{event.slug}/stands?lang={lang}")
    said = (
        "Stand GZ-01 van Alfa BV opgeslagen." if lang == "nl" else "Stand GZ-01 of Alfa BV saved."
    )
    assert notices(stands_page) == [said]
    assert notices(organiser.get(f"/console/{event.slug}/stands")) == []  # said once
    db.session.expire_all()
    assert (db.session.get(Stand, a.id).label, db.session.get(Stand, a.id).zone) == (
        "GZ-01",
        "main-hall",
    )
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stand.update")).one()
    assert entry.after == {"label": "GZ-01", "zone": "main-hall"}


@pytest.mark.parametrize(
    "lang,said",
    [("nl", "Deze editie heeft al een stand met dit label"), ("en", "already has a stand")],
)
def test_a_taken_label_comes_back_as_typed_with_the_reason_and_changes_nothing(
    organiser, fair, db, lang, said
):
    _, a, _ = fair
    page = f"/console/stands/{a.id}?lang={lang}"
    data = {"company_id": a.company_id, "label": "TP-02", "zone": "Grote zaal"}
    refused = post(organiser, page, data, page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'data-testid="problem"' in html and said in html
    assert value_of(html, "label") == "TP-02" and value_of(html, "zone") == "Grote zaal"
    beside = html.split('id="label-problem" data-problem="label">')[1].split("</span>")[0]
    assert beside == (
        "Een andere stand in deze editie heeft dit label al."
        if lang == "nl"
        else "Another stand in this edition has this label."
    )
    db.session.expire_all()
    assert db.session.get(Stand, a.id).label == "TP-01"


def test_a_refused_zone_is_shown_beside_the_field_as_typed(organiser, fair, db):
    _, a, _ = fair
    page = f"/console/stands/{a.id}?lang=en"
    data = {"company_id": a.company_id, "label": "TP-01", "zone": "Hoofdhal"}
    refused = post(organiser, page, data, page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert value_of(html, "zone") == "Hoofdhal"
    assert 'aria-describedby="zone-problem"' in html
    beside = html_module.unescape(html.split('id="zone-problem" data-problem="zone">')[1])
    assert beside.startswith("A zone's name or short name")
    assert db.session.get(Stand, a.id).zone == "twente-plaza"


def test_the_pickers_offer_only_companies_without_a_stand_here(organiser, fair, make):
    event, a, _ = fair
    make.company(name="Gamma BV")
    make.stand(company=make.company(name="Delta BV"))  # a stand at another edition only
    assign = organiser.get(f"/console/{event.slug}/stands").get_data(as_text=True)
    assert options(assign) == ["Delta BV", "Gamma BV"]
    edit = organiser.get(f"/console/stands/{a.id}").get_data(as_text=True)
    assert options(edit) == ["Alfa BV", "Delta BV", "Gamma BV"]
    assert f'<option value="{a.company_id}" selected>Alfa BV</option>' in edit


def test_a_stand_is_given_to_another_company(organiser, fair, make, db):
    _, a, _ = fair
    gamma = make.company(name="Gamma BV")
    page = f"/console/stands/{a.id}"
    data = {"company_id": gamma.id, "label": "TP-01", "zone": "twente-plaza"}
    assert post(organiser, page, data, page).status_code == 303
    db.session.expire_all()
    assert db.session.get(Stand, a.id).company.name == "Gamma BV"


def test_a_stand_without_visits_is_removed_with_a_confirmation(organiser, fair, db):
    event, _, b = fair
    page = f"/console/stands/{b.id}?lang=nl"
    assert "Stand verwijderen" in organiser.get(page).get_data(as_text=True)
    removed = post(organiser, f"/console/stands/{b.id}/delete?lang=nl", {}, page)
    assert removed.status_code == 303
    assert notices(organiser.get(removed.headers["Location"])) == [
        "Stand TP-02 van Beta BV verwijderd."
    ]
    assert db.session.get(Stand, b.id) is None
    assert db.session.scalar(select(func.count()).select_from(Company)) == 2
    again = organiser.get(f"/console/{event.slug}/stands").get_data(as_text=True)
    assert "Beta BV" in options(again)


def test_a_stand_with_visits_is_retired_not_removed(organiser, fair, make, db):
    event, a, _ = fair
    staff_stamp(a.id, make.pin_codes(event, size=1)[0], utcnow())
    page = f"/console/stands/{a.id}?lang=en"
    html = organiser.get(page).get_data(as_text=True)
    assert "Remove the stand" not in html and "This stand has 1 visit." in html
    refused = post(organiser, f"/console/stands/{a.id}/delete?lang=en", {}, page)
    assert refused.status_code == 409
    assert "cannot be removed; retire it instead" in refused.get_data(as_text=True)
    retired = post(organiser, f"/console/stands/{a.id}/retire?lang=en", {}, page)
    assert retired.status_code == 303
    listing = organiser.get(f"/console/{event.slug}/stands?lang=en")
    assert notices(listing) == [
        "Stand TP-01 of Alfa BV is retired; its 1 visit stays in the figures."
    ]
    html = listing.get_data(as_text=True)
    plaza = html.split('data-testid="stands-1"')[1].split("</table>")[0]
    assert "Alfa BV" not in plaza
    assert "Alfa BV" in html.split('data-testid="stands-retired"')[1].split("</table>")[0]
    assert options(html) == []  # a retired stand still holds its company
    assert "Every company already has a stand in this edition." in html
    assert db.session.get(Stand, a.id).retired_at is not None
    back = post(organiser, f"/console/stands/{a.id}/reinstate?lang=en", {}, page)
    assert notices(organiser.get(back.headers["Location"] + "?lang=en")) == [
        "Stand TP-01 of Alfa BV is back in the fair."
    ]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("stand.%")).order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == ["stand.retire", "stand.reinstate"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_refused_edition_form_keeps_what_was_typed(organiser, db, lang):
    typed = {**NEW_EVENT, "name": "BDT <2027> & co", "timezone": "Mars/Olympus"}
    refused = post(organiser, f"/console/events?lang={lang}", typed)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for name in ("slug", "name", "starts_on", "ends_on", "timezone", "portal_url"):
        assert value_of(html, name) == typed[name], name
    assert 'id="timezone-problem" data-problem="timezone"' in html
    said = "Een bestaande tijdzone" if lang == "nl" else "A time zone that exists"
    assert said in html.split('id="timezone-problem"')[1].split("</span>")[0]
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    made = post(
        organiser, f"/console/events?lang={lang}", {**typed, "timezone": "Europe/Amsterdam"}
    )
    confirmation = notices(organiser.get(made.headers["Location"] + f"?lang={lang}"))
    assert confirmation == [
        "Editie BDT <2027> & co aangemaakt." if lang == "nl" else "Edition BDT <2027> & co created."
    ]


def test_a_refused_company_form_keeps_its_name_and_tick(organiser, db):
    refused = post(
        organiser,
        "/console/companies?lang=en",
        {"name": "Kapot BV", "is_twente": "1", "portal_url": "htps//kapot"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert value_of(html, "name") == "Kapot BV" and value_of(html, "portal_url") == "htps//kapot"
    assert 'name="is_twente" value="1" checked' in html
    assert 'data-problem="portal_url"' in html
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


@pytest.mark.parametrize(
    "lang,said",
    [
        (
            "nl",
            "200 pins gemaakt in batch UT desk dag 1 (kanaal ut-desk). De bestanden staan hieronder.",
        ),
        ("en", "200 pins made in batch UT desk dag 1 (channel ut-desk). The files are below."),
    ],
)
def test_minting_says_what_was_made_and_a_refused_batch_keeps_its_form(
    organiser, make, db, lang, said
):
    event = make.event()
    page = f"/console/{event.slug}/batches?lang={lang}"
    # "UT Desk" is the channel ut-desk; a slash is no part of any channel's code.
    bad = {"label": "UT desk dag 1", "channel": "UT/Desk", "size": "200", "diameter_mm": "32"}
    refused = post(organiser, page, bad, page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert [value_of(html, n) for n in ("label", "channel", "size", "diameter_mm")] == [
        "UT desk dag 1",
        "UT/Desk",
        "200",
        "32",
    ]
    assert 'data-problem="channel"' in html and "Dat ging niet" not in html
    assert db.session.scalar(select(func.count()).select_from(Batch)) == 0
    made = post(organiser, page, {**bad, "channel": "ut-desk"}, page)
    assert made.status_code == 303 and "made=" not in made.headers["Location"]
    assert notices(organiser.get(made.headers["Location"])) == [said]


@pytest.mark.parametrize(
    "path", ["/console/stands/{id}", "/console/stands/{id}/delete", "/console/stands/{id}/retire"]
)
@pytest.mark.parametrize("role,expected", [(None, 302), ("viewer", 403)])
def test_only_organisers_change_stands(client, make, db, path, role, expected):
    stand = make.stand()
    if role:
        sign_in(client, make.token(role))
    token = csrf_from(client.get("/staff"))
    data = {"company_id": stand.company_id, "label": "X-1", "csrf_token": token}
    assert client.post(path.format(id=stand.id), data=data).status_code == expected
    db.session.expire_all()
    assert db.session.get(Stand, stand.id).label == stand.label


@pytest.mark.parametrize(
    "lang,voided,again",
    [
        ("nl", "Pin {code} is ongeldig gemaakt.", "Deze pin is al ongeldig."),
        ("en", "Pin {code} is void.", "That pin is void already."),
    ],
)
def test_a_pin_s_void_form_keeps_its_reason_and_says_what_happened(
    organiser, make, db, lang, voided, again
):
    from qr import codes

    code = make.pin_codes(size=1)[0]
    page = f"/console/pins?code={code}&lang={lang}"
    too_long = "verloren " * 30
    refused = post(organiser, f"/console/pins/{code}/void?lang={lang}", {"reason": too_long}, page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'data-problem="reason"' in html
    assert value_of(html, "reason") == too_long.strip()
    done = post(organiser, f"/console/pins/{code}/void?lang={lang}", {"reason": "lost"}, page)
    assert done.status_code == 303
    landed = organiser.get(done.headers["Location"] + f"&lang={lang}")
    assert notices(landed) == [voided.format(code=codes.display(code))]
    twice = post(organiser, f"/console/pins/{code}/void?lang={lang}", {"reason": "x"}, page)
    assert twice.status_code == 409 and again in twice.get_data(as_text=True)
    assert 'data-testid="pin"' in twice.get_data(as_text=True)  # on the pin's own page


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_refused_token_form_keeps_what_was_typed_and_offers_no_retired_stand(
    organiser, fair, db, lang
):
    from backend.models import ApiToken
    from backend.services import stands

    event, a, b = fair
    stands.retire_stand(b.id)
    before = db.session.scalar(select(func.count()).select_from(ApiToken))
    page = f"/console/tokens?lang={lang}"
    form = {"role": "stand", "stand_id": "", "label": "Tablet TP-01", "expires_at": ""}
    refused = post(organiser, page, form, page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert value_of(html, "label") == "Tablet TP-01"
    assert 'data-problem="stand"' in html and '<option value="stand" selected>' in html
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == before
    picker = html.split('<select id="stand_id"')[1].split("</select>")[0]
    assert "TP-01" in picker and "TP-02" not in picker
