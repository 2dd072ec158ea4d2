"""What the survey says about awareness of Twente companies, beside the 2018 baseline.

Q1 asks how many Twente companies a student could name before the fair; Q2
which of this edition's Twente Plaza companies they knew before. The discovery
rate joins Q2 to the stand visits: a visit to a company the visitor did not
know before is a discovery.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, false, func, select

from backend.models import Company, Stand, StandVisit, SurveyResponse, survey_known_companies
from backend.models.types import NAMED_BEFORE, TWENTE_PLAZA
from exports.figures import AnswerRow, Awareness, CompanyRow, Discovery
from exports.scope import Scope

known = survey_known_companies


@dataclass(frozen=True)
class Headline:
    """Respondents per Q1 answer, and the share that could name none beside the baseline."""

    counts: dict[str, int]
    respondents: int
    named_none_share: float | None
    difference_from_baseline: float | None


def share(part: int | None, whole: int | None) -> float | None:
    """A share from 0 to 1 rounded to 4 decimals; None without a denominator (or a part)."""
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def counted_response(scope: Scope) -> list:
    """A response that counts: not a test, of an active pin in the filters, answered in the window."""
    return [
        SurveyResponse.is_test == false(),
        scope.among(SurveyResponse.pin_id),
        *scope.during(SurveyResponse.answered_at),
    ]


def named_before(scope: Scope) -> dict[str, int]:
    """Respondents per Q1 answer."""
    query = (
        select(SurveyResponse.named_before, func.count())
        .where(*counted_response(scope))
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


def headline(scope: Scope, baseline: float) -> Headline:
    """Respondents per Q1 answer, and the share that could name none beside the baseline."""
    counts = named_before(scope)
    respondents = sum(counts.values())
    none_share = share(counts["0"], respondents)
    return Headline(
        counts,
        respondents,
        none_share,
        # From the exact counts, so rounding the share first cannot shift the difference.
        None if none_share is None else round(counts["0"] / respondents - baseline, 4),
    )


def awareness(scope: Scope, baseline: float) -> Awareness:
    """Q1's distribution beside the baseline, Q2 per company, and the discovery rate."""
    head = headline(scope, baseline)
    respondents = head.respondents
    return Awareness(
        respondents=respondents,
        named_before=tuple(
            AnswerRow(answer, n, share(n, respondents)) for answer, n in head.counts.items()
        ),
        named_none_share=head.named_none_share,
        baseline=baseline,
        difference_from_baseline=head.difference_from_baseline,
        companies=companies(scope, respondents),
        discovery=discovery(scope),
    )
