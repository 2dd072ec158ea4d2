"""API tokens: create (the secret shown once), list, revoke. Organisers only."""

from types import SimpleNamespace

from flask.views import MethodView
from marshmallow import fields, validate

from backend.api.base import Blueprint, Schema
from backend.api.schemas import Name, PageQuery, StrictInt, page_of
from backend.auth import BEARER_DOC, ORGANISER, require_role
from backend.models.types import ROLES
from backend.services import tokens

blp = Blueprint("tokens", __name__, description="API tokens for organisers, viewers and stands")


class TokenIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    label = Name(80, required=True)
    stand_id = StrictInt(load_default=None, allow_none=True)
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True)


class TokenOut(Schema):
    id = fields.Integer()
    label = fields.String()
    role = fields.String()
    stand_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True, metadata={"description": "To the minute"})
    revoked_at = fields.DateTime(allow_none=True)


class TokenCreated(TokenOut):
    token = fields.String(metadata={"description": "The secret; shown in this response only"})


@blp.route("/tokens")
class Tokens(MethodView):
    @require_role(ORGANISER)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(TokenOut))
    @blp.doc(**BEARER_DOC)
    def get(self, args):
        """Every token, newest first, with its last use; never a secret."""
        return tokens.list_tokens(**args)

    @require_role(ORGANISER)
    @blp.arguments(TokenIn)
    @blp.response(201, TokenCreated)
    @blp.doc(**BEARER_DOC)
    def post(self, data):
        """Create a token; the response is the only place its secret ever appears."""
        row, secret = tokens.create_token(**data)
        return SimpleNamespace(
            **{name: getattr(row, name) for name in TokenOut().fields}, token=secret
        )


@blp.route("/tokens/<id:token_id>/revoke")
class TokenRevoke(MethodView):
    @require_role(ORGANISER)
    @blp.response(200, TokenOut)
    @blp.doc(**BEARER_DOC)
    def post(self, token_id):
        """Revoke a token: API calls and browser sessions with it end at once.

        The last live organiser token is refused (409 ``last_organiser_token``). A client
        may revoke the very token it calls with: the call says it means to.
        """
        return tokens.revoke_token(token_id, own=True)
