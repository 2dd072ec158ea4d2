"""Fixtures for the qr tests: a base URL and minted pins."""

import pytest

from qr import codes


@pytest.fixture(scope="session")
def base_url() -> str:
    return "https://pins.example.org"  # 24 characters, the size SPEC plans for


@pytest.fixture(scope="session")
def make_pins(base_url):
    """Fresh (code, url) pairs, distinct codes, in a stable order; call with a count."""

    def make(count: int) -> list[tuple[str, str]]:
        pins: set[str] = set()
        while len(pins) < count:
            pins.add(codes.mint_code())
        return [(code, codes.pin_url(base_url, code)) for code in sorted(pins)]

    return make
