"""Certificates: gas budgets of the hot paths (the targets are part of the design, checked on every run)."""

from eth_utils import keccak
from registry_helpers import LEAF_TYPES, ZERO, midnight

from originproof.enums import Agreement
from originproof.merkle import StandardMerkleTree

TX_BASE = 21_000
NEW_SLOT = 22_100  # SSTORE of a zero slot, cold (EIP-2929)
REGISTERED_LOG = 375 + 3 * 375 + 8 * 4 * 32  # LOG3: cert_hash, certifier indexed; four data words


def calldata_cost(data: bytes) -> int:
    return sum(16 if byte else 4 for byte in data)


def test_register__single_shipment__under_60k_and_within_1_3x_its_floor(certificates, producer, new_hash):
    tx = certificates.register(new_hash(), Agreement.USMCA, 0, 0, ZERO, sender=producer)
    floor = TX_BASE + calldata_cost(bytes(tx.transaction.data)) + NEW_SLOT + REGISTERED_LOG
    assert tx.gas_used < 60_000
    assert tx.gas_used <= 1.3 * floor


def test_register__blanket__under_80k(certificates, producer, new_hash):
    blanket = (midnight(2024, 2, 29), midnight(2025, 2, 28))
    tx = certificates.register(new_hash(), Agreement.USMCA, *blanket, ZERO, sender=producer)
    assert tx.gas_used < 80_000


def test_register_batch__of_1000__under_100_gas_per_certificate(certificates, producer):
    values = [(keccak(text=f"gas batch member {i}"), 1, 0, 0) for i in range(1_000)]
    tree = StandardMerkleTree.of(values, LEAF_TYPES)
    tx = certificates.register_batch(tree.root, 1_000, sender=producer)
    assert tx.gas_used / 1_000 < 100
