"""Calls run by several networks together

Revision ID: e3b5c7d9a1f2
Revises: d1a4e6b2c9f0
Create Date: 2026-12-10 10:00:00.000000

A call keeps its network (the lead); « call_partner » names the other networks that run
it with the lead. A new table only: nothing to move, the same on SQLite and PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3b5c7d9a1f2'
down_revision = 'd1a4e6b2c9f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('call_partner',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_partner_call_id_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_call_partner_network_id_network'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('call_id', 'network_id', name=op.f('pk_call_partner'))
    )
    op.create_index(op.f('ix_call_partner_network_id'), 'call_partner', ['network_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_call_partner_network_id'), table_name='call_partner')
    op.drop_table('call_partner')
