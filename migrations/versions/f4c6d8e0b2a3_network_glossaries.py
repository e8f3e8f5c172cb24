"""Each network's own glossary and plain words, beside the national ones

Revision ID: f4c6d8e0b2a3
Revises: e3b5c7d9a1f2
Create Date: 2026-12-08 03:00:00.000000

« glossary_term » and « plain_word » get a « network_id »: empty for the national glossary
and list (every existing row stays national), a network's id for its own. A word is once
in each network's list and once in the national list: a unique constraint on
(network_id, word) and, since NULLs never clash in a unique constraint, a partial unique
index on the national rows. Downgrade keeps the national rows only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4c6d8e0b2a3'
down_revision = 'e3b5c7d9a1f2'
branch_labels = None
depends_on = None

NATIONAL_ROW = sa.text("network_id IS NULL")
#: table → its columns unique in each list
COLUMNS = {"glossary_term": ("term", "slug"), "plain_word": ("word",)}


def upgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('network_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f(f'fk_{table}_network_id_network'), 'network',
                                        ['network_id'], ['id'], ondelete='CASCADE')
            batch_op.create_index(op.f(f'ix_{table}_network_id'), ['network_id'],
                                  unique=False)
            for column in columns:
                batch_op.drop_constraint(op.f(f'uq_{table}_{column}'), type_='unique')
                batch_op.create_unique_constraint(f'uq_{table}_network_{column}',
                                                  ['network_id', column])
        for column in columns:
            op.create_index(f'uq_{table}_national_{column}', table, [column], unique=True,
                            sqlite_where=NATIONAL_ROW, postgresql_where=NATIONAL_ROW)


def downgrade():
    for table, columns in COLUMNS.items():
        op.execute(sa.text(f"DELETE FROM {table} WHERE network_id IS NOT NULL"))
        for column in columns:
            op.drop_index(f'uq_{table}_national_{column}', table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(f'uq_{table}_network_{column}', type_='unique')
                batch_op.create_unique_constraint(op.f(f'uq_{table}_{column}'), [column])
            batch_op.drop_index(op.f(f'ix_{table}_network_id'))
            batch_op.drop_constraint(op.f(f'fk_{table}_network_id_network'),
                                     type_='foreignkey')
            batch_op.drop_column('network_id')
