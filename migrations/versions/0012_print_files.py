"""Print files prepared in the background

Revision ID: 0012
Revises: 0011

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'print_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('variant', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('folder', sa.String(length=80), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('preparing', 'ready', 'failed')", name=op.f('ck_print_jobs_state')),
        sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_print_jobs_batch_id_batches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs')),
        sa.UniqueConstraint('batch_id', 'variant', name=op.f('uq_print_jobs_batch_id_variant')),
    )


def downgrade():
    op.drop_table('print_jobs')
