"""The store's tables, as SQLAlchemy 2 models. Alembic migrations (`originproof/migrations`) create them."""

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from originproof.store.records import PartKind, RegistrationState

HASH_LENGTH = 32


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back timezone-aware, on SQLite (which keeps no zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    # Named constraints keep migrations reproducible across SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Certificate(Base):
    """What the store knows of a certificate beyond its parts: its last claim, an open verification."""

    __tablename__ = "certificates"

    cert_hash: Mapped[bytes] = mapped_column(LargeBinary(HASH_LENGTH), primary_key=True)
    last_claim_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verification_open: Mapped[bool] = mapped_column(default=False)


class Part(Base):
    """One encrypted confidential part of a certificate."""

    __tablename__ = "parts"
    __table_args__ = (
        UniqueConstraint("cert_hash", "kind", "owner", "commitment_root"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind.value}'" for kind in PartKind) + ")",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cert_hash: Mapped[bytes] = mapped_column(
        LargeBinary(HASH_LENGTH), ForeignKey("certificates.cert_hash"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(42), index=True)
    owner_key: Mapped[bytes] = mapped_column(LargeBinary(HASH_LENGTH))
    commitment_root: Mapped[bytes] = mapped_column(LargeBinary(HASH_LENGTH))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary())
    ciphertext_hash: Mapped[bytes] = mapped_column(LargeBinary(HASH_LENGTH), index=True)
    binding: Mapped[bytes] = mapped_column(LargeBinary(HASH_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retain_until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PartRecipient(Base):
    """One key a part is encrypted to; indexed by key so a rotated key's parts are found at once."""

    __tablename__ = "part_recipients"

    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary(HASH_LENGTH), primary_key=True, index=True)


class Registration(Base):
    """A certificate certified from this store, and how far its registration on chain has got.

    Written with the certificate's parts in one transaction (state `stored`) and marked `registered`
    once the chain holds it, so a run stopped in between is finished by the next one, never repeated.
    `document_digest` identifies the certified input, so a rerun finds this row instead of committing
    the same document again under fresh salts. A batch member keeps its batch root and its proof
    (32-byte nodes, concatenated) to prove its membership later.
    """

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(f"'{state.value}'" for state in RegistrationState) + ")",
            name="state",
        ),
    )

    cert_hash: Mapped[bytes] = mapped_column(
        LargeBinary(HASH_LENGTH), ForeignKey("certificates.cert_hash"), primary_key=True
    )
    document_digest: Mapped[bytes] = mapped_column(LargeBinary(HASH_LENGTH), unique=True)
    certifier: Mapped[str] = mapped_column(String(42))
    agreement: Mapped[int] = mapped_column(SmallInteger())
    blanket_from: Mapped[int] = mapped_column(BigInteger())
    blanket_to: Mapped[int] = mapped_column(BigInteger())
    supersedes: Mapped[bytes | None] = mapped_column(LargeBinary(HASH_LENGTH))
    batch_root: Mapped[bytes | None] = mapped_column(LargeBinary(HASH_LENGTH), index=True)
    batch_proof: Mapped[bytes | None] = mapped_column(LargeBinary())
    state: Mapped[str] = mapped_column(String(16))
    tx_hash: Mapped[bytes | None] = mapped_column(LargeBinary(HASH_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
