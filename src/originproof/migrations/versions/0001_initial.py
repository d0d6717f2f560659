"""Initial store schema: certificates, parts, part recipients.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("cert_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("last_claim_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verification_open", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("cert_hash", name=op.f("pk_certificates")),
    )
    op.create_table(
        "parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cert_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=42), nullable=False),
        sa.Column("owner_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("commitment_root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("binding", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('certificate', 'annex', 'supplier_declaration', 'verification_evidence')",
            name=op.f("ck_parts_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["cert_hash"], ["certificates.cert_hash"], name=op.f("fk_parts_cert_hash_certificates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parts")),
        sa.UniqueConstraint(
            "cert_hash",
            "kind",
            "owner",
            "commitment_root",
            name=op.f("uq_parts_cert_hash_kind_owner_commitment_root"),
        ),
    )
    op.create_index(op.f("ix_parts_cert_hash"), "parts", ["cert_hash"])
    op.create_index(op.f("ix_parts_ciphertext_hash"), "parts", ["ciphertext_hash"])
    op.create_index(op.f("ix_parts_owner"), "parts", ["owner"])
    op.create_index(op.f("ix_parts_retain_until"), "parts", ["retain_until"])
    op.create_table(
        "part_recipients",
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["parts.id"],
            name=op.f("fk_part_recipients_part_id_parts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("part_id", "key", name=op.f("pk_part_recipients")),
    )
    op.create_index(op.f("ix_part_recipients_key"), "part_recipients", ["key"])


def downgrade() -> None:
    op.drop_table("part_recipients")
    op.drop_table("parts")
    op.drop_table("certificates")
