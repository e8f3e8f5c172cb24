"""The first charter's « Mes données » and « Vos données personnelles » become links, in
databases where nobody has accepted that version yet

Revision ID: a1c4e7d2b9f3
Revises: f54f168c3b6f
Create Date: 2026-12-07 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c4e7d2b9f3'
down_revision = 'f54f168c3b6f'
branch_labels = None
depends_on = None


def _tables():
    version = sa.table(
        'charter_version',
        sa.column('version', sa.String(20)), sa.column('body', sa.Text()),
        sa.column('body_en', sa.Text()), sa.column('published_by_id', sa.Integer()))
    acceptance = sa.table('charter_acceptance', sa.column('version', sa.String(20)))
    return version, acceptance


def _rewrite(old_body, old_body_en, new_body, new_body_en):
    """Version 2026-1's text, as the seed wrote it, becomes the other one; a text someone
    accepted, or one that differs from the seed's, stays as it is."""
    from patientlab.auth.charter_seed import VERSION

    version, acceptance = _tables()
    connection = op.get_bind()
    if connection.scalar(sa.select(sa.func.count()).select_from(acceptance).where(
            acceptance.c.version == VERSION)):
        return
    connection.execute(version.update().where(
        version.c.version == VERSION, version.c.published_by_id.is_(None),
        version.c.body == old_body, version.c.body_en == old_body_en,
    ).values(body=new_body, body_en=new_body_en))


def upgrade():
    from patientlab.auth.charter_seed import BODY, BODY_EN, without_links

    _rewrite(without_links(BODY), without_links(BODY_EN), BODY, BODY_EN)


def downgrade():
    from patientlab.auth.charter_seed import BODY, BODY_EN, without_links

    _rewrite(BODY, BODY_EN, without_links(BODY), without_links(BODY_EN))
