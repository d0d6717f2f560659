"""Registrations: certificates certified from the store, stored and then registered on chain.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registrations",
        sa.Column("cert_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("document_digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("certifier", sa.String(length=42), nullable=False),
        sa.Column("agreement", sa.SmallInteger(), nullable=False),
        sa.Column("blanket_from", sa.BigInteger(), nullable=False),
        sa.Column("blanket_to", sa.BigInteger(), nullable=False),
        sa.Column("supersedes", sa.LargeBinary(length=32), nullable=True),
        sa.Column("batch_root", sa.LargeBinary(length=32), nullable=True),
        sa.Column("batch_proof", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("tx_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('stored', 'registered')", name=op.f("ck_registrations_state")),
        sa.ForeignKeyConstraint(
            ["cert_hash"], ["certificates.cert_hash"], name=op.f("fk_registrations_cert_hash_certificates")
        ),
        sa.PrimaryKeyConstraint("cert_hash", name=op.f("pk_registrations")),
        sa.UniqueConstraint("document_digest", name=op.f("uq_registrations_document_digest")),
    )
    op.create_index(op.f("ix_registrations_batch_root"), "registrations", ["batch_root"])


def downgrade() -> None:
    op.drop_table("registrations")
