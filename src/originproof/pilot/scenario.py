"""The pilot, step by step: the 2018 customs pilot replayed from the first certificate to the ruling.

Customs deploys and enrolls the cast; a producer, an exporter and an importer certify under the three
agreements (blanket certificates among them, and a batch of 100 under one root); a producer's supplier
declaration arrives by delegated (EIP-712) signature, relayed by the exporter; importers and a broker
file claims; a batch member's fields are disclosed and verified; customs opens a verification on a
sample of two, the producer (notified through its inbox) grants customs the certificates and annexes,
and customs recomputes each good's regional value content from the decrypted annex, affirming one and
denying the other; an amendment supersedes a certificate; a certificate is revoked; the audit finds the
shared store in line with the chain, then catches a byte tampered with behind the store's back.

Every step goes through the workflows of `originproof.flows` (what the CLI runs) and ends by reading
back what it did, from the chain, the store or the rules, as its outcome: the pilot passes only if
each outcome is exactly the one expected.
"""

import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from originproof import deployments
from originproof.chain import ChainClient, TxResult
from originproof.commitments import commit
from originproof.enums import Kind, Status
from originproof.errors import Error
from originproof.flows import audit, case, certify, claim, disclose, grant, inbox, revoke, verify
from originproof.flows._common import Party
from originproof.pilot import documents, parties
from originproof.pilot.parties import (
    BROKER,
    CUSTOMS,
    EXPORTER,
    IMPORTER,
    PRODUCER,
    SECOND_IMPORTER,
    SECOND_PRODUCER,
    Cast,
    Member,
)
from originproof.pilot.report import PilotReport, Step
from originproof.rules import Verdict
from originproof.store import FindingKind, NewPart, PartKind, sealing

USE_DAY = date(2025, 6, 2)
"""The day the certificates are verified for, as an entry on that day would use them."""
DISCLOSED = ("/goods/0/hs_code", "/goods/0/origin_criterion", "/goods/0/invoice_number")
"""The fields of a batch member its producer shows the importer."""
DECLARATION_VALIDITY_SECONDS = 3_600
"""How long the supplier's signed declaration may wait for its relayer."""


@dataclass(frozen=True)
class Observed:
    """What a step saw once done, and the transactions it sent to get there."""

    outcome: str
    transactions: tuple[TxResult, ...] = ()


@dataclass(frozen=True)
class Planned:
    """A step to run: its name, who acts, the outcome it must observe, and the work."""

    name: str
    actor: str
    expected: str
    action: Callable[[], Observed]


class Pilot:
    """One run of the scenario on the network ape is connected to.

    `examples` holds the example certificates and annexes; `directory` (empty, owned by the run)
    receives the cast's homes, the shared store and the generated documents; `accounts` are the
    network's funded test accounts, customs first.
    """

    def __init__(self, examples: Path, directory: Path, accounts: Sequence[Any]) -> None:
        self.examples = examples
        self.directory = directory
        self.accounts = accounts
        self.deployment: deployments.Deployment | None = None
        self._client: ChainClient | None = None
        self._cast: Cast | None = None
        self._documents: documents.Documents | None = None
        self.hashes: dict[str, bytes] = {}
        """The certificates made so far, by the label the steps know them by."""

    @property
    def client(self) -> ChainClient:
        assert self._client is not None, "the contracts are deployed by the first step"
        return self._client

    @property
    def cast(self) -> Cast:
        assert self._cast is not None, "the cast is assembled by the enrollment step"
        return self._cast

    @property
    def files(self) -> documents.Documents:
        assert self._documents is not None, "the documents are prepared by the enrollment step"
        return self._documents

    def plan(self) -> list[Planned]:
        """The steps, in order; each relies on the ones before it."""
        return [
            Planned(
                "deploy the contracts",
                CUSTOMS.name,
                "3 contracts; deployer holds CUSTOMS",
                self.deploy_contracts,
            ),
            Planned(
                "enroll the participants",
                CUSTOMS.name,
                "7 participants, each with its age key on chain",
                self.enroll_cast,
            ),
            Planned(
                "certify USMCA boiler (VNM 38,000)",
                PRODUCER.name,
                "ACTIVE, single shipment",
                lambda: self.certify_one("boiler", PRODUCER, self.files.boiler),
            ),
            Planned(
                "certify USMCA boiler (VNM 52,000)",
                PRODUCER.name,
                "ACTIVE, single shipment",
                lambda: self.certify_one("failing boiler", PRODUCER, self.files.failing_boiler),
            ),
            Planned(
                "certify USMCA blanket (circuits)",
                EXPORTER.name,
                "ACTIVE, blanket 2025-01-01..2025-12-31",
                lambda: self.certify_one("blanket", EXPORTER, self.files.blanket),
            ),
            Planned(
                "certify NAFTA blanket (circuits)",
                EXPORTER.name,
                "ACTIVE, blanket 2019-01-01..2019-12-31",
                lambda: self.certify_one("nafta", EXPORTER, self.files.nafta),
            ),
            Planned(
                "certify CAFTA-DR pumps",
                IMPORTER.name,
                "ACTIVE, single shipment",
                lambda: self.certify_one("cafta-dr", IMPORTER, self.files.cafta_dr),
            ),
            Planned(
                f"certify a batch of {documents.BATCH_SIZE}",
                PRODUCER.name,
                f"{documents.BATCH_SIZE} certificates under 1 root, 1 transaction",
                self.certify_batch,
            ),
            Planned(
                "supplier declaration by signature",
                f"{SECOND_PRODUCER.name} via {EXPORTER.name}",
                f"SUPPLIER_DECLARATION by {SECOND_PRODUCER.name}, relayed by {EXPORTER.name}",
                self.declare_by_signature,
            ),
            Planned(
                "claim both boilers",
                IMPORTER.name,
                "CLAIM_FILED on 2 certificates",
                lambda: self.file_claims(IMPORTER, ["boiler", "failing boiler"]),
            ),
            Planned(
                "claim the blanket certificate",
                SECOND_IMPORTER.name,
                "CLAIM_FILED on 1 certificate",
                lambda: self.file_claims(SECOND_IMPORTER, ["blanket"]),
            ),
            Planned(
                "claim a batch member",
                BROKER.name,
                "materialized, CLAIM_FILED on 1 certificate",
                self.claim_batch_member,
            ),
            Planned(
                "disclose a batch member",
                f"{PRODUCER.name} to {IMPORTER.name}",
                f"VALID, {len(DISCLOSED)} fields disclosed",
                self.disclose_batch_member,
            ),
            Planned(
                "open verification on a sample",
                CUSTOMS.name,
                "UNDER_VERIFICATION: 2 certificates",
                self.open_verification,
            ),
            Planned(
                "producer reads its inbox",
                PRODUCER.name,
                "enrolled as PRODUCER; claim filed: 3; verification opened: 2",
                self.producer_inbox,
            ),
            Planned(
                "grant customs the sample",
                PRODUCER.name,
                "4 ACCESS_GRANTED, to customs' on-chain key",
                self.grant_sample,
            ),
            Planned(
                "rule on boiler (VNM 38,000)",
                CUSTOMS.name,
                "AFFIRMED: RVC 68.3% ≥ 60%",
                lambda: self.rule("boiler"),
            ),
            Planned(
                "rule on boiler (VNM 52,000)",
                CUSTOMS.name,
                "DENIED: RVC 56.7% < 60%",
                lambda: self.rule("failing boiler"),
            ),
            Planned(
                "verify the affirmed boiler",
                CUSTOMS.name,
                "VALID",
                lambda: self.verify_stored(CUSTOMS, "boiler"),
            ),
            Planned(
                "amend the blanket certificate",
                EXPORTER.name,
                "SUPERSEDED by its amendment, now ACTIVE",
                self.amend,
            ),
            Planned(
                "verify the superseded blanket",
                EXPORTER.name,
                "INVALID: status SUPERSEDED: not in force",
                lambda: self.verify_stored(EXPORTER, "blanket"),
            ),
            Planned("revoke the CAFTA-DR certificate", IMPORTER.name, "REVOKED", self.revoke_cafta_dr),
            Planned(
                "audit the store against the chain", CUSTOMS.name, "audit: no findings", self.audit_store
            ),
            Planned(
                "tamper with the shared store",
                "insider (direct SQL)",
                "1 ciphertext byte flipped",
                self.tamper,
            ),
            Planned(
                "audit again",
                CUSTOMS.name,
                f"audit: 1 finding: {FindingKind.CIPHERTEXT_CHANGED}",
                self.audit_store,
            ),
        ]

    # Set-up

    def deploy_contracts(self) -> Observed:
        """Customs deploys the three contracts; the deployer must hold the customs role."""
        from ape import chain

        customs = self.accounts[CUSTOMS.account_index]
        self.deployment = deployments.deploy(None, chain, customs)
        self._client = ChainClient.connect(self.deployment)
        sent = _deployment_transactions(self.client, self.deployment)
        roles = ", ".join(sorted(self.client.roles_of(customs)))
        return Observed(f"{len(sent)} contracts; deployer holds {roles}", tuple(sent))

    def enroll_cast(self) -> Observed:
        """Every member gets a home and an age identity; customs enrolls them with their keys."""
        self._cast = parties.assemble(self.directory / "parties", self.client, self.accounts)
        self._documents = documents.prepare(
            self.examples,
            self.directory / "documents",
            documents.Signatories(
                producer=self.cast[PRODUCER].address,
                second_producer=self.cast[SECOND_PRODUCER].address,
                exporter=self.cast[EXPORTER].address,
                importer=self.cast[IMPORTER].address,
            ),
        )
        sent = parties.enroll(self.cast)
        ready = [
            member
            for member, party in self.cast
            if member.role.upper() in self.client.roles_of(party.address)
            and self.client.encryption_key(party.address) == party.public_key
        ]
        return Observed(f"{len(ready)} participants, each with its age key on chain", tuple(sent))

    # Certifying

    def certify_one(self, label: str, member: Member, path: Path) -> Observed:
        """Certify one certificate file (its annex beside it) and read its record back."""
        party = self.cast[member]
        (certified,) = certify.certify(party, certify.read_submissions([path]))
        self.hashes[label] = certified.cert_hash
        return Observed(_standing(self.client, certified.cert_hash), _sent([certified.tx]))

    def certify_batch(self) -> Observed:
        """Certify the generated certificates as one batch: one root, registered in one transaction."""
        party = self.cast[PRODUCER]
        outcomes = certify.certify(party, certify.read_submissions(self.files.batch), batch=True)
        roots = {outcome.batch_root for outcome in outcomes}
        transactions = _sent(outcome.tx for outcome in outcomes)
        root = next(iter(roots)) or b""
        self.hashes["batch member"] = outcomes[0].cert_hash
        self.hashes["untouched batch member"] = outcomes[-1].cert_hash
        registered = self.client.batch(root)
        counted = registered.count if registered.certifier == party.address else 0
        return Observed(
            f"{counted} certificates under {len(roots)} root, {len(transactions)} transaction", transactions
        )

    def declare_by_signature(self) -> Observed:
        """The second producer commits and stores its supplier declaration, signs the attestation
        (EIP-712), and the exporter relays it, paying the gas."""
        supplier, relayer = self.cast[SECOND_PRODUCER], self.cast[EXPORTER]
        cert_hash = self.hashes["blanket"]
        declaration = commit(
            {
                "declaration": "SD-CIB-2025-007",
                "material": "Printed circuit boards, 4-layer, FR-4, bare",
                "hs_code": "853400",
                "origin": "originating under USMCA, tariff shift from any other heading",
                "period": {"from": "2025-01-01", "to": "2025-12-31"},
            }
        )
        supplier.store.put(
            NewPart(
                cert_hash=cert_hash,
                kind=PartKind.SUPPLIER_DECLARATION,
                owner=supplier.address,
                owner_key=supplier.public_key,
                opening=declaration,
                recipients=(self.client.encryption_key(relayer.address),),
            )
        )
        deadline = self.client.block_timestamp() + DECLARATION_VALIDITY_SECONDS
        kind = Kind.SUPPLIER_DECLARATION
        signature = self.client.sign_attestation(
            supplier.account, cert_hash, kind, declaration.root, 0, deadline
        )
        tx = self.client.attest_by_sig(
            relayer.account, cert_hash, kind, declaration.root, 0, supplier.address, deadline, signature
        )
        declared = [
            event
            for event in self.client.attestations_of(cert_hash)
            if event.kind is kind and event.evidence_hash == declaration.root and event.tx_hash == tx.tx_hash
        ]
        attester = self._name(declared[0].attester) if declared else "nobody"
        relayed_by = self._name(self.client.provider.get_receipt(tx.tx_hash).sender)
        return Observed(f"{kind.name} by {attester}, relayed by {relayed_by}", (tx,))

    # Claims

    def file_claims(self, member: Member, labels: Iterable[str]) -> Observed:
        """An importer claims preference under certificates; each claim is read back from the logs."""
        party = self.cast[member]
        filed = [claim.claim(party, self.hashes[label]) for label in labels]
        claimed = self._claimed(party, filed)
        return Observed(
            f"CLAIM_FILED on {claimed} certificate{'s' if claimed != 1 else ''}",
            tuple(tx for claimed in filed for tx in (claimed.materialized, claimed.tx) if tx is not None),
        )

    def claim_batch_member(self) -> Observed:
        """The broker claims for the importer under a batch member, which first gets its own record."""
        party = self.cast[BROKER]
        cert_hash = self.hashes["batch member"]
        before = self.client.status(cert_hash)
        filed = claim.claim(party, cert_hash, as_broker=True)
        materialized = before is Status.NONE and filed.materialized is not None
        made = "materialized" if materialized else "not materialized"
        return Observed(
            f"{made}, CLAIM_FILED on {self._claimed(party, [filed])} certificate",
            tuple(tx for tx in (filed.materialized, filed.tx) if tx is not None),
        )

    def _claimed(self, party: Party, filed: Sequence[claim.Claim]) -> int:
        """How many of the claims the chain's logs show, by this claimant, under their certificates."""
        return sum(
            any(
                event.kind is Kind.CLAIM_FILED
                and event.attester == party.address
                and event.uid == claimed.uid
                for event in self.client.attestations_of(claimed.cert_hash)
            )
            for claimed in filed
        )

    def disclose_batch_member(self) -> Observed:
        """The producer discloses a few fields of an untouched batch member to the importer, who
        verifies them against the batch root on chain."""
        producer = self.cast[PRODUCER]
        disclosed = disclose.disclose_stored(
            producer.store, producer.identity, self.client, self.hashes["untouched batch member"], DISCLOSED
        )
        evidence = verify.read_evidence(disclosed.certificate.to_bytes(), "disclosure")
        return Observed(
            f"{_verdict(evidence, self.client)}, {len(disclosed.certificate.disclosed)} fields disclosed"
        )

    # The verification of origin

    def open_verification(self) -> Observed:
        """Customs opens a verification on the two boilers, its request letter hashed on chain."""
        customs = self.cast[CUSTOMS]
        sample = [self.hashes["boiler"], self.hashes["failing boiler"]]
        opened = [
            case.open_case(customs, cert_hash, _request_letter(cert_hash).encode()) for cert_hash in sample
        ]
        statuses = Counter(self.client.status(cert_hash).name for cert_hash in sample)
        return Observed(
            ", ".join(f"{status}: {count} certificates" for status, count in statuses.items()),
            tuple(step.tx for step in opened if step.tx is not None),
        )

    def producer_inbox(self) -> Observed:
        """The producer learns from its inbox what happened to its certificates: claims, requests."""
        notices = inbox.inbox(self.cast[PRODUCER]).notices
        counts = Counter(notice.what for notice in notices)
        return Observed("; ".join(what if n == 1 else f"{what}: {n}" for what, n in counts.items()))

    def grant_sample(self) -> Observed:
        """The producer (certifier and annex owner) re-encrypts each sampled certificate and annex to
        customs' on-chain key and attests ACCESS_GRANTED."""
        producer, customs = self.cast[PRODUCER], self.cast[CUSTOMS]
        granted = [
            grant.grant(producer, self.hashes[label], customs.address, part)
            for label in ("boiler", "failing boiler")
            for part in (PartKind.CERTIFICATE, PartKind.ANNEX)
        ]
        on_chain_key = self.client.encryption_key(customs.address)
        to_customs = sum(
            given.grantee_key == on_chain_key and on_chain_key in producer.store.get(given.part_id).recipients
            for given in granted
        )
        return Observed(
            f"{to_customs} {Kind.ACCESS_GRANTED.name}, to customs' on-chain key",
            tuple(tx for given in granted for tx in (given.materialized, given.tx) if tx is not None),
        )

    def rule(self, label: str) -> Observed:
        """Customs decrypts the granted annex, recomputes the origin and closes the verification."""
        customs = self.cast[CUSTOMS]
        cert_hash = self.hashes[label]
        verdict = case.recompute_origin(customs, cert_hash)
        ruling = Status.AFFIRMED if verdict.qualifies else Status.DENIED
        closed = case.close_case(customs, cert_hash, ruling, verdict.explain().encode())
        status = self.client.status(cert_hash)
        return Observed(f"{status.name}: {_rvc(verdict)}", () if closed.tx is None else (closed.tx,))

    # Afterwards

    def verify_stored(self, member: Member, label: str) -> Observed:
        """A party verifies a certificate from the opening it can read in the store, for `USE_DAY`."""
        party = self.cast[member]
        opening = disclose.stored_opening(
            party.store, party.identity, self.hashes[label], PartKind.CERTIFICATE
        )
        return Observed(_verdict(verify.read_evidence(opening.to_bytes(), label), self.client))

    def amend(self) -> Observed:
        """The exporter amends its blanket certificate: the amendment supersedes it."""
        party = self.cast[EXPORTER]
        original = self.hashes["blanket"]
        submissions = certify.read_submissions([self.files.amendment], supersedes=original)
        (amended,) = certify.certify(party, submissions)
        self.hashes["amendment"] = amended.cert_hash
        record = self.client.certificate(amended.cert_hash)
        by = "its amendment" if record.supersedes == original else "another certificate"
        return Observed(
            f"{self.client.status(original).name} by {by}, now {record.status.name}", _sent([amended.tx])
        )

    def revoke_cafta_dr(self) -> Observed:
        """The importer, certifier of the CAFTA-DR certificate, revokes it."""
        cert_hash = self.hashes["cafta-dr"]
        revoked = revoke.revoke(self.cast[IMPORTER], cert_hash, "shipment cancelled before entry")
        materialized = () if revoked.materialized is None else (revoked.materialized,)
        return Observed(self.client.status(cert_hash).name, (*materialized, revoked.tx))

    def tamper(self) -> Observed:
        """Someone with access to the shared database flips one byte of a stored ciphertext (the
        denied boiler's annex), behind the store's back."""
        record = self.cast[PRODUCER].store.find(self.hashes["failing boiler"], kind=PartKind.ANNEX)[0]
        changed = bytearray(record.ciphertext)
        changed[len(changed) // 2] ^= 0x01
        with sqlite3.connect(self.cast.store_path) as database:
            database.execute("UPDATE parts SET ciphertext = ? WHERE id = ?", (bytes(changed), record.id))
        stored = self.cast[PRODUCER].store.get(record.id)
        flipped = sum(a != b for a, b in zip(stored.ciphertext, record.ciphertext, strict=True))
        intact = sealing.ciphertext_hash(stored.ciphertext) == stored.ciphertext_hash
        return Observed(f"{flipped} ciphertext byte flipped" if not intact else "nothing changed")

    def audit_store(self) -> Observed:
        """Customs replays every event of the deployment against the shared store and checks every
        stored byte, opening the parts its identity can read."""
        customs = self.cast[CUSTOMS]
        findings = audit.audit(self.client, customs.store, [customs.identity])
        if not findings:
            return Observed("audit: no findings")
        kinds = ", ".join(str(finding.kind) for finding in findings)
        return Observed(f"audit: {len(findings)} finding{'s' if len(findings) > 1 else ''}: {kinds}")

    def close(self) -> None:
        """Release the cast's store connections."""
        if self._cast is not None:
            self._cast.close()

    # Helpers

    def _name(self, address: str) -> str:
        """The cast member playing `address`, as the report names actors."""
        return next((member.name for member, party in self.cast if party.address == address), address)


def run(examples: Path, directory: Path, accounts: Sequence[Any], network: str) -> PilotReport:
    """Play the pilot on the network ape is connected to; its report, stopped at the first step
    whose outcome is not the expected one (an error is such an outcome)."""
    pilot = Pilot(examples, directory, accounts)
    started = time.perf_counter()
    steps: list[Step] = []
    failed = None
    try:
        for planned in pilot.plan():
            step = _play(planned)
            steps.append(step)
            if not step.passed:
                failed = step.name
                break
    finally:
        pilot.close()
    return PilotReport(
        network=network,
        chain_id=0 if pilot.deployment is None else pilot.deployment.chain_id,
        deployment=pilot.deployment,
        steps=tuple(steps),
        seconds=time.perf_counter() - started,
        failed=failed,
    )


def _play(planned: Planned) -> Step:
    started = time.perf_counter()
    try:
        observed = planned.action()
    except Error as error:
        observed = Observed(f"error: {error}")
    return Step(
        name=planned.name,
        actor=planned.actor,
        expected=planned.expected,
        outcome=observed.outcome,
        seconds=time.perf_counter() - started,
        transactions=observed.transactions,
    )


def _deployment_transactions(client: ChainClient, deployment: deployments.Deployment) -> list[TxResult]:
    """The deployer's creations of the three contracts, found in the blocks from the deployment's first."""
    provider = client.provider
    created = {getattr(deployment, name.lower()): name for name in deployments.CONTRACTS}
    found = []
    for number in range(deployment.block, client.block_number() + 1):
        for tx_hash in provider.web3.eth.get_block(number)["transactions"]:
            receipt = provider.get_receipt(tx_hash.to_0x_hex())
            if receipt.sender == deployment.deployer and receipt.contract_address in created:
                name = f"deploy {created[receipt.contract_address]}"
                found.append(TxResult(name, receipt.txn_hash, int(receipt.gas_used), number, 0.0))
    return found


def _sent(transactions: Iterable[TxResult | None]) -> tuple[TxResult, ...]:
    """The transactions a workflow sent, each once (a batch's members share theirs), in order."""
    return tuple(dict.fromkeys(tx for tx in transactions if tx is not None))


def _verdict(evidence: verify.Evidence, client: ChainClient) -> str:
    """The verification of `evidence` for `USE_DAY`: its verdict, and each failed check with what it found."""
    verification = verify.verify(evidence, client, on=USE_DAY)
    failed = [
        f"{check.name} {check.detail}"
        for check in verification.checks
        if check.outcome is verify.Outcome.FAIL
    ]
    verdict = verification.verdict.value
    return f"{verdict}: {'; '.join(failed)}" if failed else verdict


def _standing(client: ChainClient, cert_hash: bytes) -> str:
    """A certificate's status as the chain records it, with its blanket period or 'single shipment'."""
    record = client.certificate(cert_hash)
    if record.blanket_from == record.blanket_to == 0:
        return f"{record.status.name}, single shipment"
    return f"{record.status.name}, blanket {_day(record.blanket_from)}..{_day(record.blanket_to)}"


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


def _rvc(verdict: Verdict) -> str:
    """The first regional value content check of a verdict, as `RVC 68.3% ≥ 60%`."""
    check = next(check for check in verdict.checks if check.result is not None)
    return f"RVC {check.result}% {'≥' if check.passed else '<'} {check.threshold}%"


def _request_letter(cert_hash: bytes) -> str:
    return (
        f"Request for information (19 CFR 182.72): certificate 0x{cert_hash.hex()}. Provide the bill of "
        "materials and the regional value content calculation supporting the origin claimed."
    )
