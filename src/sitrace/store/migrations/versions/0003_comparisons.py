"""Interlaboratory comparisons and their results (key comparisons, PT rounds).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "comparison",
        sa.Column("id", _ID, nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pilot_id", _ID, nullable=False),
        sa.Column("quantity", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("nominal", sa.Float(), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("coverage_factor", sa.Float(), nullable=False),
        sa.Column("assigned_value", sa.Float(), nullable=True),
        sa.Column("assigned_uncertainty", sa.Float(), nullable=True),
        sa.Column("sigma_pt", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('key', 'supplementary', 'proficiency')", name=op.f("ck_comparison_kind")
        ),
        sa.CheckConstraint(
            "method IN ('procedure-a', 'lcs', 'median', 'dl', 'algorithm-a', 'reference', "
            "'formulation')",
            name=op.f("ck_comparison_method"),
        ),
        sa.CheckConstraint("status IN ('open', 'evaluated')", name=op.f("ck_comparison_status")),
        sa.ForeignKeyConstraint(
            ["pilot_id"], ["organisation.id"], name=op.f("fk_comparison_pilot_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison")),
        sa.UniqueConstraint("code", name=op.f("uq_comparison_code")),
    )
    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comparison_pilot_id"), ["pilot_id"], unique=False)

    op.create_table(
        "comparison_result",
        sa.Column("id", _ID, nullable=False),
        sa.Column("comparison_id", _ID, nullable=False),
        sa.Column("laboratory_id", _ID, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("uncertainty", sa.Float(), nullable=False),
        sa.Column("dof", sa.Float(), nullable=True),
        sa.Column("include", sa.Boolean(), nullable=False),
        sa.Column("reported", sa.JSON(), nullable=True),
        sa.Column("evaluation", sa.String(length=32), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("cmc", sa.JSON(), nullable=True),
        sa.Column("cmc_supported", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comparison_id"],
            ["comparison.id"],
            name=op.f("fk_comparison_result_comparison_id_comparison"),
        ),
        sa.ForeignKeyConstraint(
            ["laboratory_id"],
            ["organisation.id"],
            name=op.f("fk_comparison_result_laboratory_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_result")),
        sa.UniqueConstraint("comparison_id", "laboratory_id", name="participant"),
    )
    with op.batch_alter_table("comparison_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comparison_result_comparison_id"), ["comparison_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_comparison_result_laboratory_id"), ["laboratory_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("comparison_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_result_laboratory_id"))
        batch_op.drop_index(batch_op.f("ix_comparison_result_comparison_id"))

    op.drop_table("comparison_result")
    with op.batch_alter_table("comparison", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_pilot_id"))

    op.drop_table("comparison")
