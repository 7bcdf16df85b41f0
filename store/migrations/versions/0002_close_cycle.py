"""closing the cycle: final evaluations, track record, archive

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('finalevaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('months_evaluated', sa.Integer(), nullable=False),
    sa.Column('monthly_mean', sa.Float(), nullable=True),
    sa.Column('monthly_grades', sa.JSON(), nullable=False),
    sa.Column('reports_expected', sa.Integer(), nullable=False),
    sa.Column('reports_submitted', sa.Integer(), nullable=False),
    sa.Column('reports_late', sa.Integer(), nullable=False),
    sa.Column('people_served', sa.Integer(), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('beneficiaries', sa.Integer(), nullable=False),
    sa.Column('volunteer_minutes', sa.Integer(), nullable=False),
    sa.Column('indicators', sa.JSON(), nullable=False),
    sa.Column('budget_fen', sa.Integer(), nullable=False),
    sa.Column('planned_to_date_fen', sa.Integer(), nullable=False),
    sa.Column('spent_fen', sa.Integer(), nullable=False),
    sa.Column('cited_needs', sa.JSON(), nullable=False),
    sa.Column('yellow_cards', sa.Integer(), nullable=False),
    sa.Column('vetoed_months', sa.Integer(), nullable=False),
    sa.Column('funds_misused', sa.Boolean(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total_score', sa.Float(), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('veto', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('scored_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['evaluator_id'], ['user.id'], name=op.f('fk_finalevaluation_evaluator_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_finalevaluation_project_id_project')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_finalevaluation_reviewer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finalevaluation')),
    sa.UniqueConstraint('project_id', name=op.f('uq_finalevaluation_project_id'))
    )
    op.create_table('cycleclosing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('archive_path', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('manifest_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rules_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_cycleclosing_cycle_id_cycle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycleclosing')),
    sa.UniqueConstraint('cycle_id', name=op.f('uq_cycleclosing_cycle_id'))
    )
    op.create_table('cyclereviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_cyclereviewer_cycle_id_cycle')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_cyclereviewer_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cyclereviewer')),
    sa.UniqueConstraint('cycle_id', 'user_id', name=op.f('uq_cyclereviewer_cycle_id'))
    )
    op.create_index(op.f('ix_cyclereviewer_cycle_id'), 'cyclereviewer', ['cycle_id'], unique=False)
    # Existing records had no breaches counted: they start at 0.
    with op.batch_alter_table('agencytrackrecord') as batch:
        batch.add_column(sa.Column('breaches', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('agencytrackrecord') as batch:
        batch.drop_column('breaches')
    op.drop_index(op.f('ix_cyclereviewer_cycle_id'), table_name='cyclereviewer')
    op.drop_table('cyclereviewer')
    op.drop_table('cycleclosing')
    op.drop_table('finalevaluation')
