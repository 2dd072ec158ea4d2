"""Pin and stand codes: typos are caught, spellings are forgiven, bad input never raises."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qr import codes
from qr.render import matrix, qr_version

bodies = st.text(alphabet=codes.ALPHABET, min_size=codes.PIN_RANDOM, max_size=codes.PIN_RANDOM)
stand_bodies = st.text(
    alphabet=codes.ALPHABET, min_size=codes.STAND_RANDOM, max_size=codes.STAND_RANDOM
)


def substitutions(code: str):
    for i, original in enumerate(code):
        for other in codes.ALPHABET:
            if other != original:
                yield code[:i] + other + code[i + 1 :]


def adjacent_swaps(code: str):
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


def test_minted_pin_code_is_nine_canonical_symbols_and_valid():
    for _ in range(200):
        code = codes.mint_code()
        assert len(code) == codes.PIN_LENGTH == 9
        assert set(code) <= set(codes.ALPHABET)
        assert codes.is_valid(code)
        assert codes.normalize(code) == code


def test_minted_stand_code_carries_at_least_60_random_bits_and_is_valid():
    assert codes.STAND_RANDOM * 5 >= 60
    minted = {codes.mint_stand_code() for _ in range(200)}
    assert len(minted) == 200
    assert all(codes.is_valid_stand(code) and len(code) == codes.STAND_LENGTH for code in minted)
    assert not any(codes.is_valid(code) for code in minted)


def test_minted_codes_are_spread_over_the_whole_alphabet():
    seen = {ch for _ in range(300) for ch in codes.mint_code()[:-1]}
    assert seen == set(codes.ALPHABET)


@given(bodies)
def test_single_typo_is_rejected(body):
    code = codes.add_check(body)
    assert codes.is_valid(code)
    for typo in substitutions(code):
        assert not codes.is_valid(typo), typo


@given(bodies)
def test_swapped_neighbours_are_rejected_including_the_check_symbol(body):
    code = codes.add_check(body)
    for swapped in adjacent_swaps(code):
        assert not codes.is_valid(swapped), swapped


@given(stand_bodies)
def test_stand_code_typos_and_swaps_are_rejected(body):
    code = codes.add_check(body)
    assert codes.is_valid_stand(code)
    for wrong in [*substitutions(code), *adjacent_swaps(code)]:
        assert not codes.is_valid_stand(wrong), wrong


def test_typos_in_freshly_minted_codes_are_rejected():
    for _ in range(50):
        code = codes.mint_code()
        assert not any(codes.is_valid(wrong) for wrong in substitutions(code))
        assert not any(codes.is_valid(wrong) for wrong in adjacent_swaps(code))


look_alikes = {"0": "0Oo", "1": "1IiLl"}


@given(bodies, st.data())
def test_any_case_hyphens_spaces_and_look_alikes_normalise_back(body, data):
    code = codes.add_check(body)
    typed = ""
    for ch in code:
        ch = data.draw(st.sampled_from(look_alikes.get(ch, ch + ch.lower())))
        typed += ch + data.draw(st.sampled_from(["", "", "-", " "]))
    assert codes.normalize(typed) == code
    assert codes.is_valid(typed)


@given(bodies)
def test_display_groups_the_code_and_reads_back(body):
    code = codes.add_check(body)
    shown = codes.display(code)
    assert shown == f"{code[:3]}-{code[3:6]}-{code[6:]}"
    assert codes.normalize(shown) == code
    assert codes.is_valid(shown.lower())


@given(st.text())
def test_is_valid_never_raises_on_any_text(text):
    assert codes.is_valid(text) in (True, False)
    assert codes.is_valid_stand(text) in (True, False)


@given(st.text(min_size=1, max_size=20))
def test_huge_input_is_rejected_without_raising(prefix):
    code = codes.mint_code()
    assert not codes.is_valid(prefix * 100_000)
    assert not codes.is_valid(code + " " * 1_000_000)
    assert not codes.is_valid_stand("A" * 10_000_000)


@pytest.mark.parametrize("value", [None, 123, b"ABCDEFGHJ", ["A"], 4.5])
def test_non_text_is_not_a_code(value):
    assert codes.is_valid(value) is False


def test_non_ascii_look_alikes_are_not_accepted():
    code = codes.mint_code()
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    assert not codes.is_valid(fullwidth)
    # str.upper() would turn a dotless i into I (and so 1); normalize() must not.
    with_one = codes.add_check("1ABCDEFG")
    assert codes.is_valid(with_one.replace("1", "i"))
    assert not codes.is_valid(with_one.replace("1", "\u0131"))
    assert codes.normalize("\u0131\u00df") == "\u0131\u00df"


def test_pin_url_is_upper_case_and_fits_version_2_at_level_m(base_url):
    assert len(base_url) == 24
    for _ in range(20):
        url = codes.pin_url(base_url, codes.mint_code())
        assert url == url.upper() and "/P/" in url
        assert qr_version(url, "M") == 2
        symbol = matrix(url, "M")
        assert (symbol.version, symbol.size) == (2, 25)


def test_pin_url_accepts_a_typed_code_and_refuses_a_wrong_one(base_url):
    code = codes.mint_code()
    assert codes.pin_url(base_url + "/", codes.display(code).lower()).endswith(f"/P/{code}")
    with pytest.raises(ValueError):
        codes.pin_url(base_url, next(substitutions(code)))


def test_stand_url_encodes_a_stand_code(base_url):
    stand = codes.mint_stand_code()
    assert codes.stand_url(base_url, stand) == f"{base_url}/S/{stand}".upper()
    with pytest.raises(ValueError):
        codes.stand_url(base_url, codes.mint_code())
