"""Editions and companies."""

from flask.views import MethodView

from backend.api.base import Blueprint
from backend.api.schemas import (
    CompanyIn,
    CompanyOut,
    CompanyPatch,
    CompanyQuery,
    EventIn,
    EventOut,
    EventPatch,
    PageQuery,
    page_of,
)
from backend.auth import BEARER_DOC, ORGANISER, VIEWER, require_role
from backend.services import events

blp = Blueprint("events", __name__, description="Editions of the fair and the companies at them")


@blp.route("/events")
class Events(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(EventOut))
    @blp.doc(**BEARER_DOC)
    def get(self, args):
        """List editions, newest first."""
        return events.list_events(**args)

    @require_role(ORGANISER)
    @blp.arguments(EventIn)
    @blp.response(201, EventOut)
    @blp.doc(**BEARER_DOC)
    def post(self, data):
        """Create an edition."""
        return events.create_event(**data)


@blp.route("/events/<slug>")
class EventItem(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.response(200, EventOut)
    @blp.doc(**BEARER_DOC)
    def get(self, slug):
        """One edition."""
        return events.get_event(slug)

    @require_role(ORGANISER)
    @blp.arguments(EventPatch)
    @blp.response(200, EventOut)
    @blp.doc(**BEARER_DOC)
    def patch(self, data, slug):
        """Change an edition's name, dates, time zone or portal URL (the slug is fixed)."""
        return events.update_event(slug, **data)


@blp.route("/companies")
class Companies(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(CompanyQuery, location="query")
    @blp.response(200, page_of(CompanyOut))
    @blp.doc(**BEARER_DOC)
    def get(self, args):
        """List companies by name; ``is_twente`` filters."""
        return events.list_companies(**args)

    @require_role(ORGANISER)
    @blp.arguments(CompanyIn)
    @blp.response(201, CompanyOut)
    @blp.doc(**BEARER_DOC)
    def post(self, data):
        """Add a company."""
        return events.create_company(**data)


@blp.route("/companies/<id:company_id>")
class CompanyItem(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.response(200, CompanyOut)
    @blp.doc(**BEARER_DOC)
    def get(self, company_id):
        """One company."""
        return events.get_company(company_id)

    @require_role(ORGANISER)
    @blp.arguments(CompanyPatch)
    @blp.response(200, CompanyOut)
    @blp.doc(**BEARER_DOC)
    def patch(self, data, company_id):
        """Change a company."""
        return events.update_company(company_id, **data)
