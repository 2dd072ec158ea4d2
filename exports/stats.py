"""Uncertainty for the council's figures: intervals and a paired test, in plain Python.

Pure functions of counts, checked against statsmodels in the tests. Formulas:
Wilson's score interval for one proportion; Newcombe's hybrid score interval
(1998, method 10) for the difference of two independent proportions; McNemar's
exact test for paired yes/no answers (a two-sided binomial test on the
discordant pairs).
"""

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def excludes(self, value: float) -> bool:
        return not self.low <= value <= self.high


def wilson(successes: float, n: float, z: float = Z95) -> Interval | None:
    """Wilson's 95% score interval for successes / n; None without observations."""
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At 0 and n the bounds are exactly 0 and 1; rounding would leave 1e-19 there.
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return Interval(low, high)


def newcombe(x1: float, n1: float, x2: float, n2: float, z: float = Z95) -> Interval | None:
    """Newcombe's hybrid score interval for p1 − p2 (two independent samples)."""
    first, second = wilson(x1, n1, z), wilson(x2, n2, z)
    if first is None or second is None:
        return None
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = d + math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return Interval(low, high)


def mcnemar_exact(only_before: int, only_after: int) -> float:
    """Two-sided exact p-value for paired answers that changed one way or the other.

    ``only_before``: pairs where the condition held before but not after; ``only_after``:
    the reverse. Unchanged pairs carry no information about the change.
    """
    n = only_before + only_after
    if n == 0:
        return 1.0
    k = min(only_before, only_after)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)
