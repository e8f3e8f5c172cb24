"""One satisfaction answer per registration, held by the database

Revision ID: 8e3f1a2b7c44
Revises: f54f168c3b6f
Create Date: 2026-12-07 19:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e3f1a2b7c44'
down_revision = 'f54f168c3b6f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_satisfaction_receipt',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['event_registration.id'],
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id'))
    # Registrations that answered before keep their one answer.
    op.execute("INSERT INTO event_satisfaction_receipt (registration_id) "
               "SELECT id FROM event_registration WHERE satisfaction_answered")


def downgrade():
    op.drop_table('event_satisfaction_receipt')
