"""What the survey says about awareness of Twente companies, beside the 2018 baseline.

Q1 asks how many Twente companies a student could name before the fair; Q2
which of this edition's Twente Plaza companies they knew before. The discovery
rate joins Q2 to the stand visits: a visit to a company the visitor did not
know before is a discovery. The headline reads unexposed answers only (given
before the pin was shown the company list or visited a stand); the exposed ones
are reported beside it. The follow-up (Q1 "now") is paired with the pin's own
unexposed answer, pin by pin.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, false, func, select

from backend.models import (
    Company,
    FollowUpResponse,
    Stand,
    StandVisit,
    SurveyResponse,
    survey_known_companies,
)
from backend.models.types import NAMED_BEFORE, TWENTE_PLAZA
from exports import stats
from exports.figures import (
    AnswerRow,
    Awareness,
    Baseline,
    CompanyRow,
    Discovery,
    ExposedAnswers,
    FollowUp,
    ResponseRates,
    ShiftRow,
    StageCounts,
)
from exports.scope import Scope

known = survey_known_companies


@dataclass(frozen=True)
class Headline:
    """Unexposed respondents per Q1 answer; the share that could name none beside the baseline."""

    counts: dict[str, int]
    respondents: int
    named_none_share: float | None
    named_none_interval: stats.Interval | None
    baseline: Baseline
    difference_from_baseline: float | None
    difference_interval: stats.Interval | None
    verdict: str | None


def share(part: int | None, whole: int | None) -> float | None:
    """A share from 0 to 1 rounded to 4 decimals; None without a denominator (or a part)."""
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def rounded(interval: stats.Interval | None) -> stats.Interval | None:
    """An interval to 4 decimals, as the shares are."""
    if interval is None:
        return None
    return stats.Interval(round(interval.low, 4), round(interval.high, 4))


def counted_response(scope: Scope, exposed: bool = False) -> list:
    """A response that counts: not a test, of an active pin in the filters, answered in the
    window, and unexposed (the headline) or exposed (reported beside it)."""
    return [
        SurveyResponse.is_test == false(),
        scope.among(SurveyResponse.pin_id),
        *scope.during(SurveyResponse.answered_at),
        SurveyResponse.exposed if exposed else ~SurveyResponse.exposed,
    ]


def answer_rows(counts: dict[str, int], respondents: int) -> tuple[AnswerRow, ...]:
    """Respondents per Q1 answer with their share, in the answers' order."""
    return tuple(AnswerRow(answer, n, share(n, respondents)) for answer, n in counts.items())


def named_before(scope: Scope, exposed: bool = False) -> dict[str, int]:
    """Respondents per Q1 answer."""
    query = (
        select(SurveyResponse.named_before, func.count())
        .where(*counted_response(scope, exposed))
        .group_by(SurveyResponse.named_before)
    )
    counts = dict.fromkeys(NAMED_BEFORE, 0)
    counts.update({answer: int(n) for answer, n in scope.session.execute(query)})
    return counts


def companies(scope: Scope, respondents: int) -> tuple[CompanyRow, ...]:
    """Per Twente Plaza company of the event: respondents who ticked it in Q2."""
    ticked = (
        select(known.c.company_id, func.count().label("knew"))
        .join(SurveyResponse, SurveyResponse.id == known.c.response_id)
        .where(*counted_response(scope))
        .group_by(known.c.company_id)
        .subquery()
    )
    query = (
        select(Company.id, Company.name, ticked.c.knew)
        .join(Stand, Stand.company_id == Company.id)
        .outerjoin(ticked, ticked.c.company_id == Company.id)
        .where(Stand.event_id == scope.event.id, Stand.zone == TWENTE_PLAZA)
        .order_by(Stand.label)
    )
    return tuple(
        CompanyRow(company_id, name, int(knew or 0), share(int(knew or 0), respondents))
        for company_id, name, knew in scope.session.execute(query)
    )


def discovery(scope: Scope) -> Discovery:
    """Twente Plaza visits by respondents, and those at a company they did not know before."""
    query = (
        select(func.count(), func.sum(case((known.c.company_id.is_(None), 1), else_=0)))
        .select_from(StandVisit)
        .join(Stand, Stand.id == StandVisit.stand_id)
        .join(SurveyResponse, SurveyResponse.pin_id == StandVisit.pin_id)
        .outerjoin(
            known,
            and_(known.c.response_id == SurveyResponse.id, known.c.company_id == Stand.company_id),
        )
        .where(
            Stand.event_id == scope.event.id,
            Stand.zone == TWENTE_PLAZA,
            StandVisit.is_test == false(),
            *scope.during(StandVisit.visited_at),
            *counted_response(scope),
        )
    )
    visits, unknown = scope.session.execute(query).one()
    visits, unknown = int(visits or 0), int(unknown or 0)
    return Discovery(visits, unknown, share(unknown, visits))


def headline(scope: Scope, baseline: Baseline) -> Headline:
    """Unexposed respondents per Q1 answer; the share that could name none beside the baseline."""
    counts = named_before(scope)
    respondents = sum(counts.values())
    none = counts["0"]
    none_share = share(none, respondents)
    # The baseline is a share of a sample: 35% of 450 is 157.5 "students", as the
    # interval needs it (statsmodels takes the same).
    difference = stats.newcombe(none, respondents, baseline.share * baseline.size, baseline.size)
    return Headline(
        counts,
        respondents,
        none_share,
        rounded(stats.wilson(none, respondents)),
        baseline,
        # From the exact counts, so rounding the share first cannot shift the difference.
        None if none_share is None else round(none / respondents - baseline.share, 4),
        rounded(difference),
        verdict(difference),
    )


def verdict(difference: stats.Interval | None) -> str | None:
    """What the interval of the difference allows one to say, and no more."""
    if difference is None:
        return None
    if difference.high < 0:
        return "fewer_than_baseline"
    if difference.low > 0:
        return "more_than_baseline"
    return "not_distinguishable"


def exposed_answers(scope: Scope) -> ExposedAnswers:
    """Q1 as answered after the company list or a stand visit: kept apart, never mixed in."""
    counts = named_before(scope, exposed=True)
    respondents = sum(counts.values())
    return ExposedAnswers(
        respondents,
        answer_rows(counts, respondents),
        share(counts["0"], respondents),
    )


def follow_up(scope: Scope) -> FollowUp:
    """Pins with an unexposed Q1 answer and a follow-up answer: before and now, paired."""
    query = (
        select(SurveyResponse.named_before, FollowUpResponse.named_now, func.count())
        .join(FollowUpResponse, FollowUpResponse.pin_id == SurveyResponse.pin_id)
        .where(
            *counted_response(scope),
            FollowUpResponse.is_test == false(),
            *scope.during(FollowUpResponse.answered_at),
        )
        .group_by(SurveyResponse.named_before, FollowUpResponse.named_now)
    )
    table = {(before, now): int(n) for before, now, n in scope.session.execute(query)}
    pairs = sum(table.values())
    before = {a: sum(n for (b, _), n in table.items() if b == a) for a in NAMED_BEFORE}
    now = {a: sum(n for (_, w), n in table.items() if w == a) for a in NAMED_BEFORE}
    none_before_only = sum(n for (b, w), n in table.items() if b == "0" and w != "0")
    none_now_only = sum(n for (b, w), n in table.items() if b != "0" and w == "0")
    return FollowUp(
        pairs=pairs,
        named_none_before=share(before["0"], pairs),
        named_none_now=share(now["0"], pairs),
        none_before_only=none_before_only,
        none_now_only=none_now_only,
        mcnemar_p=round(stats.mcnemar_exact(none_before_only, none_now_only), 4) if pairs else None,
        shift=tuple(ShiftRow(a, before[a], now[a]) for a in NAMED_BEFORE),
    )


def response_rates(reached: StageCounts) -> ResponseRates:
    """Respondents (exposed or not) of the pins that landed and of those issued."""
    respondents = reached.answered_survey
    return ResponseRates(
        respondents, share(respondents, reached.landed), share(respondents, reached.issued)
    )


def awareness(scope: Scope, baseline: Baseline) -> Awareness:
    """Q1's distribution beside the baseline, Q2 per company, discovery, exposed, follow-up."""
    head = headline(scope, baseline)
    respondents = head.respondents
    return Awareness(
        respondents=respondents,
        named_before=answer_rows(head.counts, respondents),
        named_none_share=head.named_none_share,
        named_none_interval=head.named_none_interval,
        baseline=baseline.share,
        baseline_size=baseline.size,
        difference_from_baseline=head.difference_from_baseline,
        difference_interval=head.difference_interval,
        verdict=head.verdict,
        companies=companies(scope, respondents),
        discovery=discovery(scope),
        exposed=exposed_answers(scope),
        follow_up=follow_up(scope),
    )
