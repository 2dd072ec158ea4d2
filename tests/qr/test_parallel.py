"""A print run drawn by worker processes writes the same bytes as one process does."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from decode import label_texts, pdf_pages

from qr import PrintMeta, SheetLayout, write_print_set
from qr.bundle import PARALLEL_FROM

ROOT = Path(__file__).resolve().parents[2]
FILES = ("sheets.pdf", "manifest.csv", "bundle.zip")


@pytest.mark.parametrize("layout", [SheetLayout(), SheetLayout.for_preset("58", cut="hairline")])
def test_worker_processes_write_the_same_files_as_one_process(tmp_path, make_pins, layout):
    pins = make_pins(430)  # three chunks, the last one short
    meta = PrintMeta("Day 1", "mail", total=len(pins), created=1_790_000_000.0)
    for processes in (1, 2):
        ticks: list[int] = []
        write_print_set(
            iter(pins), meta, layout, tmp_path / str(processes), processes, ticks.append
        )
        assert sum(ticks) == len(pins)  # each pin counted once, as it is written
    for name in FILES:
        assert (tmp_path / "2" / name).read_bytes() == (tmp_path / "1" / name).read_bytes(), name
    with zipfile.ZipFile(tmp_path / "2" / "bundle.zip") as archive:
        assert archive.testzip() is None
        assert len(archive.namelist()) == 2 * len(pins) + 2


def test_a_large_run_is_drawn_in_worker_processes_and_decodes(tmp_path, make_pins, monkeypatch):
    """Without processes given, a run of PARALLEL_FROM pins uses the cores; every label reads."""
    import qr.bundle

    started = []
    real = qr.bundle.multiprocessing.get_context
    monkeypatch.setattr(
        qr.bundle.multiprocessing, "get_context", lambda kind: started.append(kind) or real(kind)
    )
    pins = make_pins(PARALLEL_FROM)
    meta = PrintMeta("Day 1", total=len(pins))
    info = write_print_set(iter(pins), meta, SheetLayout(), tmp_path)
    assert started == (["forkserver"] if meta.processes() > 1 else [])
    assert info.count == len(pins)
    pages = pdf_pages((tmp_path / "sheets.pdf").read_bytes(), scale=4)
    found = [text for page in pages for text in label_texts(page, SheetLayout(), 4)]
    assert found == [url for _, url in pins]


def test_a_pin_that_cannot_be_printed_stops_the_run_as_in_one_process(tmp_path, make_pins):
    pins = make_pins(300)
    pins[250] = (pins[250][0], "https://pins.example.org/" + "x" * 3000)  # no QR holds this
    raised = []
    for processes in (1, 2):
        with pytest.raises(ValueError) as caught:
            write_print_set(
                iter(pins), PrintMeta("b"), SheetLayout(), tmp_path / str(processes), processes
            )
        raised.append((type(caught.value), str(caught.value)))
    assert raised[0] == raised[1]


SLOW_PRINT = """
import sys, time
from qr import PrintMeta, SheetLayout, codes, write_print_set

def pins():
    while True:
        time.sleep(0.01)  # slower than the workers: they wait for chunks, as at a run's end
        code = codes.mint_code()
        yield code, codes.pin_url("https://pins.example.org", code)

write_print_set(pins(), PrintMeta("k"), SheetLayout(), sys.argv[1], processes=2)
"""


def _marked(mark: str) -> list[int]:
    """Processes whose environment carries mark (a run and every process it started)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if f"SPELD_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_a_run_killed_with_minus_nine_leaves_no_worker_process_behind(tmp_path):
    mark = uuid.uuid4().hex
    env = {**os.environ, "SPELD_TEST_MARK": mark, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen([sys.executable, "-c", SLOW_PRINT, str(tmp_path)], env=env)
    try:
        deadline = time.monotonic() + 60
        while len(_marked(mark)) < 4 and time.monotonic() < deadline:  # run, server, 2 workers
            time.sleep(0.1)
        assert len(_marked(mark)) >= 4, "the run never started its worker processes"
    finally:
        run.kill()
        run.wait()
    deadline = time.monotonic() + 10
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked(mark) == []
