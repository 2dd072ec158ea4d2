"""A stand can be retired: it keeps its visits and leaves the fair

Revision ID: 0014
Revises: 0013

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of stands would drop the table that
    # stand visits and tokens point at, which foreign keys refuse once there are visits.
    op.drop_column('stands', 'retired_at')
