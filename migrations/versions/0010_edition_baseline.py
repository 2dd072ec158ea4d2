"""The baseline each edition is held against: share and size (35% of 450 in 2018)

Revision ID: 0010
Revises: 0009

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# Plain ADD COLUMN (no batch): SQLite does it in place, without rebuilding ``events``,
# which the other tables' foreign keys point at.
def upgrade():
    op.add_column('events', sa.Column('baseline_share', sa.Double(), server_default='0.35', nullable=False))
    op.add_column('events', sa.Column('baseline_size', sa.Integer(), server_default='450', nullable=False))


def downgrade():
    op.drop_column('events', 'baseline_size')
    op.drop_column('events', 'baseline_share')
