"""Reconciliation decisions and the near-duplicate similarity score.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("similarity", sa.Float))
    op.create_table("decisions", sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("article_id", sa.String(36), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("event_key", sa.String), sa.Column("field", sa.String, nullable=False),
                    sa.Column("value", sa.JSON), sa.Column("chosen_from", sa.String),
                    sa.Column("decided_by", sa.String, nullable=False), sa.Column("reason", sa.Text),
                    sa.Column("created_at", sa.String, nullable=False))
    op.create_index("ix_decisions_article_id", "decisions", ["article_id"])


def downgrade() -> None:
    op.drop_table("decisions")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("similarity")
