"""charter links and the rest

Revision ID: 677030038eb5
Revises: 93f98e1c8d64, a1c4e7d2b9f3
Create Date: 2026-12-07 20:59:26.756161

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = '677030038eb5'
down_revision = ('93f98e1c8d64', 'a1c4e7d2b9f3')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
