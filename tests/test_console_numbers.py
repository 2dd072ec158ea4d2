"""The console reads numbers and searches with the rules the API uses (``services/validation.py``).

Where the console and the API take the same value (a list's page, a stand's company,
a batch's size), they take and refuse the same values: the console types numbers as
text into forms and query strings, the API as JSON numbers or query text.
"""

from hypothesis import assume, given
from hypothesis import strategies as st
from marshmallow import ValidationError

from backend.api.pin_schemas import BatchIn
from backend.api.schemas import PageQuery, StandIn
from backend.errors import InvalidInput
from backend.pages import console
from backend.services import pins, validation

# Text that looks like a number in every way people and programs write one.
NUMBERISH = st.one_of(
    st.integers(min_value=-10, max_value=10**12).map(str),
    st.sampled_from(["", " 1", "1 ", "+1", "1_0", "１", "²", "1.0", "1e3", "0x10", "007", "٣"]),
    st.text(alphabet="0123456789", min_size=1, max_size=12),
    st.text(max_size=12),
)


def api_page(text: str) -> int | None:
    try:
        return PageQuery().load({"page": text})["page"]
    except ValidationError:
        return None


@given(text=NUMBERISH)
def test_a_page_the_api_takes_is_the_console_s_page_and_any_other_is_page_one(app, text):
    with app.test_request_context(query_string={"page": text}):
        shown = console.page_number()
    assert shown == (api_page(text) or 1)


def console_form_int(app, text: str, low: int, high: int) -> int | None:
    with app.test_request_context(method="POST", data={"n": text}):
        try:
            return console.form_int("n", low, high)
        except InvalidInput:
            return None


def api_number(schema, field: str, value: int, **others) -> int | None:
    try:
        return schema().load({field: value, **others}, partial=True)[field]
    except ValidationError:
        return None


@given(number=st.integers(min_value=-(2**40), max_value=2**40))
def test_a_company_id_and_a_batch_size_are_taken_alike_by_console_and_api(app, number):
    text = str(number)
    assert console_form_int(app, text, 1, validation.ID_MAX) == api_number(
        StandIn, "company_id", number
    )
    assert console_form_int(app, text, 1, pins.MAX_BATCH) == api_number(BatchIn, "size", number)


@given(text=NUMBERISH)
def test_a_typed_number_is_ascii_digits_only_as_in_a_url(app, text):
    taken = console_form_int(app, text, 1, validation.ID_MAX)
    # The console takes exactly the text an id in a URL may be (``parse_id``), trimmed.
    assert taken == validation.parse_id(text.strip())
    if taken is not None:
        assert api_number(StandIn, "company_id", taken) == taken


@given(text=st.text(max_size=300))
def test_a_search_keeps_nothing_that_free_text_refuses(app, text):
    with app.test_request_context(query_string={"q": text}):
        cleaned = console.search_text("q", 120)
    assert validation.text_problem(cleaned) is None
    assert "\t" not in cleaned and "\n" not in cleaned and len(cleaned) <= 120
    assert cleaned == cleaned.strip()


@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=100
    ).map(str.strip)
)
def test_a_search_that_free_text_takes_is_searched_as_typed(app, text):
    assume(validation.text_problem(text) is None)  # noncharacters are not free text
    with app.test_request_context(query_string={"q": text}):
        assert console.search_text("q", 120) == text
