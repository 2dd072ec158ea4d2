"""One set of typed codes, read the same by qr/codes.py and by the scanner's codes.js.

The scanner checks a typed code in the browser before anything is sent; the server checks
it again with qr/codes.py. tests/code_cases.json is the contract both are held to.
"""

import json
from pathlib import Path

import pytest

from qr import codes

CASES = json.loads((Path(__file__).parent / "code_cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["why"] for case in CASES])
def test_python_reads_each_typed_code_as_the_cases_say(case):
    assert codes.normalize(case["text"]) == case["normalized"]
    assert codes.is_valid(case["text"]) is case["pin"]
    assert codes.is_valid_stand(case["text"]) is case["stand"]


def test_the_cases_cover_both_answers_and_every_rule():
    whys = " ".join(case["why"] for case in CASES)
    assert {case["pin"] for case in CASES} == {True, False}
    assert {case["stand"] for case in CASES} == {True, False}
    for rule in ("O typed for 0", "I, l and L typed for 1", "dashes", "swapped", "wrong"):
        assert rule in whys


SCANS = [
    ("https://pins.example.org/P/A70TW7VSS", {"kind": "pin", "code": "A70TW7VSS"}),
    ("HTTPS://PINS.EXAMPLE.ORG/P/A70TW7VSS", {"kind": "pin", "code": "A70TW7VSS"}),
    ("https://pins.example.org/p/a70tw7vss/", {"kind": "pin", "code": "A70TW7VSS"}),
    ("https://pins.example.org/P/B70TW7VSS", {"kind": "other"}),
    ("https://pins.example.org/S/K3M4N5P6Q7R8S94", {"kind": "poster"}),
    ("https://example.com/somewhere", {"kind": "other"}),
    ("WIFI:S:venue;T:WPA;P:secret;;", {"kind": "other"}),
]


def test_the_scanner_script_reads_the_same_cases_and_tells_pins_from_posters(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/scan")
    found = page.evaluate(
        """async ([cases, scans]) => {
            const codes = await import("/scan/static/codes.js");
            return {
                cases: cases.map((c) => ({
                    normalized: codes.normalize(c.text),
                    pin: codes.isValid(c.text),
                    stand: codes.isValidStand(c.text),
                })),
                scans: scans.map(([text]) => codes.readScan(text)),
                typo: codes.readScan("B70TW7VSS", true),
                display: codes.display("a70tw7vss"),
            };
        }""",
        [CASES, SCANS],
    )
    context.close()
    expected = [{key: case[key] for key in ("normalized", "pin", "stand")} for case in CASES]
    for case, want, got in zip(CASES, expected, found["cases"], strict=True):
        assert got == want, case["why"]
    assert found["scans"] == [want for _, want in SCANS]
    assert found["typo"] == {"kind": "typo"}
    assert found["display"] == "A70-TW7-VSS"
