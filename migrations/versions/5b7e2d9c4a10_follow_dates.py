"""Since when a person follows a theme, a cancer type or a project

Revision ID: 5b7e2d9c4a10
Revises: c1999cdf5801
Create Date: 2026-12-02 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = '5b7e2d9c4a10'
down_revision = 'c1999cdf5801'
branch_labels = None
depends_on = None


def upgrade():
    # Follows made before this column have no date (counted as « before any period »).
    with op.batch_alter_table('notification_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', patientlab.core.models.UTCDateTime(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('notification_subscription', schema=None) as batch_op:
        batch_op.drop_column('created_at')
