"""charter texts and moderation revisions

Revision ID: 5d7fe0a524de
Revises: 9e4a2c7b1d35, f54f168c3b6f
Create Date: 2026-12-07 20:39:22.062081

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = '5d7fe0a524de'
down_revision = ('9e4a2c7b1d35', 'f54f168c3b6f')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
