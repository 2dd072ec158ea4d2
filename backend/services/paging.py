"""One page of a query, the same way for every list."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from backend.extensions import db


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(statement: Select, page: int, per_page: int) -> Page:
    """Run ``statement`` for one page; the statement must have a stable ORDER BY."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), page, per_page, total)
