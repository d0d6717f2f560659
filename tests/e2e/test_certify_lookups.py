"""What `certify` asks the chain and the store before registering: nothing about certificates and
batches it has just stored (their hashes are new), everything about those an earlier run left."""

from collections import Counter

import pytest
from cli_world import fail_once

from originproof.chain import ChainClient
from originproof.cli.frame import ExitCode
from originproof.store import RegistrationState
from originproof.store.registrations import Registrations

BOILER = "usmca-single-boiler"


@pytest.fixture
def lookups(monkeypatch) -> Counter[str]:
    """Calls of the chain's certificate and batch records, and of the store's batch members."""
    counts: Counter[str] = Counter()
    for owner, name in (
        (ChainClient, "certificate"),
        (ChainClient, "batch"),
        (Registrations, "batch_members"),
    ):
        original = getattr(owner, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
    return counts


def _files(cli, count: int, prefix: str) -> list[str]:
    return [str(cli.example(BOILER, stem=f"{prefix}{i}", invoice=f"{prefix}-{i}")) for i in range(count)]


def _all_registered(cli) -> bool:
    with cli.store("producer") as store:
        return all(r.state is RegistrationState.REGISTERED for r in store.registrations.all())


def test_certify__new_files_one_by_one__no_record_looked_up(cli, lookups):
    run = cli("producer", "certify", *_files(cli, 3, "n"))
    assert run.code == ExitCode.OK, run.err
    assert lookups == Counter()
    assert _all_registered(cli)


def test_certify__new_batch__neither_chain_nor_store_asked_for_it(cli, lookups):
    run = cli("producer", "certify", "--batch", *_files(cli, 4, "b"))
    assert run.code == ExitCode.OK, run.err
    assert lookups == Counter()
    assert len({outcome["batch_root"] for outcome in run.data}) == 1
    assert _all_registered(cli)


def test_certify__earlier_run_left_one_stored__looked_up_on_chain_once(cli, monkeypatch, lookups):
    fail_once(monkeypatch, ChainClient, "register", "connection lost")
    path = _files(cli, 1, "p")[0]
    assert cli("producer", "certify", path).code == ExitCode.ERROR
    lookups.clear()

    rerun = cli("producer", "certify", path, *_files(cli, 1, "q"))

    assert rerun.code == ExitCode.OK, rerun.err
    assert [o["registered"] for o in rerun.data] == ["now", "now"]
    assert lookups == Counter({"certificate": 1})


def test_certify__earlier_run_left_a_batch__its_members_and_root_looked_up(cli, monkeypatch, lookups):
    fail_once(monkeypatch, ChainClient, "register_batch", "rate limited")
    paths = _files(cli, 3, "r")
    assert cli("producer", "certify", "--batch", *paths).code == ExitCode.ERROR
    lookups.clear()

    rerun = cli("producer", "certify", "--batch", paths[0])

    assert rerun.code == ExitCode.OK, rerun.err
    assert lookups == Counter({"batch": 1, "batch_members": 1})
    assert _all_registered(cli)
