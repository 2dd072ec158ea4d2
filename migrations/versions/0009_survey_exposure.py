"""Survey exposure: what a pin had seen when it answered, its skips, and the follow-up answer

Revision ID: 0009
Revises: 0002

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy): SQLite adds a column in place, and copying
    # survey_responses would cascade-delete its Q2 rows while foreign keys are on.
    op.add_column('pins', sa.Column('companies_shown_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('pins', sa.Column('survey_skipped_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('pins', sa.Column('follow_up_skipped_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('survey_responses', sa.Column('after_stand_visit', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Every earlier answer was given on a landing page that listed the companies above Q1.
    op.add_column('survey_responses', sa.Column('after_company_list', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        'follow_up_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pin_id', sa.Integer(), nullable=False),
        sa.Column('named_now', sa.String(length=4), nullable=False),
        sa.Column('is_test', sa.Boolean(), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("named_now IN ('0', '1-2', '3-5', '6+')", name=op.f('ck_follow_up_responses_named_now')),
        sa.ForeignKeyConstraint(['pin_id'], ['pins.id'], name=op.f('fk_follow_up_responses_pin_id_pins')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_responses')),
        sa.UniqueConstraint('pin_id', name=op.f('uq_follow_up_responses_pin_id')),
    )
    # What is known of the pins already used: the landing page always showed the list,
    # and a stand visit before an answer made that answer a visited one.
    op.execute(
        "UPDATE pins SET companies_shown_at = "
        "(SELECT MIN(visited_at) FROM landing_visits WHERE landing_visits.pin_id = pins.id)"
    )
    op.execute(
        "UPDATE survey_responses SET after_stand_visit = "
        + ("true" if op.get_bind().dialect.name == "postgresql" else "1")
        + " WHERE EXISTS (SELECT 1 FROM stand_visits WHERE stand_visits.pin_id = "
        "survey_responses.pin_id AND stand_visits.visited_at <= survey_responses.answered_at)"
    )


def downgrade():
    op.drop_table('follow_up_responses')
    op.drop_column('survey_responses', 'after_company_list')
    op.drop_column('survey_responses', 'after_stand_visit')
    op.drop_column('pins', 'follow_up_skipped_at')
    op.drop_column('pins', 'survey_skipped_at')
    op.drop_column('pins', 'companies_shown_at')
