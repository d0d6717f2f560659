"""`originproof certify` through `main(argv)` on the embedded chain: one, many, a batch, amendments, the
errors that stop a run before it stores or sends anything, and runs stopped halfway then finished."""

import json
import shutil
from datetime import date

import pytest
from cli_world import EXAMPLES, fail_once

from originproof import keys
from originproof.chain import ChainClient
from originproof.cli.frame import ExitCode
from originproof.commitments import Opening
from originproof.enums import Agreement, Status
from originproof.flows.certify import BATCH_LEAF_TYPES, annex_path_for
from originproof.merkle import verify as verify_leaf
from originproof.model.blanket import unix_day
from originproof.store import PartKind, RegistrationState
from originproof.store.registrations import Registrations

BOILER = "usmca-single-boiler"
CIRCUITS = "usmca-blanket-circuits"


def _hash(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def _registered_events(cli, cert_hash: bytes) -> list:
    events = ChainClient.connect(cli.deployment).events()
    return [e for e in events if e.name == "CertificateRegistered" and e.args["cert_hash"] == cert_hash]


@pytest.fixture
def sends(monkeypatch) -> dict[str, int]:
    """Counts of `register` and `register_batch` transactions the client sends."""
    counts = {"register": 0, "register_batch": 0}
    for name in counts:
        original = getattr(ChainClient, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(ChainClient, name, counted)
    return counts


# one certificate


def test_certify__one_file__registers_it_with_its_terms_and_prints_its_hash(cli, certificates, producer):
    run = cli("producer", "certify", str(cli.example(BOILER)))
    assert run.code == ExitCode.OK, run.err
    [outcome] = run.data
    cert_hash = _hash(outcome["cert_hash"])
    assert outcome["registered"] == "now"
    assert outcome["batch_root"] is None
    record = certificates.certificate(cert_hash)
    assert (record.certifier, record.agreement, record.status) == (
        producer.address,
        Agreement.USMCA,
        Status.ACTIVE,
    )
    assert (record.blanket_from, record.blanket_to) == (0, 0)
    assert outcome["tx_hash"] == _registered_events(cli, cert_hash)[0].tx_hash


def test_certify__text_output__is_the_hash_and_the_file(cli):
    path = cli.example(BOILER)
    run = cli("producer", "certify", str(path), json=False)
    assert run.code == ExitCode.OK, run.err
    cert_hash, file = run.out.split()
    assert len(cert_hash) == 66 and file == str(path)


def test_certify__stores_the_annex_first_and_commits_its_root_in_the_certificate(cli, identities):
    run = cli("producer", "certify", str(cli.example(BOILER)))
    [outcome] = run.data
    cert_hash = _hash(outcome["cert_hash"])
    with cli.store("producer") as store:
        [certificate] = store.find(cert_hash, kind=PartKind.CERTIFICATE)
        [annex] = store.find(cert_hash, kind=PartKind.ANNEX)
        opening = Opening.from_bytes(store.read(certificate.id, identities["producer"]))
        annex_opening = Opening.from_bytes(store.read(annex.id, identities["producer"]))
    assert opening.root == cert_hash
    assert opening.document["annex_root"] == outcome["annex_root"] == "0x" + annex.commitment_root.hex()
    assert annex_opening.document["good_hs_code"] == "840211"
    assert "annex_root" not in json.loads(cli.example(BOILER, annex=False).read_text())


def test_certify__blanket_period__registered_as_utc_midnights(cli, certificates):
    run = cli("exporter", "certify", str(cli.example(CIRCUITS)))
    assert run.code == ExitCode.OK, run.err
    record = certificates.certificate(_hash(run.data[0]["cert_hash"]))
    document = json.loads(cli.example(CIRCUITS).read_text())
    assert record.blanket_from == unix_day(date.fromisoformat(document["blanket"]["from"]))
    assert record.blanket_to - record.blanket_from > 300 * 86_400


def test_certify__encrypts_certificate_to_certifier_and_recipients_annex_to_its_owner_only(
    cli, identities, importer, producer
):
    importer_key = keys.public_key(identities["importer"])
    run = cli("exporter", "certify", str(cli.example(CIRCUITS)), "--to", importer.address)
    assert run.code == ExitCode.OK, run.err
    cert_hash = _hash(run.data[0]["cert_hash"])
    with cli.store("exporter") as store:
        [certificate] = store.find(cert_hash, kind=PartKind.CERTIFICATE)
        [annex] = store.find(cert_hash, kind=PartKind.ANNEX)
        assert set(certificate.recipients) == {keys.public_key(identities["exporter"]), importer_key}
        assert Opening.from_bytes(store.read(certificate.id, identities["importer"])).root == cert_hash
        # The annex belongs to the producer who made the goods: neither certifier nor importer can read it.
        assert annex.owner == producer.address
        assert annex.recipients == (keys.public_key(identities["producer"]),)
        assert Opening.from_bytes(store.read(annex.id, identities["producer"])).root == annex.commitment_root


def test_certify__annex_option__names_the_annex_file(cli, tmp_path):
    path = cli.example(BOILER, annex=False)
    other = tmp_path / "elsewhere.json"
    shutil.copy(EXAMPLES / f"{BOILER}.annex.json", other)
    run = cli("producer", "certify", str(path), "--annex", str(other))
    assert run.code == ExitCode.OK, run.err
    assert run.data[0]["annex_root"] is not None


def test_certify__without_annex_file__certifies_the_certificate_alone(cli):
    run = cli("producer", "certify", str(cli.example(BOILER, annex=False)))
    assert run.code == ExitCode.OK, run.err
    assert run.data[0]["annex_root"] is None
    with cli.store("producer") as store:
        assert store.find(_hash(run.data[0]["cert_hash"]), kind=PartKind.ANNEX) == []


def test_annex_path_for__certificate_suffix_or_plain_json(tmp_path):
    assert annex_path_for(tmp_path / "a.certificate.json") == tmp_path / "a.annex.json"
    assert annex_path_for(tmp_path / "a.json") == tmp_path / "a.annex.json"


# many certificates, one by one or as a batch


def test_certify__several_files__each_registered_alone_with_a_progress_bar(cli, certificates, sends):
    paths = [str(cli.example(BOILER, stem=f"boiler-{i}", invoice=f"CN-{i}")) for i in range(3)]
    run = cli("producer", "certify", *paths)
    assert run.code == ExitCode.OK, run.err
    assert [outcome["file"] for outcome in run.data] == paths
    assert sends == {"register": 3, "register_batch": 0}
    assert all(certificates.status(_hash(o["cert_hash"])) == Status.ACTIVE for o in run.data)
    assert "certifying" in run.err


def test_certify__batch__one_root_every_member_provable(cli, certificates, producer, sends):
    paths = [str(cli.example(BOILER, stem=f"boiler-{i}", invoice=f"CN-{i}")) for i in range(5)]
    run = cli("producer", "certify", "--batch", *paths)
    assert run.code == ExitCode.OK, run.err
    roots = {outcome["batch_root"] for outcome in run.data}
    assert len(roots) == 1 and None not in roots
    root = _hash(roots.pop())
    assert sends == {"register": 0, "register_batch": 1}
    certifier, count, _ = certificates.batch(root)
    assert (certifier, count) == (producer.address, 5)
    with cli.store("producer") as store:
        for outcome in run.data:
            registration = store.registrations.get(_hash(outcome["cert_hash"]))
            assert registration.state is RegistrationState.REGISTERED
            assert registration.batch.root == root
            leaf = (registration.cert_hash, Agreement.USMCA, 0, 0)
            assert verify_leaf(root, BATCH_LEAF_TYPES, leaf, registration.batch.proof)
            status = certificates.status_in_batch(root, *leaf, list(registration.batch.proof))
            assert status == Status.ACTIVE


# amendments


def test_certify__supersedes__turns_the_old_certificate_superseded(cli, certificates):
    first = cli("producer", "certify", str(cli.example(BOILER)))
    old = first.data[0]["cert_hash"]
    amended = cli.example(BOILER, stem="amended", invoice="CN-2025-00417-A")
    run = cli("producer", "certify", str(amended), "--supersedes", old)
    assert run.code == ExitCode.OK, run.err
    assert certificates.status(_hash(old)) == Status.SUPERSEDED
    assert certificates.certificate(_hash(run.data[0]["cert_hash"])).supersedes == _hash(old)


def test_certify__supersedes_in_a_batch__is_refused(cli):
    first = cli("producer", "certify", str(cli.example(BOILER)))
    amended = cli.example(BOILER, stem="amended", invoice="CN-A")
    run = cli("producer", "certify", "--batch", str(amended), "--supersedes", first.data[0]["cert_hash"])
    assert run.code == ExitCode.ERROR
    assert "--supersedes: an amendment is registered alone, not in a batch" in run.err


def test_certify__supersedes_someone_elses_certificate__is_refused_before_storing(cli):
    other = cli("exporter", "certify", str(cli.example(CIRCUITS)))
    run = cli("producer", "certify", str(cli.example(BOILER)), "--supersedes", other.data[0]["cert_hash"])
    assert run.code == ExitCode.ERROR
    assert "only its own certifier can amend it" in run.err
    _assert_nothing_stored(cli, "producer")


# errors: nothing stored, nothing sent


def _assert_nothing_stored(cli, party: str) -> None:
    with cli.store(party) as store:
        assert list(store.records()) == []
        assert list(store.registrations.all()) == []


def test_certify__malformed_file__names_the_file_and_field_stores_and_sends_nothing(cli, chain):
    path = cli.example(BOILER)
    document = json.loads(path.read_text())
    document["goods"][0]["hs_code"] = "84021"
    path.write_text(json.dumps(document))
    height = chain.blocks.height
    run = cli("producer", "certify", str(path))
    assert run.code == ExitCode.ERROR
    assert str(path) in run.err and "goods[0].hs_code" in run.err
    assert chain.blocks.height == height
    _assert_nothing_stored(cli, "producer")


def test_certify__malformed_annex__names_the_annex_file(cli):
    path = cli.example(BOILER)
    annex = annex_path_for(path)
    document = json.loads(annex.read_text())
    document["currency"] = "dollars"
    annex.write_text(json.dumps(document))
    run = cli("producer", "certify", str(path))
    assert run.code == ExitCode.ERROR
    assert str(annex) in run.err and "currency" in run.err
    _assert_nothing_stored(cli, "producer")


def test_certify__one_bad_file_among_many__stops_the_whole_run(cli, chain):
    good = cli.example(BOILER, stem="good", invoice="CN-1")
    bad = cli.example(BOILER, stem="bad", invoice="CN-2")
    bad.write_text(bad.read_text().replace('"agreement": "USMCA"', '"agreement": "EFTA"'))
    height = chain.blocks.height
    run = cli("producer", "certify", "--batch", str(good), str(bad))
    assert run.code == ExitCode.ERROR and str(bad) in run.err and "agreement" in run.err
    assert chain.blocks.height == height
    _assert_nothing_stored(cli, "producer")


def test_certify__missing_file__is_a_usage_error(cli):
    run = cli("producer", "certify", str(cli.root / "nowhere.json"))
    assert run.code == ExitCode.USAGE


def test_certify__certifier_account_is_not_the_sender__refused(cli):
    run = cli("exporter", "certify", str(cli.example(BOILER)))
    assert run.code == ExitCode.ERROR
    assert "certifier_account: is 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" in run.err
    _assert_nothing_stored(cli, "exporter")


def test_certify__certifier_role_not_the_enrolled_one__refused(cli):
    path = cli.example(BOILER)
    document = json.loads(path.read_text())
    document["certifier"]["role"] = "exporter"
    path.write_text(json.dumps(document))
    run = cli("producer", "certify", str(path))
    assert run.code == ExitCode.ERROR
    assert "certifier.role: is exporter" in run.err and "enrolled as producer" in run.err


def test_certify__sender_not_a_certifier__refused(cli, broker):
    path = cli.example(BOILER, certifier_account=broker.address)
    run = cli("broker", "certify", str(path))
    assert run.code == ExitCode.ERROR
    assert "cannot certify: it holds no exporter, producer or importer role" in run.err
    _assert_nothing_stored(cli, "broker")


def test_certify__recipient_not_enrolled__refused_naming_it(cli, stranger):
    stranger = stranger.address
    run = cli("producer", "certify", str(cli.example(BOILER)), "--to", stranger)
    assert run.code == ExitCode.ERROR
    assert f"--to {stranger}: account {stranger} has no encryption key on chain" in run.err
    _assert_nothing_stored(cli, "producer")


def test_certify__annex_owner_not_enrolled__refused_naming_the_annex_file(cli, stranger):
    path = cli.example(BOILER)
    annex = annex_path_for(path)
    document = json.loads(annex.read_text())
    document["owner"]["account"] = stranger.address
    annex.write_text(json.dumps(document))
    run = cli("producer", "certify", str(path))
    assert run.code == ExitCode.ERROR
    assert f"{annex}: owner.account: account {stranger.address} has no encryption key on chain" in run.err
    _assert_nothing_stored(cli, "producer")


def test_certify__annex_root_and_annex_file_both__refused(cli):
    path = cli.example(BOILER, annex_root="0x" + "ab" * 32)
    run = cli("producer", "certify", str(path))
    assert run.code == ExitCode.ERROR
    assert "annex_root: is set already" in run.err


def test_certify__annex_root_given__certified_without_annex_file(cli):
    path = cli.example(BOILER, annex=False, annex_root="0x" + "ab" * 32)
    run = cli("producer", "certify", str(path))
    assert run.code == ExitCode.OK, run.err
    assert run.data[0]["annex_root"] == "0x" + "ab" * 32


def test_certify__annex_option_with_several_files__refused(cli):
    one = cli.example(BOILER, stem="one", invoice="1")
    two = cli.example(BOILER, stem="two", invoice="2")
    run = cli("producer", "certify", str(one), str(two), "--annex", str(annex_path_for(one)))
    assert run.code == ExitCode.ERROR
    assert "--annex: names the annex of one certificate" in run.err


def test_certify__same_certificate_twice__refused(cli):
    one = cli.example(BOILER, stem="one")
    two = cli.example(BOILER, stem="two")
    run = cli("producer", "certify", str(one), str(two))
    assert run.code == ExitCode.ERROR
    assert f"{two}: holds the same certificate and annex as {one}" in run.err


# resuming: never twice


def test_certify__rerun__reports_registered_before_and_sends_nothing(cli, chain, sends):
    path = str(cli.example(BOILER))
    first = cli("producer", "certify", path)
    height = chain.blocks.height
    again = cli("producer", "certify", path)
    assert again.code == ExitCode.OK, again.err
    assert again.data[0]["cert_hash"] == first.data[0]["cert_hash"]
    assert again.data[0]["registered"] == "before"
    assert again.data[0]["tx_hash"] == first.data[0]["tx_hash"]
    assert chain.blocks.height == height
    assert sends["register"] == 1


def test_certify__crash_between_store_and_chain__rerun_registers_exactly_once(cli, monkeypatch, sends):
    fail_once(monkeypatch, ChainClient, "register", "connection lost")
    path = str(cli.example(BOILER))
    crashed = cli("producer", "certify", path)
    assert crashed.code == ExitCode.ERROR and "connection lost" in crashed.err
    with cli.store("producer") as store:
        [pending] = list(store.registrations.all())
        assert pending.state is RegistrationState.STORED
        assert len(list(store.records())) == 2

    rerun = cli("producer", "certify", path)
    assert rerun.code == ExitCode.OK, rerun.err
    cert_hash = _hash(rerun.data[0]["cert_hash"])
    assert cert_hash == pending.cert_hash
    assert rerun.data[0]["registered"] == "now"
    assert len(_registered_events(cli, cert_hash)) == 1
    with cli.store("producer") as store:
        assert store.registrations.get(cert_hash).state is RegistrationState.REGISTERED
        assert len(list(store.records())) == 2
    assert cli("producer", "certify", path).data[0]["registered"] == "before"
    assert len(_registered_events(cli, cert_hash)) == 1


def test_certify__crash_after_sending__rerun_records_it_without_sending_again(cli, monkeypatch, sends):
    fail_once(monkeypatch, Registrations, "mark_registered", "store went away")
    path = str(cli.example(BOILER))
    assert cli("producer", "certify", path).code == ExitCode.ERROR
    assert sends["register"] == 1
    rerun = cli("producer", "certify", path)
    assert rerun.code == ExitCode.OK, rerun.err
    assert sends["register"] == 1
    assert rerun.data[0]["registered"] == "now" and rerun.data[0]["tx_hash"] is None
    assert len(_registered_events(cli, _hash(rerun.data[0]["cert_hash"]))) == 1


def test_certify__batch_crash__rerun_registers_the_same_root_once(cli, certificates, monkeypatch, sends):
    fail_once(monkeypatch, ChainClient, "register_batch", "rate limited")
    paths = [str(cli.example(BOILER, stem=f"b{i}", invoice=f"CN-{i}")) for i in range(3)]
    assert cli("producer", "certify", "--batch", *paths).code == ExitCode.ERROR
    rerun = cli("producer", "certify", "--batch", *paths)
    assert rerun.code == ExitCode.OK, rerun.err
    [root] = {outcome["batch_root"] for outcome in rerun.data}
    assert certificates.batch(_hash(root))[1] == 3
    assert sends["register_batch"] == 1  # the failed attempt never reached the chain


def test_certify__rerun_with_a_pending_batch_and_new_files__finishes_the_batch_and_adds_a_new_one(
    cli, monkeypatch, sends
):
    fail_once(monkeypatch, ChainClient, "register_batch", "rate limited")
    first = [str(cli.example(BOILER, stem=f"b{i}", invoice=f"CN-{i}")) for i in range(2)]
    assert cli("producer", "certify", "--batch", *first).code == ExitCode.ERROR
    later = [str(cli.example(BOILER, stem=f"c{i}", invoice=f"CX-{i}")) for i in range(2)]
    rerun = cli("producer", "certify", "--batch", first[0], *later)
    assert rerun.code == ExitCode.OK, rerun.err
    roots = [outcome["batch_root"] for outcome in rerun.data]
    assert roots[1] == roots[2] != roots[0]
    with cli.store("producer") as store:
        assert all(r.state is RegistrationState.REGISTERED for r in store.registrations.all())
