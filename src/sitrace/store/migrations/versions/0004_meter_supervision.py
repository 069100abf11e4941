"""Meters in service in the data centre: alerts, work orders and lot decisions (issue 6).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:28:46
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "meter_lot",
        sa.Column("id", _ID, nullable=False),
        sa.Column("owner_id", _ID, nullable=False),
        sa.Column("manufacturer", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("sample", sa.JSON(), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('in_service', 'withdrawn', 'inconclusive')",
            name=op.f("ck_meter_lot_status"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["organisation.id"], name=op.f("fk_meter_lot_owner_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_lot")),
    )
    with op.batch_alter_table("meter_lot", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meter_lot_key", ["owner_id", "manufacturer", "model", "year"], unique=False
        )

    op.create_table(
        "meter_alert",
        sa.Column("id", _ID, nullable=False),
        sa.Column("owner_id", _ID, nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("meter", sa.String(length=100), nullable=True),
        sa.Column("item_id", _ID, nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("error_percent", sa.Float(), nullable=True),
        sa.Column("u_percent", sa.Float(), nullable=True),
        sa.Column("relative_error_percent", sa.Float(), nullable=True),
        sa.Column("mpe_percent", sa.Float(), nullable=True),
        sa.Column("intervals_used", sa.Integer(), nullable=True),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("validation", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('meter', 'area')", name=op.f("ck_meter_alert_kind")),
        sa.CheckConstraint(
            "status IN ('open', 'work_order', 'verified', 'dismissed')",
            name=op.f("ck_meter_alert_status"),
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_meter_alert_item_id_item")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["organisation.id"], name=op.f("fk_meter_alert_owner_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_alert")),
    )
    with op.batch_alter_table("meter_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meter_alert_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_meter_alert_owner_meter", ["owner_id", "kind", "meter", "status"], unique=False
        )

    op.create_table(
        "work_order",
        sa.Column("id", _ID, nullable=False),
        sa.Column("alert_id", _ID, nullable=False),
        sa.Column("owner_id", _ID, nullable=False),
        sa.Column("laboratory_id", _ID, nullable=False),
        sa.Column("item_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("calibration_id", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'verified', 'cancelled')", name=op.f("ck_work_order_status")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["meter_alert.id"], name=op.f("fk_work_order_alert_id_meter_alert")
        ),
        sa.ForeignKeyConstraint(
            ["calibration_id"],
            ["calibration.id"],
            name=op.f("fk_work_order_calibration_id_calibration"),
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_work_order_item_id_item")),
        sa.ForeignKeyConstraint(
            ["laboratory_id"],
            ["organisation.id"],
            name=op.f("fk_work_order_laboratory_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["organisation.id"], name=op.f("fk_work_order_owner_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order")),
    )
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_order_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_order_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_work_order_laboratory_id"), ["laboratory_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_order_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_order_owner_id"))
        batch_op.drop_index(batch_op.f("ix_work_order_laboratory_id"))
        batch_op.drop_index(batch_op.f("ix_work_order_item_id"))
        batch_op.drop_index(batch_op.f("ix_work_order_alert_id"))

    op.drop_table("work_order")
    with op.batch_alter_table("meter_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_meter_alert_owner_meter")
        batch_op.drop_index(batch_op.f("ix_meter_alert_item_id"))

    op.drop_table("meter_alert")
    with op.batch_alter_table("meter_lot", schema=None) as batch_op:
        batch_op.drop_index("ix_meter_lot_key")

    op.drop_table("meter_lot")
