"""the web portal: accounts, sessions, API tokens, login throttling

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('login', name=op.f('uq_account_login')),
    sa.UniqueConstraint('user_id', name=op.f('uq_account_user_id'))
    )
    op.create_table('loginattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loginattempt'))
    )
    op.create_index(op.f('ix_loginattempt_login'), 'loginattempt', ['login'], unique=False)
    op.create_index(op.f('ix_loginattempt_ip'), 'loginattempt', ['ip'], unique=False)
    op.create_table('websession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_websession_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_websession')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_websession_token_hash'))
    )
    op.create_index(op.f('ix_websession_account_id'), 'websession', ['account_id'], unique=False)
    op.create_table('apitoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_apitoken_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apitoken')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_apitoken_token_hash'))
    )
    op.create_index(op.f('ix_apitoken_account_id'), 'apitoken', ['account_id'], unique=False)
    op.create_table('reportdraft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_reportdraft_account_id_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_reportdraft_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reportdraft')),
    sa.UniqueConstraint('account_id', 'project_id', 'day', name=op.f('uq_reportdraft_account_id'))
    )
    op.create_index(op.f('ix_reportdraft_account_id'), 'reportdraft', ['account_id'], unique=False)
    with op.batch_alter_table('auditevent') as batch:
        batch.add_column(sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('auditevent') as batch:
        batch.drop_column('ip')
    op.drop_index(op.f('ix_reportdraft_account_id'), table_name='reportdraft')
    op.drop_table('reportdraft')
    op.drop_index(op.f('ix_apitoken_account_id'), table_name='apitoken')
    op.drop_table('apitoken')
    op.drop_index(op.f('ix_websession_account_id'), table_name='websession')
    op.drop_table('websession')
    op.drop_index(op.f('ix_loginattempt_ip'), table_name='loginattempt')
    op.drop_index(op.f('ix_loginattempt_login'), table_name='loginattempt')
    op.drop_table('loginattempt')
    op.drop_table('account')
