"""A viewer's figures as one finite release, and which of its cells a viewer may not read.

A viewer (the municipality, and through it the public) may fetch a fixed set of
views of an edition (docs/metrics.md, "Small numbers"): the edition, each
channel, each batch and each day of the fair. Every count they can show is a
*cell* of one release; a cell shown in two views is the same cell, with one
value. The cells obey sums and bounds (a stage total is the sum of its
channels, a channel's of its batches, hours add up to their day, a pin counted
on a day was counted in the edition, ...): ``Model`` writes them all down, with
*latent* cells for what is counted but never shown (those who did not know a
company, scans outside the fair's days).

``decide`` picks the hidden cells for the whole release at once: every count
from 1 to ``below - 1`` (primary), then, while a linear program can still
narrow a hidden small count (the attacker of tests/test_suppression_attack.py,
on the same constraints), the smallest shown count beside it (secondary),
until every hidden small count can be anything from 0 to ``below`` (or its
row's issued pins, if fewer) given everything shown.
"""

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from threading import Lock

Key = tuple
EPSILON = 1e-6


class _Solver:
    """numpy and scipy's HiGHS, imported on first use: the app and the CLI start without them."""

    def __getattr__(self, name):
        import numpy
        from scipy.optimize import linprog
        from scipy.sparse import lil_matrix

        self.zeros, self.array, self.linprog, self.lil_matrix = (
            numpy.zeros,
            numpy.array,
            linprog,
            lil_matrix,
        )
        return getattr(self, name)


_solver = _Solver()


@dataclass
class Model:
    """The release's cells with their exact values, and the linear constraints they obey.

    A constraint is ``{key: coefficient}``: its sum is 0 (``equalities``) or at most 0
    (``inequalities``). Every cell is a count, so never negative.
    """

    values: dict[Key, int] = field(default_factory=dict)
    latent: set[Key] = field(default_factory=set)  # counted, never shown
    public: set[Key] = field(default_factory=set)  # known to anyone (batch sizes)
    protect_latent: set[Key] = field(default_factory=set)  # latent counts of students
    caps: dict[Key, int] = field(default_factory=dict)  # a cell's bound from public facts
    default_cap: int | None = None  # the edition's active pins, for any other count
    forced: set[Key] = field(default_factory=set)  # hidden whatever their value
    equalities: list[dict[Key, int]] = field(default_factory=list)
    inequalities: list[dict[Key, int]] = field(default_factory=list)

    def cell(self, key: Key, value: int | None, cap: int | None = None) -> Key:
        """A shown cell (its first value wins: one cell, one value)."""
        if value is not None:
            self.values.setdefault(key, int(value))
        if cap is not None:
            self.caps.setdefault(key, cap)
        return key

    def hidden_cell(self, key: Key, value: int, protect: bool = False) -> Key:
        """A latent cell: part of the sums, never shown."""
        self.values.setdefault(key, int(value))
        self.latent.add(key)
        if protect:
            self.protect_latent.add(key)
        return key

    def equal(self, left: Iterable[Key], right: Iterable[Key]) -> None:
        """sum(left) == sum(right)."""
        self.equalities.append(_terms(left, right))

    def at_most(self, left: Iterable[Key], right: Iterable[Key], times: int = 1) -> None:
        """sum(left) <= times * sum(right)."""
        self.inequalities.append(_terms(left, right, times))

    def protected(self, below: int) -> set[Key]:
        """The counts from 1 to ``below - 1`` that no viewer may read: those shown are hidden."""
        shown = {k for k in self.values if k not in self.latent and k not in self.public}
        return {
            k
            for k in shown | self.protect_latent
            if 0 < self.values[k] < below and k in self.values
        }


def _terms(left: Iterable[Key], right: Iterable[Key], times: int = 1) -> dict[Key, int]:
    terms: dict[Key, int] = {}
    for key in left:
        terms[key] = terms.get(key, 0) + 1
    for key in right:
        terms[key] = terms.get(key, 0) - times
    return {k: c for k, c in terms.items() if c}


@dataclass(frozen=True)
class Range:
    low: float
    high: float  # inf when unbounded


def ranges(model: Model, hidden: set[Key], cells: Iterable[Key]) -> dict[Key, Range | None]:
    """What an attacker who sees every cell not in ``hidden`` can say of each of ``cells``.

    Public cells are known even when hidden; latent ones are never known. The linear
    program's smallest and largest value of the cell (None: the figures shown contradict
    each other, which only figures counted at different moments can).
    """
    free, groups, root = _components(model, hidden)
    found = {}
    for cell in cells:
        if cell not in free:
            found[cell] = Range(model.values[cell], model.values[cell])
            continue
        program = _Program(groups.get(root(cell), []), [cell])
        low, high = program.bound(cell, 1), program.bound(cell, -1)
        found[cell] = None if None in (low, high) else Range(low, high)
    return found


def _components(model: Model, hidden: set[Key]):
    """The unknown cells, the constraints over them split into independent groups."""
    free = {k for k in model.values if (k in hidden or k in model.latent)} - model.public
    known = {k: v for k, v in model.values.items() if k not in free}
    rows = []  # (terms over free cells, constant, is equality)
    for kind, constraints in ((True, model.equalities), (False, model.inequalities)):
        for terms in constraints:
            loose = {k: c for k, c in terms.items() if k in free}
            constant = sum(c * known[k] for k, c in terms.items() if k in known)
            if loose:
                rows.append((loose, constant, kind))
    parent = {k: k for k in free}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for loose, _, _ in rows:
        first, *rest = loose
        for other in rest:
            parent[root(other)] = root(first)
    groups: dict[Key, list] = {}
    for row in rows:
        groups.setdefault(root(next(iter(row[0]))), []).append(row)
    return free, groups, root


class _Program:
    """One group's constraints as a linear program; the cells are unknowns >= 0."""

    def __init__(self, rows: list, cells: Iterable[Key]):
        self.variables = sorted({k for loose, _, _ in rows for k in loose} | set(cells), key=repr)
        self.index = {k: i for i, k in enumerate(self.variables)}
        self.rows = rows

    def _matrices(self, extra: int = 0, more: list | None = None):
        width = len(self.variables) + extra
        found = []
        for equality in (True, False):
            chosen = [r for r in self.rows if r[2] == equality]
            added = [] if equality else (more or [])
            if not chosen and not added:
                found += [None, None]
                continue
            a = _solver.lil_matrix((len(chosen) + len(added), width))
            for i, (loose, _, _) in enumerate(chosen):
                for k, c in loose.items():
                    a[i, self.index[k]] = c
            for i, terms in enumerate(added, start=len(chosen)):
                for j, c in terms.items():
                    a[i, j] = c
            b = [-constant for _, constant, _ in chosen] + [0.0] * len(added)
            found += [a.tocsr(), _solver.array(b, dtype=float)]
        return found

    def _run(self, c, extra=0, more=None, bounds=None):
        a_eq, b_eq, a_ub, b_ub = self._matrices(extra, more)
        return _solver.linprog(
            c,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=bounds or (0, None),
            method="highs",
        )

    def bound(self, cell: Key, direction: int) -> float | None:
        """The smallest (1) or largest (-1) value of ``cell``; None if infeasible."""
        c = _solver.zeros(len(self.variables))
        c[self.index[cell]] = direction
        result = self._run(c)
        if result.status == 2:
            return None
        if result.status == 3:
            return float("inf") if direction < 0 else 0.0
        return direction * result.fun

    def all_zero(self, cells: list[Key]) -> set[Key] | None:
        """Of ``cells``, those 0 at once when their sum is smallest (None: infeasible)."""
        c = _solver.zeros(len(self.variables))
        for cell in cells:
            c[self.index[cell]] = 1
        result = self._run(c)
        if result.status != 0:
            return None
        return {cell for cell in cells if result.x[self.index[cell]] <= EPSILON}

    def all_reach(self, needs: dict[Key, float]) -> set[Key] | None:
        """Of ``needs``' cells, those at their need at once when their capped sum is largest."""
        n, cells = len(self.variables), list(needs)
        c = _solver.zeros(n + len(cells))
        c[n:] = -1  # the most of sum(min(cell, need))
        more = [{n + i: 1, self.index[cell]: -1} for i, cell in enumerate(cells)]
        bounds = [(0, None)] * n + [(0, needs[cell]) for cell in cells]
        result = self._run(c, len(cells), more, bounds)
        if result.status != 0:
            return None
        return {cell for i, cell in enumerate(cells) if result.x[n + i] >= needs[cell] - EPSILON}


def failing(model: Model, hidden: set[Key], cells: Iterable[Key], below: int) -> list[Key]:
    """The ``cells`` an attacker can narrow below the protection interval (docs/metrics.md).

    Each group is tried at once first (all of its cells 0 together; all at their need
    together); only those that do not make it there are solved one by one.
    """
    free, groups, root = _components(model, hidden)
    by_group: dict[Key, list] = {}
    bad = []
    for cell in cells:
        if cell in free:
            by_group.setdefault(root(cell), []).append(cell)
        else:
            bad.append(cell)  # shown or public: no interval at all
    for group, members in by_group.items():
        program = _Program(groups.get(group, []), members)
        needs = {cell: need(model, below, cell) for cell in members}
        zero = program.all_zero(members)
        reach = program.all_reach(needs)
        if zero is None or reach is None:
            bad += members  # the figures contradict each other: hide more
            continue
        for cell in members:
            low = 0.0 if cell in zero else program.bound(cell, 1)
            high = needs[cell] if cell in reach else program.bound(cell, -1)
            if low is None or high is None or low > EPSILON or high < needs[cell] - EPSILON:
                bad.append(cell)
    return sorted(bad, key=repr)


def need(model: Model, below: int, cell: Key) -> float:
    """How high a hidden small count must be able to go: ``below``, or its public bound."""
    cap = model.caps.get(cell, model.default_cap)
    return float(below if cap is None else min(below, cap))


def protected_enough(model: Model, below: int, cell: Key, found: Range | None) -> bool:
    """From 0 to ``below`` (or the cell's bound from public facts, if lower) is possible."""
    if found is None:
        return False
    return found.low <= EPSILON and found.high >= need(model, below, cell) - EPSILON


def decide(model: Model, below: int) -> frozenset[Key]:
    """The cells a viewer is not shown (docs/metrics.md, "Small numbers")."""
    cache_key = (below, tuple(sorted(model.values.items(), key=repr)), frozenset(model.forced))
    with _LOCK:
        if cache_key in _DECIDED:
            _DECIDED.move_to_end(cache_key)
            return _DECIDED[cache_key]
    hidden = _decide(model, below)
    with _LOCK:
        _DECIDED[cache_key] = hidden
        while len(_DECIDED) > 64:
            _DECIDED.popitem(last=False)
    return hidden


_DECIDED: OrderedDict = OrderedDict()  # the same exact figures get the same answer, once
_LOCK = Lock()


def _decide(model: Model, below: int) -> frozenset[Key]:
    protected = model.protected(below)
    hidden = (protected | model.forced) - model.latent
    hideable = {k for k in model.values if k not in model.latent and k not in model.public}
    while True:
        bad = failing(model, hidden, protected, below)
        if not bad:
            return frozenset(hidden)
        added = set()
        for cell in bad:
            choice = _beside(model, hidden, hideable, cell)
            if choice is not None:
                added.add(choice)
        if not added:  # nothing shown is left beside them: nothing more to hide
            return frozenset(hidden)
        hidden |= added


def _beside(model: Model, hidden: set, hideable: set, cell: Key) -> Key | None:
    """The shown cell to hide next for ``cell``: the smallest non-zero one in a constraint
    with it, else with a hidden or latent cell linked to it; zeros last."""
    free = (hidden | model.latent) - model.public
    constraints = model.equalities + model.inequalities
    reached, frontier = {cell}, [cell]
    while frontier:
        direct = [t for t in constraints if any(k in t for k in frontier)]
        shown = {k for t in direct for k in t if k in hideable and k not in hidden}
        if shown:
            return min(shown, key=lambda k: (model.values[k] == 0, model.values[k], repr(k)))
        linked = {k for t in direct for k in t if k in free} - reached
        reached |= linked
        frontier = list(linked)
    return None
