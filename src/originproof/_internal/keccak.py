"""keccak256 from the fastest correct backend, in one place.

Field commitments hash three times per leaf (two for the leaf, one for its tree node), so the hash
is most of what committing and verifying cost, and at these sizes the cost of a call is mostly
getting in and out of the extension. Measured on 64-byte inputs (bench/offchain.md): `eth_utils.keccak`
(eth-hash dispatching to pycryptodome) about 6 µs, `Crypto.Hash.keccak` used directly about 4.5 µs,
safe-pysha3's `keccak_256(data).digest()` about 0.7 µs, tiny-keccak's `keccak256` (Rust, one call,
no hash object) about 0.4 µs. The tests check it against `eth_utils.keccak`.
"""

from tiny_keccak import keccak256 as keccak

__all__ = ["keccak"]
