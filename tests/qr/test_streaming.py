"""Print runs stream: memory stays flat as the pin count grows (bar the ZIP's directory).

The QR encoder is swapped for a copy of a few real matrices: encoding costs the same memory
for pin 1 and pin 3,000, and under tracemalloc it would make this test take minutes. Each
call still returns a fresh matrix, so a pipeline that kept them would show here.
"""

import tracemalloc

import pytest

import qr.bundle
import qr.sheets
from qr import PrintMeta, SheetLayout, render_sheets, write_print_set
from qr.codes import mint_code
from qr.render import QrMatrix, matrix

ZIP_ENTRY_BYTES = 640  # zipfile keeps one ZipInfo per entry (~430 B) for the directory


@pytest.fixture
def encoder(monkeypatch, make_pins):
    pool = {url: matrix(url) for _, url in make_pins(8)}
    urls = list(pool)

    def fresh_copy(url: str, ecc: str = "M") -> QrMatrix:
        template = pool[url]
        return QrMatrix(template.version, tuple(bytes(row) for row in template.rows))

    monkeypatch.setattr(qr.sheets, "matrix", fresh_copy)
    monkeypatch.setattr(qr.bundle, "matrix", fresh_copy)

    def pins(count: int):
        for i in range(count):  # a generator: nothing holds the whole list
            yield mint_code() + str(i), urls[i % len(urls)]

    return pins


def peaks(run, pins, mark: int) -> tuple[int, int]:
    """Peak traced memory after `mark` pins, and at the end of the run, in one run."""
    at_mark = []

    def watched():
        for i, pin in enumerate(pins):
            if i == mark:
                at_mark.append(tracemalloc.get_traced_memory()[1])
            yield pin

    tracemalloc.start()
    try:
        run(watched())
        return at_mark[0], tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_sheet_memory_does_not_grow_with_the_pin_count(encoder, tmp_path):
    def sheets(pins):
        with (tmp_path / "sheets.pdf").open("wb") as out:
            assert render_sheets(pins, SheetLayout(), out).count == 3000

    after_1000, after_3000 = peaks(sheets, encoder(3000), 1000)
    assert after_3000 < 1.5 * after_1000
    assert after_3000 - after_1000 < 100 * 1024  # one page is held, never the run
    assert after_3000 < 3 * 2**20


def test_print_set_memory_grows_only_by_the_zip_directory(encoder, tmp_path):
    def print_set(pins):
        assert write_print_set(pins, PrintMeta("b"), SheetLayout(), tmp_path).count == 3000

    after_1000, after_3000 = peaks(print_set, encoder(3000), 1000)
    zip_directory = (3000 - 1000) * 2 * ZIP_ENTRY_BYTES  # an SVG and a PNG entry per pin
    assert after_3000 - after_1000 < zip_directory
    assert after_3000 < 8 * 2**20
