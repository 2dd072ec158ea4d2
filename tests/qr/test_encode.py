"""The fast mask choice (qr/encode.py) gives qrcode's own symbol, module for module."""

import re

import pytest
import qrcode
from hypothesis import example, given, settings
from hypothesis import strategies as st
from qrcode import constants

from qr import codes
from qr.encode import encode

LEVELS = st.sampled_from(
    [
        constants.ERROR_CORRECT_L,
        constants.ERROR_CORRECT_M,
        constants.ERROR_CORRECT_Q,
        constants.ERROR_CORRECT_H,
    ]
)
PIN_URLS = st.builds(
    codes.pin_url,
    st.sampled_from(["https://pins.example.org", "http://127.0.0.1:8000", "HTTPS://BDT.NL"]),
    st.builds(codes.mint_code),
)
# Byte, alphanumeric and numeric runs, and lengths that need version 7 and up (version info).
DATA = st.one_of(
    PIN_URLS,
    st.text(min_size=1, max_size=400),
    st.text(alphabet="0123456789", min_size=1, max_size=1200),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", min_size=1, max_size=600),
)


def qrcodes_own(data: str, level: int) -> tuple[int, list[list[bool]]]:
    symbol = qrcode.QRCode(error_correction=level, border=0)
    symbol.add_data(data)
    symbol.make(fit=True)
    return symbol.version, [[bool(cell) for cell in row] for row in symbol.modules]


@settings(max_examples=150, deadline=None)
@given(DATA, LEVELS)
@example("https://pins.example.org/p/0123456789", constants.ERROR_CORRECT_M)
@example("0123456789" * 30, constants.ERROR_CORRECT_H)  # version 10: version information
@example("0" * 300, constants.ERROR_CORRECT_H)  # qrcode's Reed-Solomon fails on zero codewords
def test_the_symbol_is_qrcodes_own(data, level):
    try:
        expected = qrcodes_own(data, level)
    except ValueError as error:  # what qrcode cannot encode, neither can we, the same way
        with pytest.raises(type(error), match=re.escape(str(error))):
            encode(data, level)
        return
    version, modules = encode(data, level)
    assert (version, modules.tolist()) == expected
