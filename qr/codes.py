"""Pin and stand codes: random, typeable, and checked so a typo never reaches the database.

A code is random Crockford base32 symbols plus one check symbol from the same alphabet, so it
stays inside QR alphanumeric mode. Pin codes are 8 random symbols (40 bits) + check = 9;
stand poster codes are 14 random symbols (70 bits) + check = 15, because a stand code is the
key to stamping visits and must not be guessable.

The check: read each symbol's alphabet index as an element of GF(2^5) and require

    sum_i  w_i * c_i  == 0        (addition is XOR; * is multiplication in GF(32))

with weight w_i = alpha^(n-1-i) for position i of an n-symbol code, alpha a primitive element,
so the check symbol (last) has weight 1 and equals the weighted sum of the others. The weights
are pairwise distinct and non-zero (n <= 31). Hence:
- a substitution a -> b at i changes the sum by w_i * (a ^ b), non-zero in a field;
- a swap of distinct a, b at positions i, j (adjacent or not, the check symbol included)
  changes it by (w_i ^ w_j) * (a ^ b), non-zero because w_i != w_j.
Both are always detected.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PIN_RANDOM = 8  # 40 bits
STAND_RANDOM = 14  # 70 bits
PIN_LENGTH = PIN_RANDOM + 1
STAND_LENGTH = STAND_RANDOM + 1
GROUP = 3  # display groups: ABC-DEF-GHJ
MAX_INPUT = 64  # longer input is rejected before any work: a code with separators is < 30

_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_CANONICAL = re.compile(r"[0-9A-HJKMNP-TV-Z]+")
# ASCII only: str.upper() would turn "ı" into "I" or "ß" into "SS" and accept non-ASCII input.
_NORMALIZE = str.maketrans(
    {
        **{chr(c): chr(c - 32) for c in range(ord("a"), ord("z") + 1)},
        "o": "0",
        "O": "0",
        "i": "1",
        "I": "1",
        "l": "1",
        "L": "1",
        "-": None,
        " ": None,
    }
)


def _gf_tables() -> tuple[list[int], list[int]]:
    """Exp and log tables of GF(32) over x^5 + x^2 + 1 (primitive, so alpha = x generates)."""
    exp, log, x = [0] * 62, [0] * 32, 1
    for power in range(31):
        exp[power] = exp[power + 31] = x
        log[x] = power
        x <<= 1
        if x & 0b100000:
            x ^= 0b100101
    return exp, log


_EXP, _LOG = _gf_tables()


def _syndrome(values: list[int]) -> int:
    """The weighted GF(32) sum above; zero for a well-formed code."""
    n, total = len(values), 0
    for i, v in enumerate(values):
        if v:
            total ^= _EXP[_LOG[v] + (n - 1 - i)]
    return total


def add_check(body: str) -> str:
    """body (canonical symbols) followed by its check symbol."""
    values = [_VALUE[ch] for ch in body]
    # The check symbol has weight 1, so it equals the syndrome of body + [0].
    return body + ALPHABET[_syndrome([*values, 0])]


def _mint(random_symbols: int) -> str:
    return add_check("".join(secrets.choice(ALPHABET) for _ in range(random_symbols)))


def mint_code() -> str:
    """A fresh pin code: 40 random bits plus a check symbol, canonical form."""
    return _mint(PIN_RANDOM)


def mint_stand_code() -> str:
    """A fresh stand poster code: 70 random bits plus a check symbol, canonical form."""
    return _mint(STAND_RANDOM)


def normalize(text: str) -> str:
    """Canonical form of what a person typed: upper case, O->0, I/L->1, no hyphens or spaces."""
    return text.translate(_NORMALIZE)


def _check(text: object, length: int) -> bool:
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        return False
    code = normalize(text)
    if len(code) != length or not _CANONICAL.fullmatch(code):
        return False
    return _syndrome([_VALUE[ch] for ch in code]) == 0


def is_valid(text: str) -> bool:
    """True if text is a well-formed pin code in any accepted spelling; never raises."""
    return _check(text, PIN_LENGTH)


def is_valid_stand(text: str) -> bool:
    """True if text is a well-formed stand code in any accepted spelling; never raises."""
    return _check(text, STAND_LENGTH)


def display(code: str) -> str:
    """The code grouped for people, e.g. ABC-DEF-GHJ; normalize() reads it back."""
    code = normalize(code)
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def pin_url(base_url: str, code: str) -> str:
    """The URL a pin's QR encodes, upper case so QR alphanumeric mode applies."""
    if not is_valid(code):
        raise ValueError(f"not a pin code: {code!r}")
    return f"{base_url.rstrip('/')}/P/{normalize(code)}".upper()


def stand_url(base_url: str, stand_code: str) -> str:
    """The URL a stand poster's QR encodes, upper case like pin URLs."""
    if not is_valid_stand(stand_code):
        raise ValueError(f"not a stand code: {stand_code!r}")
    return f"{base_url.rstrip('/')}/S/{normalize(stand_code)}".upper()
