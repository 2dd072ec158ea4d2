"""What every PDF Speld makes says about itself: who made it, for which edition and batch.

A print shop sees these in its preflight and its job list ("Document properties"); a file that
says "ReportLab" and "anonymous" cannot be told from another fair's.
"""

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

VERSION = "0.1.0"  # the version in pyproject.toml (tests/qr/test_docinfo.py holds them equal)
SPELD = f"Speld {VERSION}"


@dataclass(frozen=True)
class DocInfo:
    """Title and subject of one file; Producer and Creator always name Speld and its version.

    created is the file's moment in seconds since the epoch (None: now); a print run gives all
    its files one, so the same run written twice gives the same bytes.
    """

    title: str
    subject: str = ""
    producer: str = SPELD
    creator: str = SPELD
    created: float | None = None

    def apply(self, canvas: Canvas) -> None:
        """Set the document information of a reportlab canvas."""
        canvas.setTitle(self.title)
        canvas.setSubject(self.subject)
        canvas.setProducer(self.producer)
        canvas.setCreator(self.creator)
        canvas.setAuthor(SPELD)


def joined(*parts: str) -> str:
    """Non-empty parts as one line: "Speld pins · BDT 2026 · Day 1"."""
    return " · ".join(" ".join(p.split()) for p in parts if p and p.strip())
