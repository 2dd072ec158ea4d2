"""Schemathesis over the whole OpenAPI document, as an organiser, a viewer and a stand.

Every operation gets a fixed number of generated requests (derandomised, so a
failure reproduces); each is sent with each role's token and must get no 5xx
and no answer the document does not describe. The fair is a real one (several
editions, many stands, companies and batches, played by students), and ids in
paths, bodies and queries are drawn from its rows, so requests reach the use
cases and collide with what is stored rather than stopping at a 404 (unknown
ids are tested by hand in test_api_bad_input.py).
``make fuzz`` runs the same with a longer budget (SPELD_FUZZ_EXAMPLES).
"""

import os
import re
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from backend.models import Batch
from backend.services import pins, simulation, tokens
from backend.services.pins import MAX_BATCH

EXAMPLES = int(os.environ.get("SPELD_FUZZ_EXAMPLES", "6"))  # per operation and mode
ROLES = ("organiser", "viewer", "stand")
RELEASED = re.compile(r"/funnel|/export|/years")  # what a viewer gets as a finite release
# No 5xx, and status, content type, headers and body as the document says. Not Schemathesis'
# "valid data is accepted": the document cannot state rules across fields or rows (dates in
# order, a known time zone, a company that exists), so a 422 there is right.
# Requests outside the document (wrong types, missing fields, out of range) must be a 4xx.
MODES = {
    GenerationMode.POSITIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ],
    GenerationMode.NEGATIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        negative_data_rejection,
    ],
}


EDITIONS = 3
STANDS = 8  # per edition; the same labels at every edition, companies rotated between them
STUDENTS = 12  # per edition, played through the fair by the simulation


@pytest.fixture
def fuzz_world(app, make, db):
    """A real fair, and for each name in the document the rows that exist under it.

    Several editions, each with stands of companies that also stand at the other
    editions under the same labels, batches in two channels, students who scanned,
    stamped and answered, a void pin, and a token of each role. ``path`` holds the
    values of each path parameter and ``fields`` a strategy for each body or query
    field that names a row, so that generated requests reach existing rows (and
    collide with them: another stand's label or company, a taken slug).
    """
    companies = [make.company(name=f"Fuzz Company {n:02d}") for n in range(STANDS + 4)]
    events, stands, batches = [], [], []
    for edition in range(EDITIONS):
        event = make.event(
            slug=f"fuzz-{2026 + edition}",
            starts_on=date(2026 + edition, 2, 18),
            ends_on=date(2026 + edition, 2, 19),
        )
        events.append(event)
        for n in range(STANDS):
            company = companies[(n + edition) % len(companies)]
            zone = "twente-plaza" if n < STANDS - 2 else "main-hall"
            stands.append(make.stand(event, company, label=f"TP-{n + 1:02d}", zone=zone))
        batches += [make.batch(event, size=3, channel=c) for c in ("ut-desk", "saxion")]
        simulation.simulate(event.slug, STUDENTS, seed=2026 + edition)
    batches = db.session.scalars(select(Batch).order_by(Batch.id)).all()
    codes = [code for batch in batches for code in list(pins.iter_pin_codes(batch.id))[:3]]
    void = pins.void_pin(codes[1], "lost at the fuzz fair").code
    # Tokens of their own for the revoke endpoint: revoking the organiser's would end the run.
    victims = [tokens.create_token("viewer", f"revoked by the fuzzer {n}")[0] for n in range(3)]
    slugs = [event.slug for event in events]
    ids = {
        "company_id": [c.id for c in companies],
        "stand_id": [s.id for s in stands],
        "batch_id": [b.id for b in batches],
    }
    return {
        "path": {
            "slug": slugs,
            "code": [*codes, void],
            "token_id": [t.id for t in victims],
            **ids,
        },
        "fields": {
            "company_id": st.sampled_from(ids["company_id"]),
            "stand_id": st.sampled_from(ids["stand_id"]),
            "batch": st.sampled_from(ids["batch_id"]),
            "label": st.sampled_from(sorted({s.label for s in stands})),
            "zone": st.sampled_from(sorted({s.zone for s in stands})),
            "channel": st.sampled_from(sorted({b.channel for b in batches})),
            "slug": st.sampled_from(slugs),
            "name": st.sampled_from([c.name for c in companies]),
            "pin": st.sampled_from([*codes, void]),
            "known_before": st.lists(st.sampled_from(ids["company_id"]), max_size=4),
            "events": st.lists(st.sampled_from(slugs), min_size=1, max_size=3).map(",".join),
            "since": st.sampled_from(["2026-02-18", "2027-02-18T10:00", "2028-02-19T09:00Z"]),
            "until": st.sampled_from(["2026-02-19", "2027-02-19T16:00", "2028-02-20"]),
        },
        "tokens": {
            role: make.token(role, stands[0] if role == "stand" else None) for role in ROLES
        },
    }


def _reaching_rows(strategy, world, mode):
    """The operation's cases with their ids drawn from the fair's rows.

    Path parameters always name a row. Inside the document, each body or query field
    that names a row does so half the time (the other half keeps what Schemathesis
    made); outside it nothing is replaced, so an invalid value stays invalid.
    """

    @st.composite
    def cases(draw):
        case = draw(strategy)
        for name in case.path_parameters or {}:
            case.path_parameters[name] = draw(st.sampled_from(world["path"][name]))
        if mode is GenerationMode.POSITIVE:
            items = case.body.get("visits") if isinstance(case.body, dict) else None
            for values in (case.query, case.body, *(items if isinstance(items, list) else [])):
                if isinstance(values, dict):
                    for key in values.keys() & world["fields"].keys():
                        if draw(st.booleans()):
                            values[key] = draw(world["fields"][key])
        return case

    return cases()


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _call_as_every_role(case, world, checks) -> None:
    size = case.body.get("size") if isinstance(case.body, dict) else None
    if type(size) is int and 5 < size <= MAX_BATCH:
        case.body["size"] = 5  # minting 50,000 valid pins is slow and not the point
    # Outside the document, a viewer's or a stand's write stops at 403 before any parsing:
    # those requests are sent as an organiser only, which halves the run.
    roles = ROLES if checks is MODES[GenerationMode.POSITIVE] else ("organiser",)
    if RELEASED.search(case.operation.path):
        # A viewer's figures gather and decide the whole release on every request whose data
        # changed (the fuzzing writes between calls): about two seconds each here. The viewer
        # asks for all of them through the API in tests/test_suppression_attack.py.
        roles = tuple(role for role in roles if role != "viewer")
    for role in roles:
        token = world["tokens"][role]
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)


def _fuzz(strategy, world, checks) -> None:
    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case):
        _call_as_every_role(case, world, checks)

    run()


def test_api_answers_as_documented_for_every_role(app, fuzz_world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, tested = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        names = [p.name for p in operation.path_parameters]
        known = {name: fuzz_world["path"][name][0] for name in names}
        for mode, checks in MODES.items():
            # The token is fixed for the negative run: a request without one says nothing.
            headers = {"Authorization": f"Bearer {fuzz_world['tokens']['organiser']}"}
            strategy = operation.as_strategy(mode, path_parameters=known, headers=headers)
            strategy = _reaching_rows(strategy, fuzz_world, mode)
            try:
                _fuzz(strategy, fuzz_world, checks)
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE and not operation.query  # nothing to negate
            except (Exception, BaseExceptionGroup) as error:  # every failing operation reported
                failures.append(f"{operation.label} ({mode}): {error}")
        tested += 1
    assert tested >= 25, "the document lists fewer operations than the API has"
    assert not failures, "\n\n".join(failures)
