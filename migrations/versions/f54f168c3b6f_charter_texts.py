"""The charter's texts: each version holds its whole text in French and in English, and
version 2026-1 (until now a text nobody could read) is written in

Revision ID: f54f168c3b6f
Revises: 5b7e2d9c4a10
Create Date: 2026-12-07 19:40:00.000000

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = 'f54f168c3b6f'
down_revision = '5b7e2d9c4a10'
branch_labels = None
depends_on = None


def _charter_version():
    return sa.table(
        'charter_version',
        sa.column('id', sa.Integer()), sa.column('version', sa.String(20)),
        sa.column('summary', sa.Text()), sa.column('summary_en', sa.Text()),
        sa.column('body', sa.Text()), sa.column('body_en', sa.Text()),
        sa.column('published_at', patientlab.core.models.UTCDateTime()),
        sa.column('published_by_id', sa.Integer()))


def upgrade():
    with op.batch_alter_table('charter_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_en', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('body_en', sa.Text(), server_default='', nullable=False))

    # Version 2026-1 was a file left empty: people accepted it under that number. Its text
    # goes in as the first version, before any version an admin has published since.
    from patientlab.auth.charter_seed import first_version

    table = _charter_version()
    connection = op.get_bind()
    if connection.scalar(sa.select(table.c.id).where(
            table.c.version == first_version()['version'])) is not None:
        return
    row = first_version()
    earliest = connection.scalar(sa.select(sa.func.min(table.c.published_at)))
    if earliest is not None and earliest <= row['published_at']:
        row['published_at'] = earliest - timedelta(minutes=1)
    connection.execute(table.insert().values(**row))


def downgrade():
    from patientlab.auth.charter_seed import VERSION

    table = _charter_version()
    op.get_bind().execute(table.delete().where(table.c.version == VERSION,
                                               table.c.published_by_id.is_(None)))
    with op.batch_alter_table('charter_version', schema=None) as batch_op:
        batch_op.drop_column('body_en')
        batch_op.drop_column('summary_en')
