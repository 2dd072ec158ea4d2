"""The intervals and the paired test agree with statsmodels, a reference implementation."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats import contingency_tables as contingency
from statsmodels.stats import proportion

from exports.stats import Interval, mcnemar_exact, newcombe, wilson


@st.composite
def counts(draw, most=2000):
    n = draw(st.integers(1, most))
    return draw(st.integers(0, n)), n


@settings(max_examples=300, deadline=None)
@given(counts())
def test_wilson_matches_statsmodels(sample):
    x, n = sample
    low, high = proportion.proportion_confint(x, n, alpha=0.05, method="wilson")
    ours = wilson(x, n)
    assert ours.low == pytest.approx(low, abs=1e-12)
    assert ours.high == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize("n", [1, 7, 450])
def test_wilson_at_the_edges_zero_and_all(n):
    for x in (0, n):
        low, high = proportion.proportion_confint(x, n, alpha=0.05, method="wilson")
        ours = wilson(x, n)
        assert (ours.low, ours.high) == pytest.approx((low, high), abs=1e-12)
    assert wilson(0, n).low == 0.0 and wilson(n, n).high == 1.0


def test_no_answers_have_no_interval():
    assert wilson(0, 0) is None
    assert newcombe(0, 0, 157.5, 450) is None


@settings(max_examples=300, deadline=None)
@given(counts(), counts(900))
def test_newcombe_matches_statsmodels(first, second):
    (x1, n1), (x2, n2) = first, second
    low, high = proportion.confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=0.05
    )
    ours = newcombe(x1, n1, x2, n2)
    assert ours.low == pytest.approx(low, abs=1e-9)
    assert ours.high == pytest.approx(high, abs=1e-9)


def test_newcombe_against_the_2018_baseline_of_35_percent_of_450():
    # The baseline is a share, not a count: 157.5 of 450 is exactly 35%.
    low, high = proportion.confint_proportions_2indep(
        60, 300, 157.5, 450, method="newcomb", compare="diff"
    )
    ours = newcombe(60, 300, 157.5, 450)
    assert (ours.low, ours.high) == pytest.approx((low, high), abs=1e-9)
    assert ours.excludes(0.0) and ours.high < 0  # 20% is fewer than 35%, beyond doubt


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_mcnemar_exact_matches_statsmodels(both, only_before, only_after, neither):
    table = [[both, only_before], [only_after, neither]]
    reference = contingency.mcnemar(table, exact=True).pvalue
    assert mcnemar_exact(only_before, only_after) == pytest.approx(reference, abs=1e-12)


def test_interval_excludes_only_values_outside_it():
    interval = Interval(-0.1, 0.05)
    assert not interval.excludes(0.0) and interval.excludes(0.06) and interval.excludes(-0.2)
