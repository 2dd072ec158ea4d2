"""The council's report: the dashboard's figures as a PDF and a Word document, nl and en.

Read back the way a reader's tools read it: poppler's pdffonts and pdftotext, pypdfium2
for a picture of the first page, python-docx for the Word file. The figures looked for
are the JSON funnel's, formatted here with Babel in the reader's number format.
"""

import hashlib
import io
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import docx
import pypdfium2
from babel.numbers import format_percent
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from backend.services.reports import report_file
from backend.services.simulation import simulate
from backend.services.words import say
from tests.conftest import need
from tests.test_dashboard import sign_in
from tests.test_sign_in_cards import embedded_fonts

VERDICTS = {
    "fewer_than_baseline": "Fewer students than in 2018 could name no Twente company.",
    "more_than_baseline": "More students than in 2018 could name no Twente company.",
    "not_distinguishable": (
        "Not distinguishable from 2018 with %(n)s answer.",
        "Not distinguishable from 2018 with %(n)s answers.",
    ),
}
SHARES = {2025: 0.6, 2026: 0.3}


def editions(make) -> list[str]:
    """Two simulated editions a year apart and a third too small for a viewer's headline."""
    slugs = []
    for year, share in SHARES.items():
        event = make.event(
            slug=f"bdt-{year}",
            name=f"Business Days Twente {year}",
            starts_on=date(year, 2, 18),
            ends_on=date(year, 2, 19),
        )
        make.plaza(event=event, stands=3)
        simulate(event.slug, students=90, seed=year, named_none=share)
        slugs.append(event.slug)
    tiny = make.event(slug="bdt-2027", starts_on=date(2027, 2, 17), ends_on=date(2027, 2, 18))
    make.plaza(event=tiny, stands=2)
    simulate(tiny.slug, students=8, seed=2027, named_none=0.9)
    return [*slugs, tiny.slug]


def pct(share: float, lang: str) -> str:
    return format_percent(share, "#,##0.0%", locale=lang)


def pdf_text(body: bytes, tmp_path: Path) -> str:
    need(
        subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0,
        "pdftotext is not installed (apt-get install poppler-utils)",
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", " ", text)


def canonical_hash(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def headline(awareness: dict, lang: str) -> list[str]:
    """The answer as the report must say it: share, interval and verdict, in ``lang``."""
    interval = awareness["named_none_interval"]
    return [
        pct(awareness["named_none_share"], lang),
        say(
            lang,
            "%(low)s to %(high)s",
            low=pct(interval["low"], lang),
            high=pct(interval["high"], lang),
        ),
        say(
            lang,
            VERDICTS[awareness["verdict"]],
            n=awareness["respondents"],
        ),
    ]


def test_the_report_pdf_holds_the_funnels_answer_in_both_languages_and_roles(
    client, make, auth, tmp_path, screenshots
):
    slugs = editions(make)
    tokens = {role: make.token(role) for role in ("organiser", "viewer")}
    for role, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        client.post("/dashboard/sign-out")
        sign_in(client, token)
        for slug in slugs:
            funnel = client.get(f"/api/v1/events/{slug}/funnel", headers=headers).get_json()
            awareness = funnel["awareness"]
            for lang in ("nl", "en"):
                response = client.get(f"/dashboard/{slug}/report.pdf?lang={lang}")
                assert response.status_code == 200
                assert response.mimetype == "application/pdf"
                assert response.headers["Content-Disposition"].endswith(f"-report-{lang}.pdf")
                path = tmp_path / f"{slug}-{role}-{lang}.pdf"
                path.write_bytes(response.data)
                fonts = embedded_fonts(path)
                assert fonts and all(embedded for _, embedded in fonts), fonts
                assert {name.split("+")[-1] for name, _ in fonts} <= {
                    "Speld-Sans",
                    "Speld-Sans-Bold",
                    "DejaVuSans",
                    "DejaVuSans-Bold",
                }, fonts
                text = pdf_text(response.data, tmp_path)
                # The reproducibility stamp: the hash of exactly this reader's JSON.
                assert canonical_hash(funnel) in text
                # The request in the reader's words, with whose token gives the same figures.
                whose = f"%(request)s with {'an organiser' if role == 'organiser' else 'a viewer'}'s token"
                assert say(lang, whose, request=f"GET /api/v1/events/{slug}/funnel") in text
                if awareness["named_none_share"] is None:
                    continue
                for said in headline(awareness, lang):
                    assert said in text, (role, slug, lang, said)
                # The answer comes first: before the follow-up, who answered and reach.
                assert text.index(headline(awareness, lang)[2]) < text.index(
                    say(lang, "2. The effect of the fair itself")
                )
                if slug == slugs[1]:  # two editions with figures: the years are in it
                    assert say(lang, "Over the years") in text
                if slug == slugs[1] and role == "organiser" and lang == "nl":
                    page = pypdfium2.PdfDocument(response.data)[0]
                    page.render(scale=2).to_pil().save(screenshots / "report-page-1-nl.png")
                    assert page.get_size() == (595.2755737304688, 841.8897705078125)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(digest=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
@example(digest="0" * 64)  # the widest: a zero is DejaVu Sans' widest hex digit
@example(digest="d097f43b503eb49ba85b98d28e76202e4b5d8961438a1de9440b5a355212466b")
def test_the_stamps_hash_reads_back_whole_however_wide_its_digits(
    make, tmp_path, monkeypatch, digest
):
    """A reader copies the hash from the PDF: it must be on one line, not broken in two.

    It once was for about one hash in three (CI): 64 hex digits of 8.5 pt DejaVu Sans are
    191 to 346 pt wide, and the stamp's column held 340.
    """
    monkeypatch.setattr("exports.report.figures_hash", lambda figures: digest)
    event, _ = make.plaza(stands=1)
    for lang in ("nl", "en"):
        made = report_file(event.slug, "pdf", exact=True, lang=lang)
        path = tmp_path / f"stamp-{lang}.pdf"
        path.write_bytes(made.body)
        lines = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        assert any(digest in line for line in lines), [line for line in lines if digest[:8] in line]


def test_the_viewers_report_shows_no_figure_the_viewers_json_hides(client, make, auth, tmp_path):
    slugs = editions(make)
    tiny = slugs[-1]
    exact = client.get(f"/api/v1/events/{tiny}/funnel", headers=auth("organiser")).get_json()
    hidden = client.get(f"/api/v1/events/{tiny}/funnel", headers=auth("viewer")).get_json()
    assert hidden["awareness"]["named_none_share"] is None
    assert exact["awareness"]["named_none_share"] is not None
    sign_in(client, make.token("viewer"))
    for lang in ("nl", "en"):
        text = pdf_text(client.get(f"/dashboard/{tiny}/report.pdf?lang={lang}").data, tmp_path)
        # The organiser's headline (its interval) is nowhere in the viewer's report.
        low, high = (exact["awareness"]["named_none_interval"][end] for end in ("low", "high"))
        assert (
            say(lang, "%(low)s to %(high)s", low=pct(low, lang), high=pct(high, lang)) not in text
        )
        assert say(lang, "Too few answers to show this figure (fewer than %(n)s).", n=5) in text
        # The report is made of exactly the viewer's JSON: its stamp is that JSON's hash.
        assert canonical_hash(hidden) in text


def test_the_cli_writes_the_report_as_pdf_and_docx(runner, make, tmp_path):
    slugs = editions(make)
    for kind in ("pdf", "docx"):
        out = tmp_path / f"report.{kind}"
        result = runner.invoke(
            args=[
                "speld",
                "report",
                "--event",
                slugs[1],
                "--format",
                kind,
                "--lang",
                "en",
                "--out",
                str(out),
            ]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    refused = runner.invoke(
        args=["speld", "report", "--event", "no-such", "--out", str(tmp_path / "x.pdf")]
    )
    assert refused.exit_code == 1 and not (tmp_path / "x.pdf").exists()


def test_the_report_docx_reads_back_the_same_figures(client, make, auth, tmp_path):
    # An organiser's report: every figure is there to read back (a viewer's hides the
    # small ones; the PDF tests above hold a viewer's report to the viewer's JSON).
    slugs = editions(make)
    token = make.token("organiser")
    headers = {"Authorization": f"Bearer {token}"}
    sign_in(client, token)
    funnel = client.get(f"/api/v1/events/{slugs[1]}/funnel", headers=headers).get_json()
    for lang in ("nl", "en"):
        response = client.get(f"/dashboard/{slugs[1]}/report.docx?lang={lang}")
        assert response.status_code == 200
        document = docx.Document(io.BytesIO(response.data))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert headings[:2] == [say(lang, "1. The answer"), say(lang, "Over the years")]
        assert say(lang, "6. Reproducibility") in headings
        text = " ".join(p.text for p in document.paragraphs)
        for said in headline(funnel["awareness"], lang):
            assert said in text, said
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        assert canonical_hash(funnel) in cells
        stages = next(t for t in document.tables if t.rows[1].cells[0].text == say(lang, "Issued"))
        assert [row.cells[1].text for row in stages.rows[1:]] == [
            "×"
            if s["pins"] is None
            else f"{s['pins']:,}".replace(",", "." if lang == "nl" else ",")
            for s in funnel["stages"]
        ]


def test_the_report_asks_for_a_sign_in_and_names_an_unknown_edition_kindly(client, make, tmp_path):
    event = make.event()
    response = client.get(f"/dashboard/{event.slug}/report.pdf")
    assert response.status_code == 302 and "/dashboard/sign-in" in response.location
    sign_in(client, make.token("organiser"))
    missing = client.get("/dashboard/no-such-edition/report.docx?lang=en")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    made = client.get(f"/dashboard/{event.slug}/report.pdf?lang=en")
    assert made.status_code == 200
    info = pypdfium2.PdfDocument(made.data).get_metadata_dict()
    assert info["Producer"].startswith("Speld ") and info["Creator"] == info["Producer"]
    assert info["Title"] == f"Measurement report: {event.name}"
    # An edition without answers says so, in the reader's language.
    assert say("en", "No answers yet.") in pdf_text(made.data, tmp_path)
