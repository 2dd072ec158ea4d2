"""Each stand tablet's last report (heard at, waiting scans, version) for the live view

Revision ID: 0016
Revises: 0015

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tablet_states',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stand_id', sa.Integer(), nullable=False),
        sa.Column('tablet', sa.String(length=40), nullable=False),
        sa.Column('last_heard_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('queued', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['stand_id'], ['stands.id'], name=op.f('fk_tablet_states_stand_id_stands')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tablet_states')),
        sa.UniqueConstraint('stand_id', 'tablet', name=op.f('uq_tablet_states_stand_id_tablet')),
    )


def downgrade():
    op.drop_table('tablet_states')
