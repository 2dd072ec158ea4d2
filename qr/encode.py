"""qrcode's symbol with its mask chosen by numpy: the same modules, several times faster.

To choose a mask, qrcode builds the whole symbol eight times in pure Python and scores each
build; that was 85% of a print run's time. Where a symbol's data bits go and what its
function patterns look like depend only on its version and level, so both are taken once
from qrcode itself (``_frame``). A symbol then only has its bits placed and its eight masks
scored at once with qrcode's own penalty rules. qrcode still chooses the version and makes
the codewords. tests/qr/test_encode.py holds the result equal to qrcode's for drawn data.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import qrcode
from qrcode import util

# The finder-like pattern qrcode's third rule looks for, and its mirror (1 is dark).
_FINDER_LIKE = (
    np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool),
    np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1], dtype=bool),
)


@dataclass(frozen=True)
class _Frame:
    """What every symbol of one version and level shares."""

    rows: np.ndarray  # the data modules, in the order qrcode places the bits
    cols: np.ndarray
    scored: np.ndarray  # function patterns as qrcode scores a mask: format and dark module light
    masks: np.ndarray  # (8, data modules): where mask k turns a data bit over
    finals: np.ndarray  # (8, n, n): function patterns with mask k's format information


class _Blank(qrcode.QRCode):
    """qrcode's symbol up to the point where the data goes in: None marks a data module."""

    def map_data(self, data, mask_pattern):  # qrcode calls it with these
        pass


def _blank(version: int, level: int, test: bool, mask: int) -> list[list[bool | None]]:
    symbol = _Blank(version=version, error_correction=level)
    symbol.data_cache = []  # nothing to encode: map_data above places nothing
    symbol.makeImpl(test, mask)
    return symbol.modules


def _placement(blank: list[list[bool | None]]) -> tuple[list[int], list[int]]:
    """The data modules in qrcode's map_data order: two columns at a time, up and down."""
    n = len(blank)
    rows, cols = [], []
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1  # the vertical timing pattern is skipped
        while 0 <= row < n:
            for c in (col, col - 1):
                if blank[row][c] is None:
                    rows.append(row)
                    cols.append(c)
            row += step
        row -= step
        step = -step
    return rows, cols


def _filled(blank: list[list[bool | None]]) -> np.ndarray:
    return np.array([[bool(cell) for cell in row] for row in blank], dtype=bool)


@lru_cache(maxsize=64)
def _frame(version: int, level: int) -> _Frame:
    scoring = _blank(version, level, test=True, mask=0)
    rows, cols = _placement(scoring)
    masks = np.array(
        [[util.mask_func(k)(r, c) for r, c in zip(rows, cols, strict=True)] for k in range(8)],
        dtype=bool,
    )
    finals = np.stack([_filled(_blank(version, level, test=False, mask=k)) for k in range(8)])
    return _Frame(np.array(rows), np.array(cols), _filled(scoring), masks, finals)


def _runs(a: np.ndarray) -> np.ndarray:
    """Rule 1 along the last axis: a run of n >= 5 same modules costs n - 2."""
    same = a[..., 1:] == a[..., :-1]
    n = a.shape[-1]
    # A run of n >= 5 holds n - 4 windows of five same modules; the first starts the run.
    five = same[..., : n - 4] & same[..., 1 : n - 3] & same[..., 2 : n - 2] & same[..., 3:]
    first = np.ones_like(five)
    first[..., 1:] = ~same[..., : n - 5]
    return five.sum(axis=(-2, -1)) + 2 * (five & first).sum(axis=(-2, -1))


def _finder_like(a: np.ndarray) -> np.ndarray:
    """Rule 3 along the last axis: 40 for every 1:1:3:1:1 pattern with four light beside it."""
    n = a.shape[-1]
    found = []
    for pattern in _FINDER_LIKE:
        match = np.ones(a.shape[:-1] + (n - 10,), dtype=bool)
        for j, dark in enumerate(pattern):
            match &= a[..., j : j + n - 10] == dark
        found.append(match)
    return 40 * (found[0] | found[1]).sum(axis=(-2, -1))


def _penalties(symbols: np.ndarray) -> list[int]:
    """qrcode's util.lost_point for each of a stack of symbols (k, n, n)."""
    across = symbols.transpose(0, 2, 1)
    blocks = (
        (symbols[:, :-1, :-1] == symbols[:, 1:, :-1])
        & (symbols[:, :-1, :-1] == symbols[:, :-1, 1:])
        & (symbols[:, :-1, :-1] == symbols[:, 1:, 1:])
    ).sum(axis=(1, 2))
    scores = _runs(symbols) + _runs(across) + 3 * blocks
    scores += _finder_like(symbols) + _finder_like(across)
    n = symbols.shape[-1]
    result = []
    for score, dark in zip(scores.tolist(), symbols.sum(axis=(1, 2)).tolist(), strict=True):
        # Rule 4 in qrcode's own float arithmetic, so a tie falls the same way.
        percent = float(dark) / (n**2)
        result.append(score + int(abs(percent * 100 - 50) / 5) * 10)
    return result


def encode(data: str, level: int) -> tuple[int, np.ndarray]:
    """(version, modules as an n x n bool array) exactly as qrcode.QRCode.make would make them."""
    symbol = qrcode.QRCode(error_correction=level)
    symbol.add_data(data)
    version = symbol.best_fit()
    codewords = util.create_data(version, level, symbol.data_list)
    frame = _frame(version, level)
    bits = np.unpackbits(np.frombuffer(bytes(codewords), dtype=np.uint8)).astype(bool)
    bits = np.pad(bits, (0, max(0, len(frame.rows) - len(bits))))[: len(frame.rows)]
    candidates = np.repeat(frame.scored[None], 8, axis=0)
    candidates[:, frame.rows, frame.cols] = bits[None, :] ^ frame.masks
    penalties = _penalties(candidates)
    best = penalties.index(min(penalties))  # the first of equals, as qrcode keeps it
    modules = frame.finals[best].copy()
    modules[frame.rows, frame.cols] = bits ^ frame.masks[best]
    return version, modules
