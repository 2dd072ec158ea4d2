"""The shared rule for free text people type (names, labels, reasons).

Placeholder until the hardening work lands its own rule for free text; then
this module gives way to it and ``rules.name`` calls that one instead.
"""

from backend.errors import InvalidInput


def free_text(value: str, field: str) -> str:
    """``value`` if it holds no control characters and no lone surrogates."""
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise InvalidInput(fields={field: ["Must not contain control characters."]})
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise InvalidInput(fields={field: ["Must be valid text."]})
    return value
