"""An evening's town, postcode and department, for the public list's filter

Revision ID: 8c4d2e6f1a37
Revises: 5b7e2d9c4a10
Create Date: 2026-12-07 19:30:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8c4d2e6f1a37'
down_revision = '5b7e2d9c4a10'
branch_labels = None
depends_on = None

_TOWN = re.compile(r"(?:^|[\s,])(\d{5})\s+([^,\d][^,]*)$")


def _department(postcode):
    if postcode.startswith("20"):
        return "2A" if postcode[2] in "01" else "2B"
    return postcode[:3] if postcode.startswith("97") else postcode[:2]


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('town', sa.String(length=100), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('postcode', sa.String(length=5), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('department', sa.String(length=3), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_event_department'), ['department'], unique=False)
    # Evenings already on site: the town and postcode their address ends with
    # (« 28 rue Denfert-Rochereau, 69004 Lyon »), when it does.
    event = sa.table('event', sa.column('id', sa.Integer), sa.column('format', sa.String),
                     sa.column('address', sa.String), sa.column('town', sa.String),
                     sa.column('postcode', sa.String), sa.column('department', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(event.c.id, event.c.address)
                              .where(event.c.format == 'onsite')).all()
    for event_id, address in rows:
        found = _TOWN.search((address or "").strip())
        if found:
            postcode, town = found.group(1), found.group(2).strip()[:100]
            connection.execute(event.update().where(event.c.id == event_id).values(
                town=town, postcode=postcode, department=_department(postcode)))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_department'))
        batch_op.drop_column('department')
        batch_op.drop_column('postcode')
        batch_op.drop_column('town')
