"""evening towns and the rest

Revision ID: 93f98e1c8d64
Revises: 1c548473db95, 8c4d2e6f1a37
Create Date: 2026-12-07 20:58:33.880614

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = '93f98e1c8d64'
down_revision = ('1c548473db95', '8c4d2e6f1a37')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
