"""Decision rules on calibrations and interval policies (issue 8).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("calibration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("next_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("interval", sa.JSON(), nullable=True))

    op.create_table(
        "interval_policy",
        sa.Column("id", _ID, nullable=False),
        sa.Column("owner_id", _ID, nullable=True),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("initial_days", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "method IN ('fixed', 'staircase', 'a3', 's2')",
            name=op.f("ck_interval_policy_method"),
        ),
        sa.CheckConstraint("initial_days > 0", name=op.f("ck_interval_policy_initial_days")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["organisation.id"], name=op.f("fk_interval_policy_owner_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interval_policy")),
        sa.UniqueConstraint("owner_id", "category", name="owner_category"),
    )


def downgrade() -> None:
    op.drop_table("interval_policy")
    with op.batch_alter_table("calibration", schema=None) as batch_op:
        batch_op.drop_column("interval")
        batch_op.drop_column("next_due")
        batch_op.drop_column("decision")
