"""The verify flow against a scripted chain: each check, the verdict, and a chain that stops answering."""

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from originproof.chain.records import AttestationEvent, BatchRecord, CertificateRecord
from originproof.chain.views import ChainViews
from originproof.commitments import BatchMembership, ChainContext, commit, disclose
from originproof.deployments import Deployment
from originproof.enums import Agreement, Kind, Status
from originproof.errors import ChainError, UnverifiableError, ValidationError
from originproof.flows import verify as flow
from originproof.flows.certify import committed_form
from originproof.model import load_certificate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CERTIFIER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
ISSUED = 1_742_000_000  # 2025-03-15, the day after the boiler certificate was signed
DEPLOYMENT = Deployment(1337, "0x" + "00" * 32, 1, CERTIFIER, CERTIFIER, CERTIFIER, CERTIFIER)
OPENING = commit(committed_form(load_certificate(EXAMPLES / "usmca-single-boiler.certificate.json")))


class ScriptedChain(ChainViews):
    """Answers from fixed records; `fail_on` names a read that finds every RPC URL down."""

    deployment = DEPLOYMENT

    def __init__(
        self, record: CertificateRecord | None = None, *, fail_on: str | None = None, **answers
    ) -> None:
        self.record = record or CertificateRecord(CERTIFIER, 1, Status.ACTIVE, ISSUED, 0, 0, bytes(32))
        self.fail_on = fail_on
        self.roles = answers.get("roles", frozenset({"PRODUCER"}))
        self.batch_status = answers.get("batch_status", Status.NONE)
        self.events = answers.get("events", [])
        self.reads: list[str] = []

    def _run(self, operation):  # pragma: no cover - every read below is scripted
        raise AssertionError("ScriptedChain reads no endpoint")

    def _read(self, name: str):
        self.reads.append(name)
        if name == self.fail_on:
            raise UnverifiableError("chain unreachable: http://node: timed out")

    def certificate(self, cert_hash):
        self._read("certificate")
        return (
            self.record
            if self.record.status
            else CertificateRecord(f"0x{'00' * 20}", 0, Status.NONE, 0, 0, 0, bytes(32))
        )

    def roles_of(self, account):
        self._read("roles_of")
        return self.roles

    def status_in_batch(self, root, cert_hash, agreement, blanket_from, blanket_to, proof):
        self._read("status_in_batch")
        if isinstance(self.batch_status, Exception):
            raise self.batch_status
        return self.batch_status

    def batch(self, root):
        self._read("batch")
        return BatchRecord(CERTIFIER, 3, ISSUED)

    def attestations_of(self, cert_hash, from_block=None, to_block=None, page=2_000):
        self._read("attestations_of")
        return self.events

    def is_valid(self, uid):
        self._read("is_valid")
        return True


def _context(**changes) -> ChainContext:
    values = {"cert_hash": OPENING.root, "agreement": Agreement.USMCA, "blanket_from": 0, "blanket_to": 0}
    return ChainContext(**(values | {"certifier": CERTIFIER} | changes))


def _disclosure_evidence(pointers=("/agreement", "/signature/date"), **context) -> flow.Evidence:
    disclosure = disclose(OPENING, pointers, context=_context(**context))
    return flow.read_evidence(disclosure.to_bytes(), "d.json")


def _opening_evidence() -> flow.Evidence:
    return flow.read_evidence(OPENING.to_bytes(), "o.json")


def _outcomes(result: flow.Verification) -> dict[str, flow.Outcome]:
    return {check.name: check.outcome for check in result.checks}


ON = date(2025, 6, 1)


def test_verify__opening_in_force__valid_every_check_passes() -> None:
    result = flow.verify(_opening_evidence(), ScriptedChain(), on=ON)
    assert result.verdict is flow.Verdict.VALID
    assert set(_outcomes(result).values()) == {flow.Outcome.PASS}


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (Status.ACTIVE, flow.Verdict.VALID),
        (Status.AFFIRMED, flow.Verdict.VALID),
        (Status.UNDER_VERIFICATION, flow.Verdict.VALID),
        (Status.SUPERSEDED, flow.Verdict.INVALID),
        (Status.REVOKED, flow.Verdict.INVALID),
        (Status.DENIED, flow.Verdict.INVALID),
    ],
)
def test_verify__status__decides_in_force(status: Status, verdict: flow.Verdict) -> None:
    record = CertificateRecord(CERTIFIER, 1, status, ISSUED, 0, 0, bytes(32))
    assert flow.verify(_opening_evidence(), ScriptedChain(record), on=ON).verdict is verdict


def test_verify__unknown_certificate_without_batch__invalid_and_chain_read_no_further() -> None:
    chain = ScriptedChain(CertificateRecord(CERTIFIER, 0, Status.NONE, 0, 0, 0, bytes(32)))
    result = flow.verify(_disclosure_evidence(), chain, on=ON)
    assert result.verdict is flow.Verdict.INVALID
    assert _outcomes(result)["registration"] is flow.Outcome.FAIL
    assert chain.reads == ["certificate"]


def test_verify__batch_member__found_through_status_in_batch() -> None:
    none = CertificateRecord(CERTIFIER, 0, Status.NONE, 0, 0, 0, bytes(32))
    batch = BatchMembership(b"\x01" * 32, (b"\x02" * 32,))
    chain = ScriptedChain(none, batch_status=Status.ACTIVE)
    result = flow.verify(_disclosure_evidence(batch=batch), chain, on=ON)
    assert result.verdict is flow.Verdict.VALID
    assert chain.reads[:3] == ["certificate", "status_in_batch", "batch"]


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (Status.NONE, "is not a member of a registered batch"),
        (ChainError("Certificates: blanket period longer than 365 days"), "refuses the member's terms"),
    ],
)
def test_verify__batch_member_not_proven__invalid(answer, detail: str) -> None:
    none = CertificateRecord(CERTIFIER, 0, Status.NONE, 0, 0, 0, bytes(32))
    batch = BatchMembership(b"\x01" * 32, ())
    result = flow.verify(_opening_evidence(), ScriptedChain(none, batch_status=answer), on=ON, batch=batch)
    assert result.verdict is flow.Verdict.INVALID
    [registration] = [check for check in result.checks if check.name == "registration"]
    assert detail in registration.detail


def test_verify__opening_terms_differ_from_the_record__invalid_naming_the_field() -> None:
    record = CertificateRecord(CERTIFIER, int(Agreement.NAFTA), Status.ACTIVE, ISSUED, 0, 0, bytes(32))
    result = flow.verify(_opening_evidence(), ScriptedChain(record), on=ON)
    [registration] = [check for check in result.checks if check.name == "registration"]
    assert registration.detail == "/agreement is USMCA, but the chain records NAFTA"


def test_verify__single_shipment_document_but_blanket_record__invalid() -> None:
    record = CertificateRecord(CERTIFIER, 1, Status.ACTIVE, ISSUED, 86_400, 2 * 86_400, bytes(32))
    result = flow.verify(_opening_evidence(), ScriptedChain(record), on=ON)
    [registration] = [check for check in result.checks if check.name == "registration"]
    assert (
        registration.detail
        == "/blanket is absent (a single shipment), but the chain records a blanket period"
    )


@pytest.mark.parametrize("read", ["certificate", "roles_of", "attestations_of"])
def test_verify__chain_stops_answering__unverifiable_never_invalid(read: str) -> None:
    result = flow.verify(_opening_evidence(), ScriptedChain(fail_on=read), on=ON)
    assert result.verdict is flow.Verdict.UNVERIFIABLE
    assert result.checks[-1] == flow.Check(
        "chain", flow.Outcome.UNKNOWN, "chain unreachable: http://node: timed out"
    )
    assert flow.Outcome.FAIL not in _outcomes(result).values()


def test_verify__attestations__listed_with_validity() -> None:
    event = AttestationEvent(
        b"\x05" * 32, OPENING.root, CERTIFIER, Kind.SUPPLIER_DECLARATION, b"\x06" * 32, 0, 0, 9, "0xab"
    )
    result = flow.verify(_opening_evidence(), ScriptedChain(events=[event]), on=ON)
    assert result.to_json()["attestations"] == [
        {
            "kind": "SUPPLIER_DECLARATION",
            "attester": CERTIFIER,
            "uid": "0x" + "05" * 32,
            "evidence_hash": "0x" + "06" * 32,
            "block": 9,
            "tx_hash": "0xab",
            "valid": True,
        }
    ]


def test_unreadable__commitments_kept_chain_unknown() -> None:
    result = flow.unreadable(_opening_evidence(), UnverifiableError("chain unreachable"), on=ON)
    assert result.verdict is flow.Verdict.UNVERIFIABLE
    assert [check.name for check in result.checks] == ["commitments", "chain"]


def test_read_evidence__annex_disclosure_of_another_certificate__invalid() -> None:
    annex = commit({"currency": "USD"})
    other = disclose(annex, ["/currency"], context=_context(cert_hash=b"\x09" * 32))
    evidence = flow.read_evidence(
        disclose(OPENING, ["/agreement"], context=_context()).to_bytes(),
        "d.json",
        annex=(other.to_bytes(), "a.json"),
    )
    assert evidence.problem == f"annex disclosure a.json is of certificate 0x{'09' * 32}, not of this one"


def test_read_evidence__age_file_without_identity__refused() -> None:
    with pytest.raises(ValidationError, match="is age-encrypted; the workspace identity is needed"):
        flow.read_evidence(b"age-encryption.org/v1\n...", "x.age")


# properties


@given(days=st.integers(min_value=-400, max_value=3_000))
def test_four_years__invalid_exactly_after_the_fourth_anniversary(days: int) -> None:
    signed = date(2025, 3, 14)
    on = signed + timedelta(days=days)
    result = flow.verify(_disclosure_evidence(), ScriptedChain(), on=on)
    [check] = [check for check in result.checks if check.name == "four-year validity"]
    assert (check.outcome is flow.Outcome.FAIL) == (on > date(2029, 3, 14))


@pytest.mark.parametrize(
    ("signed", "until"),
    [
        (date(2025, 3, 14), date(2029, 3, 14)),
        (date(2024, 2, 29), date(2028, 2, 29)),
        (date(2096, 2, 29), date(2100, 3, 1)),  # 2100 is no leap year
    ],
)
def test_years_after__the_fourth_anniversary(signed: date, until: date) -> None:
    assert flow._years_after(signed, 4) == until


POINTERS = sorted(flow._flatten(OPENING.document))


@given(chosen=st.lists(st.sampled_from(POINTERS), min_size=1, max_size=6, unique=True), data=st.data())
def test_disclosure__any_fields__open_and_any_one_changed_is_named(
    chosen: list[str], data: st.DataObject
) -> None:
    disclosure = disclose(OPENING, chosen, context=_context())
    assert flow.read_evidence(disclosure.to_bytes(), "d.json").problem is None
    target = data.draw(st.sampled_from(sorted(disclosure.fields())))
    fields = list(disclosure.disclosed)
    index = next(i for i, item in enumerate(fields) if item.pointer == target)
    fields[index] = replace(fields[index], value=b'"changed value"')
    tampered = replace(disclosure, disclosed=tuple(fields))
    evidence = flow.read_evidence(tampered.to_bytes(), "d.json")
    assert evidence.problem == f"field {target} does not match its commitment"


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"signature": {"date": "soon"}}, "field /signature/date: 'soon' is not a date (YYYY-MM-DD)"),
        ({"blanket": {"from": 20250101}}, "field /blanket/from: 20250101 is not a date (YYYY-MM-DD)"),
        ({"agreement": "EFTA"}, "field /agreement: 'EFTA' is not an agreement (USMCA, NAFTA, CAFTA_DR)"),
        ({"certifier_account": 7}, "field /certifier_account: is not an address"),
    ],
)
def test_read_evidence__committed_outside_the_model__unusable_field_is_invalid(
    document, problem: str
) -> None:
    # A certifier may commit any JSON with other tools; a field the checks read must still make sense.
    opening = commit(document)
    disclosure = disclose(opening, [""], context=_context(cert_hash=opening.root))
    assert flow.read_evidence(disclosure.to_bytes(), "d.json").problem == problem


def test_verify__commitments_fail__nothing_read_from_the_chain() -> None:
    disclosure = disclose(OPENING, ["/agreement"], context=_context())
    tampered = replace(disclosure, disclosed=(replace(disclosure.disclosed[0], value=b'"NAFTA"'),))
    chain = ScriptedChain()
    result = flow.verify(flow.read_evidence(tampered.to_bytes(), "d.json"), chain, on=ON)
    assert result.verdict is flow.Verdict.INVALID
    assert [check.name for check in result.checks] == ["commitments"]
    assert chain.reads == []
