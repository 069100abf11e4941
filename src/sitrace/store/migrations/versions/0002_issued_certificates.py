"""Issued Digital Calibration Certificates (signed XML archived as issued).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "issued_certificate",
        sa.Column("id", _ID, nullable=False),
        sa.Column("calibration_id", _ID, nullable=False),
        sa.Column("laboratory_id", _ID, nullable=False),
        sa.Column("unique_identifier", sa.String(length=200), nullable=False),
        sa.Column("schema_version", sa.String(length=16), nullable=False),
        sa.Column("validated", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("signer", sa.String(length=500), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calibration_id"],
            ["calibration.id"],
            name=op.f("fk_issued_certificate_calibration_id_calibration"),
        ),
        sa.ForeignKeyConstraint(
            ["laboratory_id"],
            ["organisation.id"],
            name=op.f("fk_issued_certificate_laboratory_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_certificate")),
        sa.UniqueConstraint("digest", name=op.f("uq_issued_certificate_digest")),
        sa.UniqueConstraint(
            "unique_identifier", name=op.f("uq_issued_certificate_unique_identifier")
        ),
    )
    op.create_index(
        op.f("ix_issued_certificate_calibration_id"),
        "issued_certificate",
        ["calibration_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_issued_certificate_laboratory_id"),
        "issued_certificate",
        ["laboratory_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_issued_certificate_laboratory_id"), table_name="issued_certificate")
    op.drop_index(op.f("ix_issued_certificate_calibration_id"), table_name="issued_certificate")
    op.drop_table("issued_certificate")
