"""The dashboard's SVG charts: well-formed, carrying the figures, escaped, calm about no data."""

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, datetime
from types import SimpleNamespace as Row

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from backend.pages import chart_text, charts, timeline
from exports.figures import HourRow, StageRow
from qr import fonts

STAGES = [
    StageRow("issued", 1200, None, 1.0),
    StageRow("scanned", 840, 0.7, 0.7),
    StageRow("landed", 800, 0.952, 0.667),
    StageRow("clicked", 300, 0.375, 0.25),
    StageRow("visited_stand", 410, 1.367, 0.342),
    StageRow("answered_survey", 0, 0.0, 0.0),
]


def hour(text: str, scans: int | None, pins: int | None) -> HourRow:
    return HourRow(datetime.fromisoformat(text), scans, pins)


HOURLY = [
    hour("2026-02-18T10:00:00+01:00", 12, 11),
    hour("2026-02-18T13:00:00+01:00", 40, 35),
    hour("2026-02-19T11:00:00+01:00", 7, 7),
]
EVIL = '<b>"A&B"</b>'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    assert root.find("title").text == root.get("aria-label")
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter("text")]


def test_funnel_chart_shows_each_stage_count_and_share_of_issued():
    root = parse(charts.funnel_chart(STAGES, lang="en"))
    shown = texts(root)
    for stage in STAGES:
        assert charts.count(stage.pins) in shown
    assert "1,200" in shown and "70.0%" in shown and "25.0%" in shown
    values = [int(t.get("data-value")) for t in root.iter("text") if t.get("data-value")]
    assert values == [s.pins for s in STAGES]
    widths = [float(r.get("width")) for r in root.iter("rect")]
    assert widths[0] == max(widths) and widths[-1] == 0


def test_funnel_chart_speaks_dutch_with_a_decimal_comma():
    labels = {"issued": "Uitgegeven", "scanned": "Gescand"}
    shown = texts(parse(charts.funnel_chart(STAGES, labels, "Trechter", "nl")))
    assert "Uitgegeven" in shown and "70,0%" in shown


def test_funnel_of_an_edition_without_pins_divides_by_nothing():
    empty = [replace(s, pins=0, from_previous=None, from_issued=None) for s in STAGES]
    shown = texts(parse(charts.funnel_chart(empty)))
    assert shown.count("0") == len(STAGES) and charts.DASH in shown


def test_suppressed_counts_get_a_mark_and_no_bar():
    rows = [replace(s, pins=None) if s.stage == "clicked" else s for s in STAGES]
    root = parse(charts.funnel_chart(rows))
    marked = [t for t in root.iter("text") if t.get("data-suppressed")]
    assert [t.text for t in marked] == ["suppressed"]
    assert len(list(root.iter("rect"))) == len(STAGES) - 1


def test_bar_chart_escapes_company_names_and_sorts_largest_first():
    stands = [
        Row(label="TP-01", company=EVIL, pins=3),
        Row(label="TP-02", company="Kiemt & Co", pins=9),
        Row(label="TP-03", company="Small", pins=None),
    ]
    svg = charts.bar_chart(stands, lambda s: f"{s.label} {s.company}", "pins", "Stands", sort=True)
    assert "<b>" not in svg and "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in svg
    root = parse(svg)
    labels = [g.get("data-key") for g in root.iter("g")]
    assert labels == ["TP-02 Kiemt & Co", f"TP-01 {EVIL}", "TP-03 Small"]
    assert "9" in texts(root) and "suppressed" in texts(root)


def test_titles_and_labels_are_escaped_everywhere():
    for svg in (
        charts.funnel_chart(STAGES, {"issued": EVIL}, EVIL),
        charts.bar_chart([Row(name=EVIL, n=1)], "name", "n", EVIL),
        timeline.timeline_chart(HOURLY, EVIL),
        charts.baseline_chart(0.2, 0.35, EVIL),
    ):
        root = parse(svg)
        assert root.get("aria-label") == EVIL and "<b>" not in svg


def test_control_characters_in_a_name_do_not_break_the_xml():
    parse(charts.bar_chart([Row(name="Bad\x00\x1bName", n=2)], "name", "n", "Stands"))


def test_timeline_has_a_bar_per_local_hour_filled_gaps_and_a_day_separator():
    root = parse(timeline.timeline_chart(HOURLY, lang="en"))
    bars = list(root.iter("rect"))
    assert len(bars) == 5  # 10, 11, 12, 13 on the 18th (11 and 12 empty), 11 on the 19th
    values = {t.get("data-hour"): t.text for t in root.iter("text") if t.get("data-hour")}
    assert values == {"2026-02-18T10": "12", "2026-02-18T13": "40", "2026-02-19T11": "7"}
    assert len([line for line in root.iter("line") if line.get("data-day-separator")]) == 1
    days = [t.text for t in root.iter("text") if t.get("data-day")]
    assert days == ["Wed, Feb 18", "Thu, Feb 19"]


def test_timeline_reads_hours_in_the_event_zone_as_written():
    summer = [hour("2026-06-01T23:00:00+02:00", 1, 1)]
    root = parse(timeline.timeline_chart(summer, lang="nl"))
    assert [t.text for t in root.iter("text") if t.get("data-day")] == ["ma 1 jun"]
    assert "23" in texts(root)


def test_baseline_chart_sets_our_share_beside_the_2018_baseline():
    root = parse(charts.baseline_chart(0.28, 0.35, lang="nl"))
    shown = texts(root)
    assert "28,0%" in shown and "35,0%" in shown and "Nulmeting 2018" in shown
    ours, baseline = (float(r.get("width")) for r in root.iter("rect"))
    assert ours < baseline


def contrast_on_white(colour: str) -> float:
    """WCAG's contrast ratio of a #rrggbb colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_every_bar_stands_out_from_the_page_by_at_least_3_to_1():
    """WCAG 1.4.11 asks 3:1 of graphics a reader needs; axe cannot see inside an SVG."""
    drawn = [
        charts.baseline_chart(0.28, 0.35, lang="nl"),
        charts.funnel_chart(STAGES, lang="nl"),
        timeline.timeline_chart(HOURLY, lang="nl"),
    ]
    fills = {rect.get("fill") for svg in drawn for rect in parse(svg).iter("rect")} - {"none"}
    ratios = {fill: round(contrast_on_white(fill), 2) for fill in fills}
    assert len(ratios) >= 2, ratios  # the brand's bars and the 2018 baseline's
    assert all(ratio >= 3.0 for ratio in ratios.values()), ratios


def test_baseline_chart_without_answers_says_so():
    root = parse(charts.baseline_chart(None, 0.35))
    assert any("no answers yet" in t for t in texts(root)) and "35.0%" in texts(root)


@pytest.mark.parametrize(
    "svg",
    [
        charts.funnel_chart([]),
        charts.bar_chart([], "label", "pins", "Stands"),
        timeline.timeline_chart([]),
    ],
)
def test_charts_of_nothing_say_there_is_no_data_yet(svg):
    root = parse(svg)
    assert texts(root) == ["No data yet"]


def test_suppressed_hour_gets_a_dash():
    hourly = [replace(HOURLY[0], scans=None), HOURLY[1]]
    root = parse(timeline.timeline_chart(hourly))
    assert [t.text for t in root.iter("text") if t.get("data-suppressed")] == [charts.DASH]


def test_numbers_are_formatted_for_the_reader():
    # Babel's formats for nl and en, checked by hand against CLDR: a Dutch thousands dot and
    # decimal comma, an English thousands comma and decimal point.
    assert charts.count(1234, "nl") == "1.234" and charts.count(1234, "en") == "1,234"
    assert charts.count(1234567, "nl") == "1.234.567" and charts.count(None) == charts.DASH
    assert charts.percent(0.352, "nl") == "35,2%" and charts.percent(0.352, "en") == "35.2%"
    assert charts.percent(0.3456, "nl") == "34,6%" and charts.percent(None) == charts.DASH
    assert charts.decimal(0.0312, "nl") == "0,031" and charts.decimal(0.0312, "en") == "0.031"
    assert charts.points(-0.07, "en") == "\u22127.0 pp"
    assert charts.points(0.021, "nl") == "+2,1 procentpunt"
    assert charts.points(12.345, "en") == "+1,234.5 pp"


@pytest.mark.parametrize(
    ("lang", "forms"),
    [("nl", ["wo 18 feb", "18 feb", "18"]), ("en", ["Wed, Feb 18", "Feb 18", "18"])],
)
def test_a_day_is_named_in_the_readers_language(lang, forms):
    assert chart_text.day_forms(date(2026, 2, 18), lang) == forms

    assert charts.p_value(0.0421, "nl") == "= 0,042" and charts.p_value(None) == charts.DASH


@given(st.integers(-10_000, 10_000))
@example(5)  # 0.05 pp: one decimal, rounded half to even, read 0.0
@example(-5)
def test_a_difference_prints_with_its_sign_so_an_interval_agrees_with_its_verdict(n):
    """A bound of the JSON (a share to 4 decimals) that is not 0 never prints as 0.0:
    "fewer" beside "… to −0.0 pp" said that the interval reached 0."""
    difference = n / 10_000
    for lang, unit in (("en", " pp"), ("nl", " procentpunt")):
        shown = charts.points(difference, lang)
        number = float(shown.removesuffix(unit).replace("\u2212", "-").replace(",", "."))
        assert shown[0] == ("\u2212" if n < 0 else "+")
        assert (number == 0) == (n == 0), shown
        assert abs(number - difference * 100) <= 0.05 + 1e-9


def test_a_bound_held_as_minus_zero_reads_with_one_minus_sign():
    """The JSON's 4 decimals hold a bound just below 0 as -0.0: its sign shows, once."""
    assert charts.points(-0.0, "en") == "\u22120.0 pp"
    assert charts.points(-0.0, "nl") == "\u22120,0 procentpunt"
    assert charts.points(0.0, "en") == "+0.0 pp"


@given(st.floats(0, 1))
def test_a_p_value_never_reads_zero(p):
    shown = charts.p_value(p)
    assert shown == "< 0.001" if p < 0.0005 else shown == f"= {p:.3f}" != "= 0.000"


# Labels never cut: measured in the DejaVu Sans the repository ships (Debian's default sans,
# what the browser tests draw with), independently of the charts' own measuring.
FULL_DAYS = {
    "nl": (
        ["ma", "di", "wo", "do", "vr", "za", "zo"],
        "jan feb mrt apr mei jun jul aug sep okt nov dec",
    ),
    "en": (
        ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"],
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    ),
}


def drawn_width(label: str, size: float, bold: bool) -> float:
    fonts.register()
    return pdfmetrics.stringWidth(label, "Speld-Sans-Bold" if bold else "Speld-Sans", size)


def spans(root: ET.Element):
    """(label, left, right, element) of every line of text, where the browser will draw it."""
    for node in root.iter("text"):
        size = float(node.get("font-size") or root.get("font-size"))
        bold = node.get("font-weight") in ("600", "700", "bold")
        lines = list(node.iter("tspan")) or [node]
        for line in lines:
            label = "".join(line.itertext())
            x = float(line.get("x") or node.get("x"))
            drawn = drawn_width(label, size, bold)
            left = {"start": x, "middle": x - drawn / 2, "end": x - drawn}[
                node.get("text-anchor") or "start"
            ]
            yield label, left, left + drawn, node


def full_day(day, lang: str) -> str:
    """``wo 18 feb`` in Dutch, ``Wed, Feb 18`` in English."""
    names, months = FULL_DAYS[lang]
    month = months.split()[day.month - 1]
    if lang == "en":
        return f"{names[day.weekday()]} {month} {day.day}"
    return f"{names[day.weekday()]} {day.day} {month}"


def fair_days(first: int, third: int) -> list[HourRow]:
    """Mon 30 Nov from 08:00 for ``first`` hours, Tue 1 Dec one hour, Wed 2 Dec ``third``."""
    rows = [hour(f"2026-11-30T{8 + n % 16:02d}:00:00+01:00", 3, 2) for n in range(first)]
    rows.append(hour("2026-12-01T10:00:00+01:00", 1, 1))
    rows += [hour(f"2026-12-02T{8 + n:02d}:00:00+01:00", 40 + n, 30) for n in range(third)]
    return rows


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("third", [0, 1, 9])
@pytest.mark.parametrize("chart_width", [charts.WIDTH, charts.NARROW])
def test_a_day_is_named_whole_within_its_own_hours_never_cut(lang, third, chart_width):
    # "di 1 d": a day of one hour after a long one had its name run off the chart's edge.
    for first in range(1, 17):
        svg = timeline.timeline_chart(fair_days(first, third), "Scans", lang, chart_width)
        root = parse(svg)
        edge = float(root.get("viewBox").split()[2])
        separators = sorted(
            float(s.get("x1")) for s in root.iter("line") if s.get("data-day-separator")
        )
        named = {t.get("data-day"): t for t in root.iter("text") if t.get("data-day")}
        for label, left, right, node in spans(root):
            assert left >= 0 and right <= edge, (first, label)
            if node.get("data-day"):
                whole = full_day(datetime.fromisoformat(node.get("data-day")), lang).split()
                words = label.split()
                assert any(whole[n : n + len(words)] == words for n in range(len(whole))), label
                ends = [x for x in separators if x > left] + [edge]
                assert right <= ends[0], (first, label, "runs into the next day")
        # Every day is named, the lone hour of Tuesday too, with a whole form of its name.
        assert set(named) == {"2026-11-30", "2026-12-01"} | ({"2026-12-02"} if third else set())


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("chart_width", [charts.WIDTH, charts.NARROW])
def test_hours_and_counts_of_a_long_fair_do_not_overlap(lang, chart_width):
    rows = [
        hour(f"2026-02-{d}T{h:02d}:00:00+01:00", 1000 + h, 9)
        for d in (16, 17, 18, 19)
        for h in range(7, 23)
    ]
    root = parse(timeline.timeline_chart(rows, "Scans", lang, chart_width))
    edge = float(root.get("viewBox").split()[2])
    placed = sorted(
        (left, right)
        for _, left, right, node in spans(root)
        if node.get("font-size") == "11" and float(node.get("y")) > 186
    )
    assert len(placed) >= 4
    assert all(a[1] <= b[0] for a, b in zip(placed, placed[1:], strict=False)), (
        "hour labels overlap"
    )
    assert all(left >= 0 and right <= edge for left, right in placed)
    counts = sorted((left, right) for _, left, right, node in spans(root) if node.get("data-value"))
    assert all(a[1] <= b[0] for a, b in zip(counts, counts[1:], strict=False)), "counts overlap"


LONG = "Twentse Hoogwaardige Kunststofverwerking en Precisiemechanica Coöperatie"


@pytest.mark.parametrize("chart_width", [charts.WIDTH, charts.NARROW])
def test_a_long_company_name_wraps_whole_and_stays_inside_the_chart(chart_width):
    stands = [Row(label="TP-01", company=LONG, pins=12), Row(label="TP-02", company="Kort", pins=3)]
    svg = charts.bar_chart(
        stands, lambda s: f"{s.label} · {s.company}", "pins", "Stands", chart_width=chart_width
    )
    root = parse(svg)
    edge = float(root.get("viewBox").split()[2])
    for _, left, right, _ in spans(root):
        assert left >= 0 and right <= edge
    label = next(t for t in root.iter("text") if t.get("data-label", "").startswith("TP-01"))
    lines = ["".join(s.itertext()) for s in label.iter("tspan")]
    assert len(lines) > 1 and " ".join(lines) == f"TP-01 · {LONG}" and "\u2026" not in svg
    # Lines of one label do not overlap the next row's.
    ys = [
        float(s.get("y")) for t in root.iter("text") if t.get("data-label") for s in t.iter("tspan")
    ]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("chart_width", [charts.WIDTH, charts.NARROW])
def test_funnel_and_baseline_fit_a_phone_and_a_laptop(lang, chart_width):
    labels = {
        "issued": "Uitgegeven",
        "visited_stand": "Stand bezocht",
        "answered_survey": "Vragen beantwoord",
    }
    for svg in (
        charts.funnel_chart(STAGES, labels, "Trechter", lang, chart_width),
        charts.baseline_chart(0.262, 0.35, "Geen", lang, chart_width=min(chart_width, 480)),
        charts.baseline_chart(
            None, 0.35, "Geen", lang, hidden=True, chart_width=min(chart_width, 480)
        ),
    ):
        root = parse(svg)
        edge = float(root.get("viewBox").split()[2])
        for label, left, right, _ in spans(root):
            assert left >= 0 and right <= edge, label
    assert 'class="chart narrow"' in charts.funnel_chart(STAGES, chart_width=charts.NARROW)
