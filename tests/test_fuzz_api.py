"""Schemathesis over the whole OpenAPI document, as an organiser, a viewer and a stand.

Every operation gets a fixed number of generated requests (derandomised, so a
failure reproduces); each is sent with each role's token and must get no 5xx
and no answer the document does not describe. Path parameters name rows that
exist, so bodies and queries reach the use cases rather than stopping at a 404
(unknown ids are tested by hand in test_api_bad_input.py).
``make fuzz`` runs the same with a longer budget (SPELD_FUZZ_EXAMPLES).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
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

from backend.services import tokens
from backend.services.pins import MAX_BATCH

EXAMPLES = int(os.environ.get("SPELD_FUZZ_EXAMPLES", "6"))  # per operation and mode
ROLES = ("organiser", "viewer", "stand")
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


@pytest.fixture
def fuzz_world(app, make):
    """Rows for the path parameters, and a token of each role."""
    stand = make.stand()
    batch = make.batch(stand.event, size=2)
    # A token of its own for the revoke endpoint: revoking the organiser's would end the run.
    victim, _ = tokens.create_token("viewer", "revoked by the fuzzer")
    code = make.pin_codes(stand.event, size=1)[0]
    return {
        "path": {
            "slug": stand.event.slug,
            "company_id": stand.company_id,
            "stand_id": stand.id,
            "batch_id": batch.id,
            "code": code,
            "token_id": victim.id,
        },
        "tokens": {role: make.token(role, stand if role == "stand" else None) for role in ROLES},
    }


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
        known = {name: fuzz_world["path"][name] for name in names}
        for mode, checks in MODES.items():
            # The token is fixed for the negative run: a request without one says nothing.
            headers = {"Authorization": f"Bearer {fuzz_world['tokens']['organiser']}"}
            strategy = operation.as_strategy(mode, path_parameters=known, headers=headers)
            try:
                _fuzz(strategy, fuzz_world, checks)
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE and not operation.query  # nothing to negate
            except (Exception, BaseExceptionGroup) as error:  # every failing operation reported
                failures.append(f"{operation.label} ({mode}): {error}")
        tested += 1
    assert tested >= 25, "the document lists fewer operations than the API has"
    assert not failures, "\n\n".join(failures)
