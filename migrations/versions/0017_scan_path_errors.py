"""The scan path's server errors (5xx) per minute, door and status, for the live view

Revision ID: 0017
Revises: 0016

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scan_path_errors',
        sa.Column('minute', sa.DateTime(timezone=True), nullable=False),
        sa.Column('door', sa.String(length=16), nullable=False),
        sa.Column('status', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.CheckConstraint("door IN ('pin', 'landing', 'click', 'survey', 'stand', 'tablet', 'api')", name=op.f('ck_scan_path_errors_door')),
        sa.CheckConstraint('status >= 500 AND status <= 599', name=op.f('ck_scan_path_errors_status')),
        sa.CheckConstraint('count > 0', name=op.f('ck_scan_path_errors_count')),
        sa.PrimaryKeyConstraint('minute', 'door', 'status', name=op.f('pk_scan_path_errors')),
    )


def downgrade():
    op.drop_table('scan_path_errors')
