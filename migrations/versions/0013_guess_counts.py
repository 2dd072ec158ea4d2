"""The guessing brake counts per window; lookups keep no address

Revision ID: 0013
Revises: 0012

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'guess_counts',
        sa.Column('source_hash', sa.String(length=64), nullable=False),
        sa.Column('window_seconds', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('window_start', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('lookups', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('source_hash', 'window_seconds', 'window_start', name=op.f('pk_guess_counts')),
    )
    with op.batch_alter_table('guess_counts', schema=None) as batch_op:
        batch_op.create_index('ix_guess_counts_window_start', ['window_start'], unique=False)
    # The lookups were counted by their address's day code; the count now lives in
    # guess_counts, so the log keeps only when and whether it was refused.
    with op.batch_alter_table('unknown_code_lookups', schema=None) as batch_op:
        batch_op.drop_index('ix_unknown_code_lookups_source')
        batch_op.drop_column('source_hash')


def downgrade():
    with op.batch_alter_table('unknown_code_lookups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_hash', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index('ix_unknown_code_lookups_source', ['source_hash', 'looked_up_at'], unique=False)
    with op.batch_alter_table('guess_counts', schema=None) as batch_op:
        batch_op.drop_index('ix_guess_counts_window_start')
    op.drop_table('guess_counts')
