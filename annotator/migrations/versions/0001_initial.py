"""The first project schema.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = sa.String
T = sa.Text


def _ts():
    return [sa.Column("created_at", S, nullable=False)]


def upgrade() -> None:
    op.create_table("meta", sa.Column("key", S, primary_key=True), sa.Column("value", T, nullable=False))
    op.create_table("codebooks", sa.Column("id", S(36), primary_key=True), sa.Column("name", S, nullable=False),
                    sa.Column("version", S, nullable=False), sa.Column("content", T, nullable=False),
                    sa.Column("active", sa.Boolean, nullable=False), *_ts())
    op.create_table("import_batches", sa.Column("id", S(36), primary_key=True), *_ts(),
                    sa.Column("source", T), sa.Column("coder", S), sa.Column("report", sa.JSON))
    op.create_table("articles", sa.Column("id", S(36), primary_key=True), sa.Column("file_name", S),
                    sa.Column("source_path", T), sa.Column("title", T), sa.Column("outlet", S), sa.Column("url", T),
                    sa.Column("published", S), sa.Column("text", T, nullable=False),
                    sa.Column("body_start", sa.Integer), sa.Column("body_end", sa.Integer),
                    sa.Column("content_hash", S(64), nullable=False, unique=True),
                    sa.Column("batch_id", S(36), sa.ForeignKey("import_batches.id")),
                    sa.Column("near_duplicate_of", S(36), sa.ForeignKey("articles.id")),
                    sa.Column("relevance", sa.Float), sa.Column("position", sa.Integer, nullable=False),
                    sa.Column("extra", sa.JSON), *_ts())
    op.create_index("ix_articles_file_name", "articles", ["file_name"])
    op.create_table("coders", sa.Column("id", S(36), primary_key=True), sa.Column("name", S, nullable=False, unique=True),
                    sa.Column("kind", S, nullable=False), *_ts())
    op.create_table("assignments", sa.Column("id", S(36), primary_key=True),
                    sa.Column("article_id", S(36), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("coder_id", S(36), sa.ForeignKey("coders.id"), nullable=False), *_ts(),
                    sa.UniqueConstraint("article_id", "coder_id"))
    op.create_index("ix_assignments_article_id", "assignments", ["article_id"])
    op.create_index("ix_assignments_coder_id", "assignments", ["coder_id"])
    op.create_table("codings", sa.Column("id", S(36), primary_key=True),
                    sa.Column("article_id", S(36), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("coder_id", S(36), sa.ForeignKey("coders.id"), nullable=False),
                    sa.Column("status", S, nullable=False), sa.Column("flagged", sa.Boolean, nullable=False),
                    sa.Column("notes", T), sa.Column("extra", sa.JSON), *_ts(), sa.Column("updated_at", S, nullable=False),
                    sa.UniqueConstraint("article_id", "coder_id"))
    op.create_index("ix_codings_article_id", "codings", ["article_id"])
    op.create_index("ix_codings_coder_id", "codings", ["coder_id"])
    op.create_table("events", sa.Column("id", S(36), primary_key=True),
                    sa.Column("coding_id", S(36), sa.ForeignKey("codings.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("position", sa.Integer, nullable=False),
                    sa.Column("coder_id", S(36), sa.ForeignKey("coders.id"), nullable=False),
                    sa.Column("proposed", sa.Boolean, nullable=False), sa.Column("deleted", sa.Boolean, nullable=False),
                    sa.Column("extra", sa.JSON), *_ts(), sa.Column("updated_at", S, nullable=False))
    op.create_index("ix_events_coding_id", "events", ["coding_id"])
    op.create_table("field_values", sa.Column("id", S(36), primary_key=True),
                    sa.Column("coding_id", S(36), sa.ForeignKey("codings.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("event_id", S(36), sa.ForeignKey("events.id", ondelete="CASCADE")),
                    sa.Column("field", S, nullable=False), sa.Column("value", sa.JSON),
                    sa.Column("origin", S, nullable=False), sa.Column("evidence_start", sa.Integer),
                    sa.Column("evidence_end", sa.Integer), sa.Column("coder_id", S(36), sa.ForeignKey("coders.id"), nullable=False),
                    *_ts(), sa.Column("updated_at", S, nullable=False))
    op.create_index("ix_field_values_coding_id", "field_values", ["coding_id"])
    op.create_index("ix_field_values_event_id", "field_values", ["event_id"])
    op.create_index("ix_field_values_coding_event_field", "field_values", ["coding_id", "event_id", "field"])
    op.create_table("audit_log", sa.Column("id", S(36), primary_key=True), sa.Column("ts", S, nullable=False),
                    sa.Column("coder", S), sa.Column("action", S, nullable=False), sa.Column("entity", S),
                    sa.Column("entity_id", S(36)), sa.Column("article_id", S(36)), sa.Column("field", S),
                    sa.Column("old", sa.JSON), sa.Column("new", sa.JSON))
    op.create_index("ix_audit_log_ts", "audit_log", ["ts"])
    op.create_index("ix_audit_log_article_id", "audit_log", ["article_id"])
    op.create_table("suggestion_cache", sa.Column("text_hash", S(64), primary_key=True),
                    sa.Column("engine_version", S, primary_key=True), sa.Column("result", sa.JSON, nullable=False), *_ts())
    op.create_table("learned_patterns", sa.Column("id", S(36), primary_key=True), sa.Column("field", S, nullable=False),
                    sa.Column("text", T, nullable=False), sa.Column("value", T, nullable=False), sa.Column("extra", sa.JSON),
                    sa.Column("coder", S), sa.Column("article_id", S(36)), sa.Column("active", sa.Boolean, nullable=False),
                    *_ts(), sa.UniqueConstraint("field", "text"))
    # the audit log is append-only: the database itself refuses updates and deletes
    op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def downgrade() -> None:
    for table in ("learned_patterns", "suggestion_cache", "audit_log", "field_values", "events", "codings",
                  "assignments", "coders", "articles", "import_batches", "codebooks", "meta"):
        op.drop_table(table)
