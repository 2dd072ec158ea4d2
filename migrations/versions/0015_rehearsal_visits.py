"""Stand visits outside the fair's days are rehearsals: a test, and said why

Revision ID: 0015
Revises: 0014

"""
from datetime import UTC
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # A batch copy on SQLite (a CHECK cannot be added in place); nothing refers to stand_visits.
    with op.batch_alter_table('stand_visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_rehearsal', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_stand_visits_rehearsal_is_test'), 'is_test OR NOT is_rehearsal')
    _earlier_rehearsals()


def _earlier_rehearsals():
    """Visits already stored outside their fair's days were counted; now they are rehearsals.

    The days are dates in the event's time zone, so this is done here rather than in SQL.
    A counted visit whose pin already has a test visit at that stand stays as it is: the
    unique (pin, stand, is_test) key leaves no room for a second test row.
    """
    visits = sa.table(
        'stand_visits', sa.column('id', sa.Integer()), sa.column('pin_id', sa.Integer()),
        sa.column('stand_id', sa.Integer()), sa.column('is_test', sa.Boolean()),
        sa.column('is_rehearsal', sa.Boolean()), sa.column('visited_at', sa.DateTime(timezone=True)),
    )
    stands = sa.table('stands', sa.column('id', sa.Integer()), sa.column('event_id', sa.Integer()))
    events = sa.table(
        'events', sa.column('id', sa.Integer()), sa.column('starts_on', sa.Date()),
        sa.column('ends_on', sa.Date()), sa.column('timezone', sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            visits.c.id, visits.c.pin_id, visits.c.stand_id, visits.c.is_test, visits.c.visited_at,
            events.c.starts_on, events.c.ends_on, events.c.timezone,
        ).select_from(
            visits.join(stands, stands.c.id == visits.c.stand_id).join(events, events.c.id == stands.c.event_id)
        )
    ).all()
    tested = {(row.pin_id, row.stand_id) for row in rows if row.is_test}
    for row in rows:
        moment = row.visited_at if row.visited_at.tzinfo else row.visited_at.replace(tzinfo=UTC)
        if row.starts_on <= moment.astimezone(ZoneInfo(row.timezone)).date() <= row.ends_on:
            continue
        if not row.is_test and (row.pin_id, row.stand_id) in tested:
            continue
        bind.execute(
            visits.update().where(visits.c.id == row.id).values(is_test=True, is_rehearsal=True)
        )


def downgrade():
    with op.batch_alter_table('stand_visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_stand_visits_rehearsal_is_test'), type_='check')
        batch_op.drop_column('is_rehearsal')
