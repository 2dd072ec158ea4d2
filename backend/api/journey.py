"""The companion app (no token: the pin code is the key) and stand staff's visit registration."""

from flask.views import MethodView

from backend.api.base import Blueprint
from backend.api.journey_schemas import (
    FollowUpIn,
    PinStateOut,
    PublicEvent,
    SurveyIn,
    SurveyOut,
    VisitBatchIn,
    VisitBatchOut,
    VisitIn,
    VisitOut,
    load_visit_item,
)
from backend.auth import BEARER_DOC, ORGANISER, STAND, check_stand_access, require_role
from backend.client import count_unknown_code
from backend.error_responses import error_response, handle_domain_error, outage_is_unavailable
from backend.errors import PinNotFound
from backend.models.types import utcnow
from backend.services import journey, stamps, survey
from backend.services.guessing import REFUSED_RETRY_SECONDS
from backend.services.pins import find_pin

blp = Blueprint("journey_api", __name__, description="Companion app and stand staff")


@blp.errorhandler(PinNotFound)
@outage_is_unavailable
def _unknown_pin(error: PinNotFound):
    # A code is the key here, so an unknown one counts towards the guessing brake.
    if count_unknown_code():
        return error_response(
            429,
            "too_many_requests",
            "Too many unknown codes from this address; try again in a minute.",
            headers={"Retry-After": str(REFUSED_RETRY_SECONDS)},
        )
    return handle_domain_error(error)


@blp.route("/events/<slug>/public")
class PublicEventItem(MethodView):
    @blp.response(200, PublicEvent)
    def get(self, slug):
        """The event with its Twente Plaza companies and stands: what the app shows. No token."""
        return journey.public_event(slug)


@blp.route("/pins/<code>")
class PinItem(MethodView):
    @blp.response(200, PinStateOut)
    def get(self, code):
        """A pin's own progress: stands stamped, survey answered. The code is the key."""
        return journey.pin_state(find_pin(code), utcnow())


@blp.route("/pins/<code>/survey")
class PinSurvey(MethodView):
    @blp.arguments(SurveyIn)
    @blp.response(200, SurveyOut)
    def post(self, data, code):
        """Answer (or re-answer) the two questions for this pin, saying what the screen showed.

        An answer after the pin's first stand visit, after company names were shown
        to it, or changing an earlier answer is stored as exposed; the same answer
        again (a retry) changes nothing.
        """
        return survey.answer_survey(
            code,
            data["named_before"],
            data["known_before"],
            False,
            utcnow(),
            company_names_shown=data["company_names_shown"],
        )


@blp.route("/pins/<code>/survey/skip")
class PinSurveySkip(MethodView):
    @blp.response(200, PinStateOut)
    def post(self, code):
        """The student skipped the two questions: nothing is stored but that; not asked first again."""
        return survey.skip_survey(code, utcnow())


@blp.route("/pins/<code>/follow-up")
class PinFollowUp(MethodView):
    @blp.arguments(FollowUpIn)
    @blp.response(200, PinStateOut)
    @blp.alt_response(409, description="Not due: no Plaza visit yet, too soon, or already asked")
    def post(self, data, code):
        """Answer the follow-up question (Q1 with "now") once, when ``follow_up_due`` says so."""
        return survey.answer_follow_up(code, data["named_now"], False, utcnow())


def _visit_out(result):
    visit = result.visit
    return {
        "id": visit.id,
        "stand_id": visit.stand_id,
        "method": visit.method,
        "visited_at": visit.visited_at,
        "created": result.created,
        "rehearsal": result.rehearsal,
    }


@blp.route("/stands/<id:stand_id>/visits")
class StandVisits(MethodView):
    @require_role(ORGANISER, STAND)
    @blp.arguments(VisitIn)
    @blp.response(201, VisitOut)
    @blp.alt_response(200, schema=VisitOut, description="The pin was registered here before")
    @blp.doc(**BEARER_DOC)
    def post(self, data, stand_id):
        """Register a visit by scanning the student's pin (its code or its URL)."""
        check_stand_access(stand_id)
        result = stamps.staff_stamp(
            stand_id, data["pin"], utcnow(), data["scanned_at"], data["nonce"]
        )
        return _visit_out(result), 201 if result.created else 200


@blp.route("/stands/<id:stand_id>/visits/batch")
class StandVisitBatch(MethodView):
    @require_role(ORGANISER, STAND)
    @blp.arguments(VisitBatchIn)
    @blp.response(200, VisitBatchOut)
    @blp.doc(**BEARER_DOC)
    def post(self, data, stand_id):
        """Replay up to 500 scans made offline; each has its own result, a replay changes nothing."""
        check_stand_access(stand_id)
        return stamps.staff_stamp_batch(
            stand_id, [load_visit_item(i) for i in data["visits"]], utcnow(), count_unknown_code
        )
