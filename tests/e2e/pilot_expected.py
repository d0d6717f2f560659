"""What every run of the pilot must show, on any chain: each step's name, actor, number of
transactions and outcome, written out here independently of the scenario's own expectations."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

STEPS = [
    ("deploy the contracts", "customs", 3, "3 contracts; deployer holds CUSTOMS"),
    ("enroll the participants", "customs", 7, "7 participants, each with its age key on chain"),
    ("certify USMCA boiler (VNM 38,000)", "producer", 1, "ACTIVE, single shipment"),
    ("certify USMCA boiler (VNM 52,000)", "producer", 1, "ACTIVE, single shipment"),
    ("certify USMCA blanket (circuits)", "exporter", 1, "ACTIVE, blanket 2025-01-01..2025-12-31"),
    ("certify NAFTA blanket (circuits)", "exporter", 1, "ACTIVE, blanket 2019-01-01..2019-12-31"),
    ("certify CAFTA-DR pumps", "importer", 1, "ACTIVE, single shipment"),
    ("certify a batch of 100", "producer", 1, "100 certificates under 1 root, 1 transaction"),
    (
        "supplier declaration by signature",
        "second producer via exporter",
        1,
        "SUPPLIER_DECLARATION by second producer, relayed by exporter",
    ),
    ("claim both boilers", "importer", 2, "CLAIM_FILED on 2 certificates"),
    ("claim the blanket certificate", "second importer", 1, "CLAIM_FILED on 1 certificate"),
    ("claim a batch member", "broker", 2, "materialized, CLAIM_FILED on 1 certificate"),
    ("disclose a batch member", "producer to importer", 0, "VALID, 3 fields disclosed"),
    ("open verification on a sample", "customs", 2, "UNDER_VERIFICATION: 2 certificates"),
    (
        "producer reads its inbox",
        "producer",
        0,
        "enrolled as PRODUCER; claim filed: 3; verification opened: 2",
    ),
    ("grant customs the sample", "producer", 4, "4 ACCESS_GRANTED, to customs' on-chain key"),
    ("rule on boiler (VNM 38,000)", "customs", 1, "AFFIRMED: RVC 68.3% ≥ 60%"),
    ("rule on boiler (VNM 52,000)", "customs", 1, "DENIED: RVC 56.7% < 60%"),
    ("verify the affirmed boiler", "customs", 0, "VALID"),
    ("amend the blanket certificate", "exporter", 1, "SUPERSEDED by its amendment, now ACTIVE"),
    ("verify the superseded blanket", "exporter", 0, "INVALID: status SUPERSEDED: not in force"),
    ("revoke the CAFTA-DR certificate", "importer", 1, "REVOKED"),
    ("audit the store against the chain", "customs", 0, "audit: no findings"),
    ("tamper with the shared store", "insider (direct SQL)", 0, "1 ciphertext byte flipped"),
    ("audit again", "customs", 0, "audit: 1 finding: ciphertext-changed"),
]

TRANSACTIONS = sum(count for _name, _actor, count, _outcome in STEPS)


def observed(report: dict) -> list[tuple[str, str, int, str]]:
    """The steps of a JSON report in the shape of `STEPS`."""
    return [
        (step["name"], step["actor"], len(step["transactions"]), step["outcome"]) for step in report["steps"]
    ]
