"""Networks: several cancéropôles on one platform

Revision ID: d1a4e6b2c9f0
Revises: c7e2a9d4f1b8
Create Date: 2026-12-08 02:00:00.000000

A « network » table, roles per network, reviewers' choice of networks and associations'
networks. Existing data moves into one first network (« Réseau principal », slug
« reseau », renamed by the administration): calls, evenings and project pages, the roles
of coordination, organisation and moderation, every association, and every validated
reviewer's consent to be invited by it. A message of the outbox may be sent in a network's
name (« sender »). Downgrade moves the roles back.
"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = 'd1a4e6b2c9f0'
down_revision = 'c7e2a9d4f1b8'
branch_labels = None
depends_on = None

NETWORK_ROLES = "('coordinator', 'organiser', 'moderator')"
SCOPED = ('call', 'event', 'project')


class _ForeignKeysOff:
    """SQLite changes a column by copying the table into a new one and dropping the old:
    with foreign keys enforced, that drop deletes every row that points at it through
    ON DELETE CASCADE. Enforcement can only be switched off between transactions, so the
    migration's transaction is committed around the switch; the project search index's
    triggers are made again."""

    def __enter__(self):
        self.bind = op.get_bind()
        self.sqlite = self.bind.dialect.name == "sqlite"
        if self.sqlite:
            self.bind.exec_driver_sql("COMMIT")
            self.bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
            self.bind.exec_driver_sql("BEGIN")
        return self

    def __exit__(self, exc_type, exc, traceback):
        if not self.sqlite or exc_type is not None:
            return False
        from patientlab.projects.search_index import SQLITE_CREATE, SQLITE_DROP

        for statement in (*SQLITE_DROP, *SQLITE_CREATE):
            self.bind.exec_driver_sql(statement)
        self.bind.exec_driver_sql("INSERT INTO project_search(project_search) VALUES ('rebuild')")
        broken = self.bind.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        self.bind.exec_driver_sql("COMMIT")
        self.bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        self.bind.exec_driver_sql("BEGIN")
        return False


def upgrade():
    network = op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('controller', sa.String(length=300), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('mail_sender_name', sa.String(length=120), nullable=False),
    sa.Column('mail_sender_address', sa.String(length=320), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('privacy_notice', sa.Text(), nullable=False),
    sa.Column('legal_notice', sa.Text(), nullable=False),
    sa.Column('host', sa.String(length=253), nullable=True),
    sa.Column('created_at', patientlab.core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network')),
    sa.UniqueConstraint('host', name=op.f('uq_network_host')),
    sa.UniqueConstraint('name', name=op.f('uq_network_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_network_slug'))
    )
    from datetime import datetime, timezone

    op.bulk_insert(network, [{
        'id': 1, 'slug': 'reseau', 'name': 'Réseau principal', 'short_name': 'Réseau',
        'region': '', 'contact_email': '', 'controller': '', 'colour': '#1d4f91',
        'mail_sender_name': '', 'mail_sender_address': '', 'signature': '',
        'privacy_notice': '', 'legal_notice': '', 'host': None,
        'created_at': datetime.now(timezone.utc)}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('network', 'id'), 1)")
    op.create_table('network_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('granted_at', patientlab.core.models.UTCDateTime(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_network_role_granted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_role_network_id_network'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_network_role_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'network_id', 'role', name=op.f('pk_network_role'))
    )
    op.create_index(op.f('ix_network_role_network_id'), 'network_role', ['network_id'], unique=False)
    op.create_table('reviewer_network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('created_at', patientlab.core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_reviewer_network_network_id_network'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reviewer_network_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer_network')),
    sa.UniqueConstraint('user_id', 'network_id', name=op.f('uq_reviewer_network_user_id'))
    )
    op.create_index(op.f('ix_reviewer_network_network_id'), 'reviewer_network', ['network_id'], unique=False)
    op.create_index(op.f('ix_reviewer_network_user_id'), 'reviewer_network', ['user_id'], unique=False)
    op.create_table('association_network',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_association_network_association_id_association'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_association_network_network_id_network'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('association_id', 'network_id', name=op.f('pk_association_network'))
    )
    op.create_index(op.f('ix_association_network_network_id'), 'association_network', ['network_id'], unique=False)
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender', sa.String(length=400), server_default='', nullable=False))

    with _ForeignKeysOff():
        for table in SCOPED:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column('network_id', sa.Integer(), nullable=True))
            op.execute(f"UPDATE {table} SET network_id = 1")  # noqa: S608 - fixed names
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column('network_id', existing_type=sa.Integer(), nullable=False)
                batch_op.create_index(batch_op.f(f'ix_{table}_network_id'), ['network_id'], unique=False)
                batch_op.create_foreign_key(batch_op.f(f'fk_{table}_network_id_network'), 'network', ['network_id'], ['id'], ondelete='RESTRICT')

    op.execute(
        "INSERT INTO network_role (user_id, network_id, role, granted_at, granted_by_id) "
        f"SELECT user_id, 1, role, granted_at, granted_by_id FROM user_role WHERE role IN {NETWORK_ROLES}")
    op.execute(f"DELETE FROM user_role WHERE role IN {NETWORK_ROLES}")
    op.get_bind().execute(sa.text(
        "INSERT INTO reviewer_network (user_id, network_id, created_at) "
        "SELECT DISTINCT user_id, 1, :now FROM user_role "
        "WHERE role IN ('patient_expert', 'association_rep')").bindparams(
        sa.bindparam("now", datetime.now(timezone.utc),
                     type_=patientlab.core.models.UTCDateTime())))
    op.execute("INSERT INTO association_network (association_id, network_id) "
               "SELECT id, 1 FROM association")


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('sender')
    op.execute(
        "INSERT INTO user_role (user_id, role, granted_at, granted_by_id) "
        "SELECT user_id, role, MIN(granted_at), MIN(granted_by_id) FROM network_role "
        "GROUP BY user_id, role")
    with _ForeignKeysOff():
        for table in SCOPED:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_constraint(batch_op.f(f'fk_{table}_network_id_network'), type_='foreignkey')
                batch_op.drop_index(batch_op.f(f'ix_{table}_network_id'))
                batch_op.drop_column('network_id')
    op.drop_index(op.f('ix_association_network_network_id'), table_name='association_network')
    op.drop_table('association_network')
    op.drop_index(op.f('ix_reviewer_network_user_id'), table_name='reviewer_network')
    op.drop_index(op.f('ix_reviewer_network_network_id'), table_name='reviewer_network')
    op.drop_table('reviewer_network')
    op.drop_index(op.f('ix_network_role_network_id'), table_name='network_role')
    op.drop_table('network_role')
    op.drop_table('network')
