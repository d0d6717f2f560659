"""Atomic writes and concurrent writers: a failure or a crash mid-write leaves no half record, and two
processes writing at once both succeed without losing a row."""

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Barrier

import pytest
import sqlalchemy
from pyrage import x25519
from sqlalchemy import event

from originproof import keys
from originproof.commitments import commit
from originproof.store import NewPart, PartKind, Store

MakePart = Callable[..., NewPart]
RawSql = Callable[..., list[tuple[object, ...]]]

# Children are forked so they need no importable entry point; each opens its own store.
_FORK = multiprocessing.get_context("fork")


class InjectedFailure(Exception):
    """The failure a test injects between two statements of one write."""


@contextmanager
def failing_on(prefix: str, failure: Callable[[], None]) -> Iterator[None]:
    """Call `failure` just before any engine runs a statement starting with `prefix`."""

    def before(_connection, _cursor, statement: str, *_: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(prefix):
            failure()

    event.listen(sqlalchemy.Engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(sqlalchemy.Engine, "before_cursor_execute", before)


def _raise() -> None:
    raise InjectedFailure


def _counts(raw_sql: RawSql) -> tuple[object, ...]:
    return tuple(
        raw_sql(f"SELECT count(*) FROM {table}")[0][0]
        for table in ("certificates", "parts", "part_recipients")
    )


def test_put_many__failure_after_parts_inserted__leaves_nothing(
    store: Store, make_part: MakePart, raw_sql: RawSql
) -> None:
    with failing_on("INSERT INTO PART_RECIPIENTS", _raise), pytest.raises(InjectedFailure):
        store.put_many([make_part(index) for index in range(3)])
    assert _counts(raw_sql) == (0, 0, 0)
    store.put(make_part(4))
    assert _counts(raw_sql) == (1, 1, 1)


def test_rotate_key__failure_midway__leaves_every_part_as_it_was(
    store: Store, make_part: MakePart, owner: x25519.Identity
) -> None:
    records = store.put_many([make_part(index) for index in range(3)])
    with failing_on("INSERT INTO PART_RECIPIENTS", _raise), pytest.raises(InjectedFailure):
        store.rotate_key(owner, keys.public_key(keys.generate_identity()))
    assert list(store.records()) == records
    assert store.read(records[0].id, owner)


def test_record_claim__failure_midway__leaves_retention_unchanged(
    store: Store, make_part: MakePart, raw_sql: RawSql
) -> None:
    from datetime import UTC, datetime

    record = store.put(make_part())
    with failing_on("UPDATE PARTS", _raise), pytest.raises(InjectedFailure):
        store.record_claim(record.cert_hash, datetime(2028, 1, 1, tzinfo=UTC))
    assert raw_sql("SELECT count(*) FROM certificates WHERE last_claim_at IS NOT NULL") == [(0,)]
    assert store.get(record.id).retain_until == record.retain_until


def _crash_mid_write(url: str, owner_key: bytes) -> None:
    store = Store(url)
    opening = commit({"exporter": {"name": "Crashing Boilers"}})
    with failing_on("INSERT INTO PART_RECIPIENTS", lambda: os._exit(17)):
        store.put(NewPart(opening.root, PartKind.CERTIFICATE, "0x" + "11" * 20, owner_key, opening))


def test_put__process_killed_mid_write__leaves_nothing(
    store_url: str, make_part: MakePart, owner: x25519.Identity, raw_sql: RawSql, clock
) -> None:
    Store(store_url).close()
    child = _FORK.Process(target=_crash_mid_write, args=(store_url, keys.public_key(owner)))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 17
    assert _counts(raw_sql) == (0, 0, 0)
    with Store(store_url, clock=clock) as store:
        store.put(make_part())
    assert _counts(raw_sql) == (1, 1, 1)


def _write_batches(url: str, writer: int, barrier: Barrier, batches: int, size: int) -> None:
    identity = keys.generate_identity()
    with Store(url) as store:
        barrier.wait(timeout=60)
        for batch in range(batches):
            openings = [commit({"writer": writer, "batch": batch, "item": item}) for item in range(size)]
            store.put_many(
                [
                    NewPart(
                        o.root,
                        PartKind.CERTIFICATE,
                        "0x" + f"{writer:02x}" * 20,
                        keys.public_key(identity),
                        o,
                    )
                    for o in openings
                ]
            )


def test_two_processes_writing_at_once__both_succeed_no_row_lost(store_url: str, raw_sql: RawSql) -> None:
    Store(store_url).close()
    batches, size = 5, 20
    barrier = _FORK.Barrier(2)
    writers = [
        _FORK.Process(target=_write_batches, args=(store_url, writer, barrier, batches, size))
        for writer in (1, 2)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=300)
    assert [writer.exitcode for writer in writers] == [0, 0]
    assert _counts(raw_sql) == (2 * batches * size,) * 3
    owners = raw_sql("SELECT owner, count(*) FROM parts GROUP BY owner ORDER BY owner")
    assert [count for _, count in owners] == [batches * size, batches * size]


def _open(url: str, barrier: Barrier) -> None:
    barrier.wait(timeout=60)
    Store(url).close()


def test_two_processes_opening_a_blank_store_at_once__both_migrate_it_once(blank_url: str) -> None:
    barrier = _FORK.Barrier(2)
    openers = [_FORK.Process(target=_open, args=(blank_url, barrier)) for _ in range(2)]
    for opener in openers:
        opener.start()
    for opener in openers:
        opener.join(timeout=120)
    assert [opener.exitcode for opener in openers] == [0, 0]
    engine = sqlalchemy.create_engine(blank_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            assert connection.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).all() == [
                ("0002",)
            ]
    finally:
        engine.dispose()
