"""The end of a use case's transaction."""

from sqlalchemy.exc import IntegrityError

from backend.errors import Conflict
from backend.extensions import db


def commit_or_conflict(reason: str, fields: dict | None = None) -> None:
    """Commit; a unique constraint that says no becomes ``Conflict`` with ``reason``, not a 500.

    The database's constraints decide, so two racing requests end here too.
    """
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise Conflict(fields=fields, reason=reason) from error
