"""Stands at an edition."""

from flask import g, jsonify
from flask.views import MethodView

from backend.api.base import Blueprint
from backend.api.schemas import (
    PublicStandOut,
    StandIn,
    StandOut,
    StandPatch,
    StandQuery,
    page_of,
)
from backend.auth import (
    BEARER_DOC,
    ORGANISER,
    STAND,
    VIEWER,
    check_stand_access,
    require_role,
)
from backend.services import stands

blp = Blueprint("stands", __name__, description="Company stands and their poster codes")


def stand_projection(role: str):
    """Viewers see stands without the poster code, which is the key to stamping visits."""
    return PublicStandOut if role == VIEWER else StandOut


@blp.route("/events/<slug>/stands")
class EventStands(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(StandQuery, location="query")
    @blp.response(200, page_of(StandOut))
    @blp.doc(**BEARER_DOC)
    def get(self, args, slug):
        """List an edition's stands by label; ``zone`` filters (``twente-plaza`` or ``Twente Plaza``)."""
        page = stands.list_stands(slug, **args)
        return jsonify(page_of(stand_projection(g.token.role))().dump(page))

    @require_role(ORGANISER)
    @blp.arguments(StandIn)
    @blp.response(201, StandOut)
    @blp.doc(**BEARER_DOC)
    def post(self, data, slug):
        """Place a company at the edition; the stand gets its poster code."""
        return stands.create_stand(slug, **data)


@blp.route("/stands/<id:stand_id>")
class StandItem(MethodView):
    @require_role(ORGANISER, VIEWER, STAND)
    @blp.response(200, StandOut)
    @blp.doc(**BEARER_DOC)
    def get(self, stand_id):
        """One stand; a stand token may read its own stand only."""
        check_stand_access(stand_id)
        return jsonify(stand_projection(g.token.role)().dump(stands.get_stand(stand_id)))

    @require_role(ORGANISER)
    @blp.arguments(StandPatch)
    @blp.response(200, StandOut)
    @blp.doc(**BEARER_DOC)
    def patch(self, data, stand_id):
        """Move a stand: its label, zone or company; its poster code and visits stay with it."""
        return stands.update_stand(stand_id, **data)

    @require_role(ORGANISER)
    @blp.response(204)
    @blp.alt_response(409, description="The stand has visits or tokens: retire it instead")
    @blp.doc(**BEARER_DOC)
    def delete(self, stand_id):
        """Remove a stand that never had a visit or a token."""
        stands.delete_stand(stand_id)


@blp.route("/stands/<id:stand_id>/retire")
class StandRetire(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, StandOut)
    @blp.alt_response(409, description="Retired already")
    @blp.doc(**BEARER_DOC)
    def post(self, stand_id):
        """Retire a stand: its visits stay in the figures; new visits there are refused (409)."""
        return stands.retire_stand(stand_id)


@blp.route("/stands/<id:stand_id>/reinstate")
class StandReinstate(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, StandOut)
    @blp.alt_response(409, description="Not retired")
    @blp.doc(**BEARER_DOC)
    def post(self, stand_id):
        """Bring a retired stand back: visits are registered there again."""
        return stands.reinstate_stand(stand_id)
