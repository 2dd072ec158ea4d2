"""Unknown code lookups: the guessing brake's count, shared by every worker and host

Revision ID: 0008
Revises: 0002

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unknown_code_lookups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('looked_up_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('source_hash', sa.String(length=64), nullable=False),
        sa.Column('refused', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unknown_code_lookups')),
    )
    with op.batch_alter_table('unknown_code_lookups', schema=None) as batch_op:
        batch_op.create_index('ix_unknown_code_lookups_source', ['source_hash', 'looked_up_at'], unique=False)
        batch_op.create_index('ix_unknown_code_lookups_looked_up_at', ['looked_up_at'], unique=False)


def downgrade():
    with op.batch_alter_table('unknown_code_lookups', schema=None) as batch_op:
        batch_op.drop_index('ix_unknown_code_lookups_looked_up_at')
        batch_op.drop_index('ix_unknown_code_lookups_source')
    op.drop_table('unknown_code_lookups')
