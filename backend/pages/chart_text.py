"""The words and numbers in the dashboard's charts, and how wide they will be drawn.

An SVG cannot wrap or shrink its text, so a chart decides its labels before it
draws them: ``width`` measures a text in DejaVu Sans (shipped in ``qr/fonts``;
Debian's default sans, and wider than Segoe UI, Roboto or San Francisco, so a
label measured to fit has room to spare elsewhere), ``wrap`` breaks a label into
lines that fit, and ``fitting`` picks the longest of a label's complete forms
that fits its room. No label is ever cut short: it fits, wraps, takes a shorter
complete form, or is left out (every bar also carries a ``<title>`` with its
figures).
"""

import html
import math
import re

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent, get_decimal_symbol
from reportlab.pdfbase import pdfmetrics

from backend.services.words import N_, say
from qr import fonts

DASH = "\u2014"

# The charts' own words, msgids of the catalogue; ``words(lang)`` says them.
WORDS = {
    "suppressed": N_("suppressed"),
    "empty": N_("No data yet"),
    "no_answers": N_("no answers yet"),
    "ours": N_("This edition"),
    "baseline": N_("Baseline 2018"),
}


def words(lang: str) -> dict[str, str]:
    """The charts' words in ``lang``."""
    return {key: say(lang, message) for key, message in WORDS.items()}


# The shipped DejaVu Sans (qr/fonts), by reportlab's names: regular and bold.
_FONTS = {False: "Speld-Sans", True: "Speld-Sans-Bold"}

# Characters XML 1.0 does not allow: a name with one in it must not break the page.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value) -> str:
    """``value`` as escaped XML character data, safe in an element and in an attribute."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


def width(label: str, size: float, bold: bool = False) -> float:
    """The drawn width of ``label`` in DejaVu Sans at font size ``size``, in the same units."""
    fonts.register()
    return pdfmetrics.stringWidth(_NOT_XML.sub("", label), _FONTS[bold], size)


def fitting(forms: list[str], room: float, size: float, bold: bool = False) -> str | None:
    """The first of ``forms`` (longest first, each complete) that fits ``room``, or None."""
    return next((form for form in forms if width(form, size, bold) <= room), None)


def wrap(label: str, room: float, size: float) -> list[str]:
    """``label`` in lines that each fit ``room``, broken between words.

    A single word wider than the room is broken between characters: the label
    stays whole, read across two lines, never shortened.
    """
    lines: list[str] = []
    for word in label.split() or [""]:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and width(candidate, size) <= room:
            lines[-1] = candidate
            continue
        while width(word, size) > room and len(word) > 1:
            cut = max(n for n in range(1, len(word)) if width(word[:n], size) <= room or n == 1)
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines


def count(value: int | None, lang: str = "en") -> str:
    """A count in ``lang``'s number format: ``1.234`` in Dutch, ``1,234`` in English."""
    return DASH if value is None else format_decimal(value, locale=lang)


def percent(share: float | None, lang: str = "en") -> str:
    """A share from 0 to 1 as a percentage with one decimal: ``35,2%`` in Dutch, ``35.2%``."""
    return DASH if share is None else format_percent(share, "#,##0.0%", locale=lang)


def decimal(value: float | None, lang: str = "en") -> str:
    """A probability or other fraction as a plain number with three decimals."""
    return DASH if value is None else format_decimal(value, "0.000", locale=lang)


def points(difference: float | None, lang: str = "en") -> str:
    """A difference of shares in percentage points, always signed (a true minus sign).

    One decimal, or two where one would print a bound that is not 0 as 0.0: an interval
    wholly below 0 (the verdict "fewer") never reads "… to −0.0 pp" unless its bound is
    below 0 by less than 0.005 pp: the JSON's 4 decimals hold it as −0.0, and its sign shows.
    """
    if difference is None:
        return DASH
    value = difference * 100
    shown = format_decimal(value, "+#,##0.0;-#,##0.0", locale=lang)
    if value != 0 and not any(digit in shown for digit in "123456789"):
        # Rounded to 0.0 (0.05 too: Babel rounds half to even), though it is not 0.
        shown = format_decimal(value, "+#,##0.00;-#,##0.00", locale=lang)
    # The sign once, and -0.0's too (Babel's versions differ on it: dropped, or kept).
    shown = ("-" if math.copysign(1, value) < 0 else "+") + shown.lstrip("+-")
    return say(lang, N_("%(points)s pp"), points=shown.replace("-", "\u2212"))


def p_value(p: float | None, lang: str = "en") -> str:
    """A p-value after "p": ``= 0.042``, or ``< 0.001`` where three decimals would say 0."""
    if p is None:
        return DASH
    shown = "< 0.001" if p < 0.0005 else f"= {p:.3f}"
    return shown.replace(".", get_decimal_symbol(lang))


def day_forms(day, lang: str) -> list[str]:
    """A day's complete labels, longest first, in Babel's forms for ``lang``.

    Dutch ``wo 18 feb``, ``18 feb``, ``18``; English ``Wed, Feb 18``, ``Feb 18``, ``18``.
    """
    return [format_skeleton(form, day, locale=lang) for form in ("MMMEd", "MMMd", "d")]
