"""registration changes, charter texts and moderation revisions

Revision ID: 1c548473db95
Revises: 5d7fe0a524de, 9a4c2e6d1b35
Create Date: 2026-12-07 20:48:43.726420

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = '1c548473db95'
down_revision = ('5d7fe0a524de', '9a4c2e6d1b35')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
