"""the whole cycle

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 06:59:23.582868
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('org_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('annual_inspection', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('inspection_year', sa.Integer(), nullable=True),
    sa.Column('on_abnormal_list', sa.Boolean(), nullable=False),
    sa.Column('on_serious_violation_list', sa.Boolean(), nullable=False),
    sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('contact_phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('credit_code'),
    sa.UniqueConstraint('name')
    )
    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('subject_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auditevent'))
    )
    op.create_table('community',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_office', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
    sa.UniqueConstraint('street_office', 'name', name=op.f('uq_community_street_office'))
    )
    op.create_table('cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_office', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycle')),
    sa.UniqueConstraint('street_office', 'year', name=op.f('uq_cycle_street_office'))
    )
    op.create_table('agencytrackrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('yellow_cards', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'year')
    )
    with op.batch_alter_table('agencytrackrecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agencytrackrecord_agency_id'), ['agency_id'], unique=False)

    op.create_table('call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('deadline', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_call_cycle_id_cycle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call')),
    sa.UniqueConstraint('cycle_id', 'version', name=op.f('uq_call_cycle_id'))
    )
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('domain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_domain_cycle_id_cycle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain')),
    sa.UniqueConstraint('cycle_id', 'key', name=op.f('uq_domain_cycle_id'))
    )
    with op.batch_alter_table('domain', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_domain_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('fund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_fund_cycle_id_cycle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund')),
    sa.UniqueConstraint('cycle_id', name=op.f('uq_fund_cycle_id'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_user_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('name', 'role', name=op.f('uq_user_name'))
    )
    op.create_table('weeklymeeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('minutes', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('attendees', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorder', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('minutes_recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_weeklymeeting_cycle_id_cycle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weeklymeeting')),
    sa.UniqueConstraint('cycle_id', 'week_start', name=op.f('uq_weeklymeeting_cycle_id'))
    )
    with op.batch_alter_table('weeklymeeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weeklymeeting_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('committeedecision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('flow_run_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.Column('include', sa.JSON(), nullable=False),
    sa.Column('exclude', sa.JSON(), nullable=False),
    sa.Column('reasons', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_committeedecision_call_id_call')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committeedecision'))
    )
    with op.batch_alter_table('committeedecision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committeedecision_call_id'), ['call_id'], unique=False)

    op.create_table('conflictofinterest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_conflictofinterest_agency_id_agency')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_conflictofinterest_reviewer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflictofinterest')),
    sa.UniqueConstraint('reviewer_id', 'agency_id', 'kind', name=op.f('uq_conflictofinterest_reviewer_id'))
    )
    with op.batch_alter_table('conflictofinterest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflictofinterest_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflictofinterest_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('donation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('donor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('donor_type', sa.String(length=32), nullable=False),
    sa.Column('donated_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('valuation_fen', sa.Integer(), nullable=True),
    sa.Column('restricted_domain_id', sa.Integer(), nullable=True),
    sa.Column('source_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_donation_fund_id_fund')),
    sa.ForeignKeyConstraint(['restricted_domain_id'], ['domain.id'], name=op.f('fk_donation_restricted_domain_id_domain')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation')),
    sa.UniqueConstraint('fund_id', 'source_key', name=op.f('uq_donation_fund_id'))
    )
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_fund_id'), ['fund_id'], unique=False)

    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('target_group', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('contact_phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('merge_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_need_community_id_community')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_need_cycle_id_cycle')),
    sa.ForeignKeyConstraint(['domain_id'], ['domain.id'], name=op.f('fk_need_domain_id_domain')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['need.id'], name=op.f('fk_need_duplicate_of_id_need')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need')),
    sa.UniqueConstraint('cycle_id', 'fingerprint', name=op.f('uq_need_cycle_id'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_domain_id'), ['domain_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_fen', sa.Integer(), nullable=False),
    sa.Column('planned_people', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('target_groups', sa.JSON(), nullable=False),
    sa.Column('cited_need_ids', sa.JSON(), nullable=False),
    sa.Column('matching_fen', sa.Integer(), nullable=False),
    sa.Column('schedule', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('screening_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('override_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('override_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('content_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_proposal_agency_id_agency')),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_proposal_call_id_call')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_proposal_community_id_community')),
    sa.ForeignKeyConstraint(['domain_id'], ['domain.id'], name=op.f('fk_proposal_domain_id_domain')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('call_id', 'agency_id', 'title', name=op.f('uq_proposal_call_id'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_domain_id'), ['domain_id'], unique=False)

    op.create_table('publicnotice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_publicnotice_call_id_call')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicnotice')),
    sa.UniqueConstraint('call_id', name=op.f('uq_publicnotice_call_id'))
    )
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('contract_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_award_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_award_proposal_id'))
    )
    op.create_table('budgetline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_budgetline_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgetline')),
    sa.UniqueConstraint('proposal_id', 'category', name=op.f('uq_budgetline_proposal_id'))
    )
    with op.batch_alter_table('budgetline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgetline_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('kpitarget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('indicator', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('planned', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_kpitarget_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpitarget')),
    sa.UniqueConstraint('proposal_id', 'month', 'indicator', name=op.f('uq_kpitarget_proposal_id'))
    )
    with op.batch_alter_table('kpitarget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpitarget_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('needcorrection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=700), nullable=False),
    sa.Column('domain_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('suggested_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('suggested_confidence', sa.Float(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('made_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_needcorrection_cycle_id_cycle')),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_needcorrection_need_id_need')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needcorrection'))
    )
    with op.batch_alter_table('needcorrection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needcorrection_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needcorrection_need_id'), ['need_id'], unique=False)

    op.create_table('needsplit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('apart_from_id', sa.Integer(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('made_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['apart_from_id'], ['need.id'], name=op.f('fk_needsplit_apart_from_id_need')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_needsplit_cycle_id_cycle')),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_needsplit_need_id_need')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needsplit')),
    sa.UniqueConstraint('need_id', 'apart_from_id', name=op.f('uq_needsplit_need_id'))
    )
    with op.batch_alter_table('needsplit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needsplit_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needsplit_need_id'), ['need_id'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submitter', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_objection_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('weighted_score', sa.Float(), nullable=False),
    sa.Column('normalised_score', sa.Float(), nullable=True),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_review_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_review_reviewer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('proposal_id', 'stage', 'reviewer_id', name=op.f('uq_review_proposal_id'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('reviewassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('assigned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_reviewassignment_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_reviewassignment_reviewer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewassignment')),
    sa.UniqueConstraint('proposal_id', 'stage', 'reviewer_id', name=op.f('uq_reviewassignment_proposal_id'))
    )
    with op.batch_alter_table('reviewassignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewassignment_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewassignment_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('screeningcheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_screeningcheck_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screeningcheck')),
    sa.UniqueConstraint('proposal_id', 'rule', name=op.f('uq_screeningcheck_proposal_id'))
    )
    with op.batch_alter_table('screeningcheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screeningcheck_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('people_planned', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_project_agency_id_agency')),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_project_award_id_award')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_project_community_id_community')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_project_cycle_id_cycle')),
    sa.ForeignKeyConstraint(['domain_id'], ['domain.id'], name=op.f('fk_project_domain_id_domain')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('award_id', name=op.f('uq_project_award_id'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_domain_id'), ['domain_id'], unique=False)

    op.create_table('tranche',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('condition', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_tranche_award_id_award')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tranche')),
    sa.UniqueConstraint('award_id', 'seq', name=op.f('uq_tranche_award_id'))
    )
    with op.batch_alter_table('tranche', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tranche_award_id'), ['award_id'], unique=False)

    op.create_table('actionitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closing_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['weeklymeeting.id'], name=op.f('fk_actionitem_meeting_id_weeklymeeting')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_actionitem_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actionitem')),
    sa.UniqueConstraint('meeting_id', 'seq', name=op.f('uq_actionitem_meeting_id'))
    )
    with op.batch_alter_table('actionitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actionitem_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actionitem_project_id'), ['project_id'], unique=False)

    op.create_table('dailyreport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('first_submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('no_activity_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('activities', sa.JSON(), nullable=False),
    sa.Column('people_served', sa.Integer(), nullable=False),
    sa.Column('beneficiary_refs', sa.JSON(), nullable=False),
    sa.Column('service_minutes', sa.Integer(), nullable=False),
    sa.Column('volunteers', sa.Integer(), nullable=False),
    sa.Column('volunteer_minutes', sa.Integer(), nullable=False),
    sa.Column('spend_fen', sa.JSON(), nullable=False),
    sa.Column('issues', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('risks', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_dailyreport_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dailyreport')),
    sa.UniqueConstraint('project_id', 'day', 'version', name=op.f('uq_dailyreport_project_id'))
    )
    with op.batch_alter_table('dailyreport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dailyreport_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_dailyreport_project_id'), ['project_id'], unique=False)

    op.create_table('ledgerentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=True),
    sa.Column('donation_id', sa.Integer(), nullable=True),
    sa.Column('award_id', sa.Integer(), nullable=True),
    sa.Column('tranche_id', sa.Integer(), nullable=True),
    sa.Column('memo', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_ledgerentry_award_id_award')),
    sa.ForeignKeyConstraint(['domain_id'], ['domain.id'], name=op.f('fk_ledgerentry_domain_id_domain')),
    sa.ForeignKeyConstraint(['donation_id'], ['donation.id'], name=op.f('fk_ledgerentry_donation_id_donation')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_ledgerentry_fund_id_fund')),
    sa.ForeignKeyConstraint(['tranche_id'], ['tranche.id'], name=op.f('fk_ledgerentry_tranche_id_tranche')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledgerentry')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_ledgerentry_idempotency_key'))
    )
    with op.batch_alter_table('ledgerentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledgerentry_fund_id'), ['fund_id'], unique=False)

    op.create_table('monthlyevaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('month_index', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('reports_expected', sa.Integer(), nullable=False),
    sa.Column('reports_submitted', sa.Integer(), nullable=False),
    sa.Column('reports_late', sa.Integer(), nullable=False),
    sa.Column('people_planned', sa.Integer(), nullable=False),
    sa.Column('people_served', sa.Integer(), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('beneficiaries_new', sa.Integer(), nullable=False),
    sa.Column('beneficiaries_to_date', sa.Integer(), nullable=False),
    sa.Column('volunteers', sa.Integer(), nullable=False),
    sa.Column('volunteer_minutes', sa.Integer(), nullable=False),
    sa.Column('service_minutes', sa.Integer(), nullable=False),
    sa.Column('indicators', sa.JSON(), nullable=False),
    sa.Column('budget_lines', sa.JSON(), nullable=False),
    sa.Column('spent_month_fen', sa.Integer(), nullable=False),
    sa.Column('spent_to_date_fen', sa.Integer(), nullable=False),
    sa.Column('planned_to_date_fen', sa.Integer(), nullable=False),
    sa.Column('budget_flagged', sa.Boolean(), nullable=False),
    sa.Column('issues_raised', sa.Integer(), nullable=False),
    sa.Column('risks_reported', sa.Integer(), nullable=False),
    sa.Column('items_closed', sa.Integer(), nullable=False),
    sa.Column('items_open', sa.Integer(), nullable=False),
    sa.Column('satisfaction_percent', sa.Integer(), nullable=True),
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
    sa.ForeignKeyConstraint(['evaluator_id'], ['user.id'], name=op.f('fk_monthlyevaluation_evaluator_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_monthlyevaluation_project_id_project')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_monthlyevaluation_reviewer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthlyevaluation')),
    sa.UniqueConstraint('project_id', 'month', name=op.f('uq_monthlyevaluation_project_id'))
    )
    with op.batch_alter_table('monthlyevaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthlyevaluation_project_id'), ['project_id'], unique=False)

    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('overdue_since', sa.Date(), nullable=True),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_notice_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('key', name=op.f('uq_notice_key'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_project_id'), ['project_id'], unique=False)

    op.create_table('yellowcard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_yellowcard_agency_id_agency')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_yellowcard_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yellowcard')),
    sa.UniqueConstraint('project_id', 'month', name=op.f('uq_yellowcard_project_id'))
    )
    with op.batch_alter_table('yellowcard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_yellowcard_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_yellowcard_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('yellowcard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_yellowcard_project_id'))
        batch_op.drop_index(batch_op.f('ix_yellowcard_agency_id'))

    op.drop_table('yellowcard')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_project_id'))

    op.drop_table('notice')
    with op.batch_alter_table('monthlyevaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthlyevaluation_project_id'))

    op.drop_table('monthlyevaluation')
    with op.batch_alter_table('ledgerentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledgerentry_fund_id'))

    op.drop_table('ledgerentry')
    with op.batch_alter_table('dailyreport', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dailyreport_project_id'))
        batch_op.drop_index(batch_op.f('ix_dailyreport_day'))

    op.drop_table('dailyreport')
    with op.batch_alter_table('actionitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actionitem_project_id'))
        batch_op.drop_index(batch_op.f('ix_actionitem_meeting_id'))

    op.drop_table('actionitem')
    with op.batch_alter_table('tranche', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tranche_award_id'))

    op.drop_table('tranche')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_domain_id'))
        batch_op.drop_index(batch_op.f('ix_project_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_project_agency_id'))

    op.drop_table('project')
    with op.batch_alter_table('screeningcheck', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screeningcheck_proposal_id'))

    op.drop_table('screeningcheck')
    with op.batch_alter_table('reviewassignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewassignment_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_reviewassignment_proposal_id'))

    op.drop_table('reviewassignment')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_review_proposal_id'))

    op.drop_table('review')
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_proposal_id'))

    op.drop_table('objection')
    with op.batch_alter_table('needsplit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needsplit_need_id'))
        batch_op.drop_index(batch_op.f('ix_needsplit_cycle_id'))

    op.drop_table('needsplit')
    with op.batch_alter_table('needcorrection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needcorrection_need_id'))
        batch_op.drop_index(batch_op.f('ix_needcorrection_cycle_id'))

    op.drop_table('needcorrection')
    with op.batch_alter_table('kpitarget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpitarget_proposal_id'))

    op.drop_table('kpitarget')
    with op.batch_alter_table('budgetline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgetline_proposal_id'))

    op.drop_table('budgetline')
    op.drop_table('award')
    op.drop_table('publicnotice')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_domain_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_call_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_agency_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_domain_id'))
        batch_op.drop_index(batch_op.f('ix_need_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_need_community_id'))

    op.drop_table('need')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donation_fund_id'))

    op.drop_table('donation')
    with op.batch_alter_table('conflictofinterest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflictofinterest_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_conflictofinterest_agency_id'))

    op.drop_table('conflictofinterest')
    with op.batch_alter_table('committeedecision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committeedecision_call_id'))

    op.drop_table('committeedecision')
    with op.batch_alter_table('weeklymeeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weeklymeeting_cycle_id'))

    op.drop_table('weeklymeeting')
    op.drop_table('user')
    op.drop_table('fund')
    with op.batch_alter_table('domain', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_domain_cycle_id'))

    op.drop_table('domain')
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_cycle_id'))

    op.drop_table('call')
    with op.batch_alter_table('agencytrackrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencytrackrecord_agency_id'))

    op.drop_table('agencytrackrecord')
    op.drop_table('cycle')
    op.drop_table('community')
    op.drop_table('auditevent')
    op.drop_table('agency')
