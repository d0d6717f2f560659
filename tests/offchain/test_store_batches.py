"""Storing a batch of parts: each record gets its own row's id, and the batch costs a few statements,
not one per part, on SQLite and PostgreSQL."""

from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from originproof.store import NewPart, PartKind, Store

MakePart = Callable[..., NewPart]


@pytest.fixture
def statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements the store sends while the test runs (an executemany counts once)."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    engine = store._engine
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_put_many__parts_of_certificates_already_stored__each_record_has_its_rows_id(
    store: Store, make_part: MakePart, other_address: str
) -> None:
    first = [make_part(index) for index in range(3)]
    stored = store.put_many(first)
    # More parts of the same certificates (another owner's annex) beside parts of new certificates.
    later = [
        make_part(10 + index, kind=PartKind.ANNEX, cert_hash=part.cert_hash, address=other_address)
        for index, part in enumerate(first)
    ] + [make_part(20 + index) for index in range(3)]

    records = store.put_many(later)

    assert [(r.cert_hash, r.kind, r.owner) for r in records] == [
        (p.cert_hash, p.kind, p.owner) for p in later
    ]
    assert len({r.id for r in [*stored, *records]}) == 9
    assert [store.get(record.id) for record in records] == records
    assert [store.get(record.id) for record in stored] == stored


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(min_value=1, max_value=12))
def test_put_many__any_batch__ids_follow_the_parts_order(
    store: Store, make_part: MakePart, count: int
) -> None:
    parts = [make_part(index) for index in range(count)]

    records = store.put_many(parts)

    assert [store.get(record.id).commitment_root for record in records] == [
        part.opening.root for part in parts
    ]


def test_put_many__a_batch__is_a_few_statements_not_one_per_part(
    store: Store, make_part: MakePart, statements: list[str]
) -> None:
    store.put_many([make_part(index) for index in range(5)])
    few = len(statements)
    statements.clear()

    store.put_many([make_part(index) for index in range(5, 45)])

    assert len(statements) == few
    assert sum(statement.lstrip().upper().startswith("INSERT INTO PARTS") for statement in statements) == 1
