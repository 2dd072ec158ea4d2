"""Stand visits outside the fair's days are rehearsals: a test, and said why

Revision ID: 0015
Revises: 0012

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # A batch copy on SQLite (a CHECK cannot be added in place); nothing refers to stand_visits.
    with op.batch_alter_table('stand_visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_rehearsal', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_stand_visits_rehearsal_is_test'), 'is_test OR NOT is_rehearsal')


def downgrade():
    with op.batch_alter_table('stand_visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_stand_visits_rehearsal_is_test'), type_='check')
        batch_op.drop_column('is_rehearsal')
