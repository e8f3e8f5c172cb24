"""A change to published text waits beside it: moderation_revision

Revision ID: 9e4a2c7b1d35
Revises: 5b7e2d9c4a10
Create Date: 2026-12-07 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = '9e4a2c7b1d35'
down_revision = '5b7e2d9c4a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'moderation_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', patientlab.core.models.UTCDateTime(), nullable=False),
        sa.Column('updated_at', patientlab.core.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'],
                                name=op.f('fk_moderation_revision_author_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_revision')),
        sa.UniqueConstraint('kind', 'object_id',
                            name=op.f('uq_moderation_revision_kind')),
    )
    with op.batch_alter_table('moderation_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_revision_author_id'), ['author_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_revision_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('moderation_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_revision_created_at'))
        batch_op.drop_index(batch_op.f('ix_moderation_revision_author_id'))
    op.drop_table('moderation_revision')
