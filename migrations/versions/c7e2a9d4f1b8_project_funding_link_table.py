"""The funded application of a project page moves to a link table (the research cycle's)

Revision ID: c7e2a9d4f1b8
Revises: 677030038eb5
Create Date: 2026-12-07 22:40:00.000000

Projects no longer hold a key to calls' applications: ``project.application_id`` and
``project.reviewers_invited_at`` become rows of ``project_funding``, which the research
cycle owns. Existing links are copied across; downgrade copies them back.
"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


# revision identifiers, used by Alembic.
revision = 'c7e2a9d4f1b8'
down_revision = '677030038eb5'
branch_labels = None
depends_on = None


class _ForeignKeysOff:
    """SQLite changes a column by copying the table into a new one and dropping the old:
    with foreign keys enforced, that drop deletes every row that points at a project
    (milestones, news, evenings' links…) through ON DELETE CASCADE. Enforcement can only
    be switched off between transactions, so the migration's transaction is committed
    around the switch; the full-text index's triggers on « project » are made again."""

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
    op.create_table('project_funding',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', patientlab.core.models.UTCDateTime(), nullable=False),
    sa.Column('reviewers_invited_at', patientlab.core.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['call_application.id'], name=op.f('fk_project_funding_application_id_call_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_funding_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_funding')),
    sa.UniqueConstraint('application_id', name=op.f('uq_project_funding_application_id'))
    )
    # The link's date is unknown for pages linked before: the page's creation stands in.
    op.execute(
        "INSERT INTO project_funding (project_id, application_id, linked_at, "
        "reviewers_invited_at) SELECT id, application_id, created_at, reviewers_invited_at "
        "FROM project WHERE application_id IS NOT NULL")
    with _ForeignKeysOff(), op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_project_application_id_call_application'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_project_application_id'), type_='unique')
        batch_op.drop_column('reviewers_invited_at')
        batch_op.drop_column('application_id')


def downgrade():
    with _ForeignKeysOff(), op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewers_invited_at', patientlab.core.models.UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_project_application_id'), ['application_id'])
        batch_op.create_foreign_key(batch_op.f('fk_project_application_id_call_application'), 'call_application', ['application_id'], ['id'], ondelete='SET NULL')
    op.execute(
        "UPDATE project SET "
        "application_id = (SELECT f.application_id FROM project_funding f "
        "WHERE f.project_id = project.id), "
        "reviewers_invited_at = (SELECT f.reviewers_invited_at FROM project_funding f "
        "WHERE f.project_id = project.id)")
    op.drop_table('project_funding')
