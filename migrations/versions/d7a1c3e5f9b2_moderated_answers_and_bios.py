"""answers and member presentations moderated like questions

The team's answer moves from three columns of project_question to its own moderated
table, and the presentation from user.bio to member_bio. Existing answers were public
already: they stay published (the asker was told). Existing presentations were never
shown to anyone: they wait for a moderator.

Revision ID: d7a1c3e5f9b2
Revises: c6503a49b873
Create Date: 2026-11-28 11:05:00

"""
from alembic import op
import sqlalchemy as sa

import patientlab.core.models


revision = 'd7a1c3e5f9b2'
down_revision = 'c6503a49b873'
branch_labels = None
depends_on = None


def _moderation_columns():
    return [
        sa.Column('moderation_state', sa.String(length=12), nullable=False),
        sa.Column('moderated_at', patientlab.core.models.UTCDateTime(), nullable=True),
        sa.Column('moderation_reason', sa.String(length=30), nullable=False),
        sa.Column('moderation_note', sa.Text(), nullable=False),
        sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    ]


def upgrade():
    op.create_table('project_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', patientlab.core.models.UTCDateTime(), nullable=False),
    sa.Column('asker_told_at', patientlab.core.models.UTCDateTime(), nullable=True),
    *_moderation_columns(),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_answer_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['user.id'], name=op.f('fk_project_answer_moderated_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['project_question.id'], name=op.f('fk_project_answer_question_id_project_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_answer')),
    sa.UniqueConstraint('question_id', name=op.f('uq_project_answer_question_id'))
    )
    with op.batch_alter_table('project_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_answer_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_answer_moderation_state'), ['moderation_state'], unique=False)

    op.create_table('member_bio',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', patientlab.core.models.UTCDateTime(), nullable=False),
    *_moderation_columns(),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_member_bio_author_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['user.id'], name=op.f('fk_member_bio_moderated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_bio')),
    sa.UniqueConstraint('author_id', name=op.f('uq_member_bio_author_id'))
    )
    with op.batch_alter_table('member_bio', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_bio_moderation_state'), ['moderation_state'], unique=False)

    op.execute(
        "INSERT INTO project_answer (question_id, author_id, body, created_at, asker_told_at, "
        "moderation_state, moderated_at, moderation_reason, moderation_note, moderated_by_id) "
        "SELECT id, answered_by_id, answer, COALESCE(answered_at, created_at), "
        "COALESCE(answered_at, created_at), 'published', answered_at, '', '', NULL "
        "FROM project_question WHERE answer IS NOT NULL AND answer <> ''")
    op.execute(
        'INSERT INTO member_bio (author_id, body, created_at, moderation_state, moderated_at, '
        'moderation_reason, moderation_note, moderated_by_id) '
        "SELECT id, bio, created_at, 'pending', NULL, '', '', NULL "
        'FROM "user" WHERE bio IS NOT NULL AND bio <> \'\'')

    with op.batch_alter_table('project_question', schema=None) as batch_op:
        batch_op.drop_constraint('fk_project_question_answered_by_id_user', type_='foreignkey')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('answered_by_id')
        batch_op.drop_column('answer')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('bio')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('project_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', patientlab.core.models.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_project_question_answered_by_id_user', 'user', ['answered_by_id'], ['id'], ondelete='SET NULL')

    op.execute(
        "UPDATE project_question SET answer = (SELECT body FROM project_answer "
        "WHERE project_answer.question_id = project_question.id), "
        "answered_by_id = (SELECT author_id FROM project_answer "
        "WHERE project_answer.question_id = project_question.id), "
        "answered_at = (SELECT created_at FROM project_answer "
        "WHERE project_answer.question_id = project_question.id) "
        "WHERE id IN (SELECT question_id FROM project_answer)")
    op.execute(
        'UPDATE "user" SET bio = (SELECT body FROM member_bio '
        'WHERE member_bio.author_id = "user".id) '
        'WHERE id IN (SELECT author_id FROM member_bio)')

    with op.batch_alter_table('member_bio', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_bio_moderation_state'))
    op.drop_table('member_bio')
    with op.batch_alter_table('project_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_answer_moderation_state'))
        batch_op.drop_index(batch_op.f('ix_project_answer_author_id'))
    op.drop_table('project_answer')
