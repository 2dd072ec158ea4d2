"""Input rules every door shares: free text and numbers, for the API, pages, CLI and imports.

A rule here is the one definition; schemas and use cases call it, so a value
refused through the API is refused through the CLI or an import as well.
"""

import re
from collections.abc import Mapping

from backend.errors import InvalidInput

ID_MAX = 2**31 - 1  # PostgreSQL's integer; a larger id can name no row
PAGE_MAX = 1_000_000  # the last page a list may be asked for, in the API and the console
TEXT_PROBLEM = (
    "Text must not contain control characters, lone surrogates or noncharacters (such as U+FFFE)."
)
_DIGITS = re.compile(r"[0-9]{1,10}")
# What free text may not hold. XML 1.0 (so the XLSX export) cannot hold C0 control
# characters but tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF;
# its section 2.2 discourages DEL, the C1 controls and every noncharacter (U+FDD0 to
# U+FDEF and the last two code points of each plane), which are refused as well.
UNSAFE_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)


def text_problem(value: str) -> str | None:
    """Why ``value`` may not be stored as text, or None.

    Control characters and U+FFFE/U+FFFF break the XLSX export for everybody (XML
    cannot hold them) and NUL cannot be stored by PostgreSQL; a lone surrogate
    (``"\\udc80"`` in JSON) cannot be encoded as UTF-8 at all.
    """
    return TEXT_PROBLEM if UNSAFE_TEXT.search(value) else None


MAX_JSON_DEPTH = 20  # the deepest body we take (a batch of visits) has 3 levels
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")
JSON_TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels."


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in ``body``, counted without parsing it."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def json_problem(body: bytes) -> str | None:
    """Why JSON text is refused before it is parsed, or None.

    Python's parser (and anything walking its result) recurses once per level: a few
    hundred levels in 650 bytes ended in RecursionError, a 500. Every door that parses
    JSON from a request asks this first.
    """
    return JSON_TOO_DEEP if json_depth(body) > MAX_JSON_DEPTH else None


def first_text_problem(data) -> str | None:
    """The problem of the first bad string anywhere in ``data`` (keys included), or None."""
    stack = [data]
    while stack:  # a loop, not recursion: the depth of a body is the sender's choice
        value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return problem
        elif isinstance(value, Mapping):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return None


def check_text(**values: str | None) -> None:
    """Refuse free text a use case is about to store: ``check_text(name=name, label=label)``."""
    problems = {
        field: [TEXT_PROBLEM]
        for field, value in values.items()
        if isinstance(value, str) and text_problem(value)
    }
    if problems:
        raise InvalidInput(fields=problems)


def whole_number(text: str | None, low: int = 1, high: int = ID_MAX) -> int | None:
    """A whole number typed as text, ``low`` to ``high``; None for anything else.

    ASCII digits only, at most ten: ``str.isdigit()`` also takes ``²`` and ``int()``
    takes ``1_0``, `` 1`` and full-width ``１``, none of which a form or URL should mean.
    """
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(text: str | None) -> int | None:
    """A row id from text: ASCII digits only (no ``1_0``, no full-width ``１``), 1 to 2³¹−1."""
    return whole_number(text, 1, ID_MAX)


def page_number(text: str | None) -> int:
    """A list's page from a query string: what the API's ``page`` takes, else page 1."""
    return whole_number(text, 1, PAGE_MAX) or 1


def search_text(value: str | None, high: int = 120) -> str:
    """A search box's text: what free text may not hold is dropped, then trimmed to ``high``.

    A search is never stored, so it is cleaned rather than refused (PostgreSQL would
    refuse a NUL in the query). Line breaks and tabs go too: a search is one line.
    """
    text = UNSAFE_TEXT.sub("", (value or "")[: high * 2])
    return text.replace("\t", "").replace("\n", "").replace("\r", "").strip()[:high]


def is_digits(text: str) -> bool:
    """Whether ``text`` is 1 to 10 ASCII digits: what a number in a URL may look like."""
    return bool(_DIGITS.fullmatch(text))


def free_text(value: str, field: str) -> str:
    """``value`` if it may be stored as text, else the one refusal (see ``text_problem``)."""
    if text_problem(value):
        raise InvalidInput(fields={field: [TEXT_PROBLEM]})
    return value
