"""A confirmed registrant adds people who wait for a seat

Revision ID: 9a4c2e6d1b35
Revises: 8e3f1a2b7c44
Create Date: 2026-12-07 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = '9a4c2e6d1b35'
down_revision = '8e3f1a2b7c44'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_seats', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('extra_since', patientlab.core.models.UTCDateTime(),
                                      nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_event_registration_extra_seats_range'),
            'extra_seats >= 0 AND seats + extra_seats <= 4')


def downgrade():
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_registration_extra_seats_range'), type_='check')
        batch_op.drop_column('extra_since')
        batch_op.drop_column('extra_seats')
