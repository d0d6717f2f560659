# pragma version ~=0.4.3
"""
@title Mock k-of-n Multisig Wallet (tests only)
@custom:contract-name MockMultisigWallet
@license MIT
@notice A minimal EIP-1271 contract wallet, so the tests can show a contract participant
        attesting directly and by signature. Never deployed outside tests.
@dev `isValidSignature` accepts the concatenation of 65-byte (r, s, v) ECDSA signatures of the
     digest, in any order: every one must come from a distinct owner, and there must be at least
     `threshold` of them. Any other input (a stranger's signature, a duplicate owner, a length that
     is not a multiple of 65, too few signatures) answers 0xffffffff; a signature snekmate's `ecdsa`
     rejects (a high `s`, or one that recovers no address) makes the call revert.
"""


from interfaces import IAttestations

from snekmate.utils import ecdsa


# @dev The most 65-byte signatures a `Bytes[1_024]` holds, hence the most owners worth having.
_MAX_OWNERS: constant(uint256) = 15
_SIGNATURE_LENGTH: constant(uint256) = 65

# @dev EIP-1271's answers: the magic value for a valid signature, anything else for an invalid one.
_EIP1271_MAGIC_VALUE: constant(bytes4) = 0x1626BA7E
_EIP1271_INVALID: constant(bytes4) = 0xFFFFFFFF


# @dev The wallet's owners and how many of them must sign.
owners: public(DynArray[address, _MAX_OWNERS])
threshold: public(uint256)


@deploy
def __init__(owners_: DynArray[address, _MAX_OWNERS], threshold_: uint256):
    """
    @dev Sets the owners and the threshold.
    @param owners_ The owners' addresses.
    @param threshold_ How many distinct owners must sign (1 to the number of owners).
    """
    assert threshold_ >= 1 and threshold_ <= len(owners_), "MockMultisigWallet: threshold out of range"
    self.owners = owners_
    self.threshold = threshold_


@external
@view
def isValidSignature(hash: bytes32, signature: Bytes[1_024]) -> bytes4:
    """
    @notice EIP-1271: whether `signature` holds at least `threshold` distinct owners' signatures of `hash`.
    @param hash The 32-byte digest that was signed.
    @param signature Concatenated 65-byte (r, s, v) signatures, in any order.
    @return bytes4 0x1626ba7e if valid, else 0xffffffff.
    """
    count: uint256 = len(signature) // _SIGNATURE_LENGTH
    if len(signature) % _SIGNATURE_LENGTH != 0 or count < self.threshold:
        return _EIP1271_INVALID
    signers: DynArray[address, _MAX_OWNERS] = []
    for i: uint256 in range(count, bound=_MAX_OWNERS):
        signer: address = ecdsa._recover_sig(hash, slice(signature, i * _SIGNATURE_LENGTH, _SIGNATURE_LENGTH))
        if signer not in self.owners or signer in signers:
            return _EIP1271_INVALID
        signers.append(signer)
    return _EIP1271_MAGIC_VALUE


@external
def attest(
    attestations: IAttestations, cert_hash: bytes32, kind: uint8, evidence_hash: bytes32, expires_at: uint64
) -> bytes32:
    """
    @notice Makes the wallet attest directly; any single owner may trigger it (a test shortcut).
    @param attestations The Attestations contract.
    @param cert_hash The 32-byte certificate hash.
    @param kind The attestation kind.
    @param evidence_hash The 32-byte evidence hash.
    @param expires_at 0 for never, else the expiry timestamp.
    @return bytes32 The uid.
    """
    assert msg.sender in self.owners, "MockMultisigWallet: caller is not an owner"
    return extcall attestations.attest(cert_hash, kind, evidence_hash, expires_at)
