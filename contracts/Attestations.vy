# pragma version ~=0.4.3
"""
@title originproof Attestations
@custom:contract-name Attestations
@license MIT
@notice Signed statements about a certificate of origin: supplier declarations, receipts, claims,
        access grants, verification responses and customs notes. Who may make each kind, and on
        which certificate statuses, is the kind table below; an attestation is made directly
        (`attest`) or by an EIP-712 signature that anyone relays (`attest_by_sig`), from an EOA or
        an EIP-1271 contract wallet.

        | kind                      | by                           | certificate status                   |
        |---------------------------|------------------------------|--------------------------------------|
        | 1 SUPPLIER_DECLARATION    | producer                     | ACTIVE, UNDER_VERIFICATION, AFFIRMED |
        | 2 RECEIVED, 3 CLAIM_FILED | importer or broker           | ACTIVE, AFFIRMED                     |
        | 4 ACCESS_GRANTED          | the certifier, or a producer | any but NONE, SUPERSEDED, REVOKED    |
        | 5 VERIFICATION_RESPONSE   | the certifier, or a producer | UNDER_VERIFICATION                   |
        | 6 CUSTOMS_NOTE            | customs                      | any but NONE                         |

        Every attester must be an active (enrolled, not suspended) participant. "A producer" in rows
        4 and 5 stands for the owner of the certificate's confidential annex, whom the chain cannot
        see: any active PRODUCER_ROLE holder qualifies, and the off-chain side checks who can
        actually disclose the annex.

        The uid is `keccak256(abi_encode(cert_hash, kind, evidence_hash, expires_at, attester,
        nonce))` with the attester's nonce, which direct and signed attestations consume alike, so a
        client predicts the uid before sending and no two uids collide.
@dev This contract reads Participants and Certificates and writes neither, so no contract needs a
     privileged link to another. Each attestation is one packed storage slot:
     bits 0-159 attester, 160-167 kind, 168-207 creation time, 208-247 expiry, 248 revoked.
     The certificate and evidence hashes are not stored: they live in the `Attested` event and
     in the uid's preimage.
"""


from interfaces import IAttestations
from interfaces import ICertificates
from interfaces import IParticipants

implements: IAttestations


from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator

initializes: eip712_domain_separator


# @dev What this contract offers beyond its own functions: the EIP-5267 domain description, so
# wallets and clients read the EIP-712 domain from the chain.
exports: eip712_domain_separator.eip712Domain


# @dev The EIP-712 type hash of a signed attestation; every field is one word of the struct hash.
ATTEST_TYPEHASH: public(constant(bytes32)) = keccak256(
    "Attest(bytes32 certHash,uint8 kind,bytes32 evidenceHash,uint64 expiresAt,address attester,"
    "uint256 nonce,uint64 deadline)"
)

# @dev An EOA's signature: r, s and v, 32 + 32 + 1 bytes (EIP-2098's 64-byte form is not accepted).
_EOA_SIGNATURE_LENGTH: constant(uint256) = 65

# @dev EIP-1271's magic value, returned by `isValidSignature(bytes32,bytes)` when a signature is valid.
_EIP1271_MAGIC_VALUE: constant(bytes4) = 0x1626BA7E

# @dev Attestation kinds (mirrored by `originproof.enums.Kind`).
_SUPPLIER_DECLARATION: constant(uint8) = 1
_RECEIVED: constant(uint8) = 2
_CLAIM_FILED: constant(uint8) = 3
_ACCESS_GRANTED: constant(uint8) = 4
_VERIFICATION_RESPONSE: constant(uint8) = 5
_CUSTOMS_NOTE: constant(uint8) = 6

# @dev Role bits of `IParticipants.roles_of`, which is 0 for a suspended or unknown account.
_CUSTOMS_BIT: constant(uint256) = 1 << 0
_PRODUCER_BIT: constant(uint256) = 1 << 2
_IMPORTER_BIT: constant(uint256) = 1 << 3
_BROKER_BIT: constant(uint256) = 1 << 4

# @dev Certificate statuses (mirrored by `originproof.enums.Status`) as bits of a status set.
_NONE: constant(uint8) = 0
_ACTIVE_BIT: constant(uint256) = 1 << 1
_SUPERSEDED_BIT: constant(uint256) = 1 << 2
_REVOKED_BIT: constant(uint256) = 1 << 3
_UNDER_VERIFICATION_BIT: constant(uint256) = 1 << 4
_AFFIRMED_BIT: constant(uint256) = 1 << 5
_DENIED_BIT: constant(uint256) = 1 << 6

# @dev The kind table's status column: byte `kind` holds the set of statuses that kind may be made on,
# so one shift and mask answers the question without a storage read.
_STATUSES_BY_KIND: constant(uint256) = (
    ((_ACTIVE_BIT | _UNDER_VERIFICATION_BIT | _AFFIRMED_BIT) << (8 * _SUPPLIER_DECLARATION))
    | ((_ACTIVE_BIT | _AFFIRMED_BIT) << (8 * _RECEIVED))
    | ((_ACTIVE_BIT | _AFFIRMED_BIT) << (8 * _CLAIM_FILED))
    | ((_ACTIVE_BIT | _UNDER_VERIFICATION_BIT | _AFFIRMED_BIT | _DENIED_BIT) << (8 * _ACCESS_GRANTED))
    | (_UNDER_VERIFICATION_BIT << (8 * _VERIFICATION_RESPONSE))
    | (
        (_ACTIVE_BIT | _SUPERSEDED_BIT | _REVOKED_BIT | _UNDER_VERIFICATION_BIT | _AFFIRMED_BIT | _DENIED_BIT)
        << (8 * _CUSTOMS_NOTE)
    )
)

# @dev Layout of a packed record.
_ADDRESS_MASK: constant(uint256) = (1 << 160) - 1
_KIND_SHIFT: constant(uint256) = 160
_CREATED_SHIFT: constant(uint256) = 168
_EXPIRY_SHIFT: constant(uint256) = 208
_REVOKED_SHIFT: constant(uint256) = 248
_KIND_MASK: constant(uint256) = (1 << 8) - 1
_TIME_MASK: constant(uint256) = (1 << 40) - 1


# @dev The registries this contract reads.
_PARTICIPANTS: immutable(IParticipants)
_CERTIFICATES: immutable(ICertificates)


# @dev The nonce each attester's next attestation consumes.
nonces: public(HashMap[address, uint256])

# @dev uid => packed record (see the layout above); 0 for an unknown uid.
_records: HashMap[bytes32, uint256]


@deploy
def __init__(participants: IParticipants, certificates: ICertificates):
    """
    @dev Records the two registries and the EIP-712 domain {name "originproof", version "1"}.
    @param participants The Participants registry.
    @param certificates The Certificates registry.
    """
    assert (participants.address).is_contract, "Attestations: participants is not a contract"
    assert (certificates.address).is_contract, "Attestations: certificates is not a contract"
    _PARTICIPANTS = participants
    _CERTIFICATES = certificates
    eip712_domain_separator.__init__("originproof", "1")


@external
@view
def participants() -> address:
    """
    @notice The Participants registry whose roles decide who may attest.
    @return address The 20-byte Participants address.
    """
    return _PARTICIPANTS.address


@external
@view
def certificates() -> address:
    """
    @notice The Certificates registry whose statuses decide what may be attested.
    @return address The 20-byte Certificates address.
    """
    return _CERTIFICATES.address


@external
@nonreentrant
def attest(cert_hash: bytes32, kind: uint8, evidence_hash: bytes32, expires_at: uint64) -> bytes32:
    """
    @notice Records an attestation by the caller, consuming the caller's nonce.
    @dev "A producer" in the kind table stands for the annex owner: the chain cannot see who owns
         a certificate's confidential annex, so any active PRODUCER_ROLE holder may make kinds 4 and
         5; the annex owner is whoever can actually disclose it, which the off-chain side checks.
    @param cert_hash The 32-byte certificate hash.
    @param kind The attestation kind (1 to 6).
    @param evidence_hash The 32-byte hash of the off-chain evidence; for ACCESS_GRANTED it is
           `keccak256(abi_encode(grantee, ciphertext_hash))`.
    @param expires_at 0 for never; else the attestation is valid while `block.timestamp < expires_at`.
    @return bytes32 The uid.
    """
    return self._attest(cert_hash, kind, evidence_hash, expires_at, msg.sender, self.nonces[msg.sender])


@external
@nonreentrant
def attest_by_sig(
    cert_hash: bytes32,
    kind: uint8,
    evidence_hash: bytes32,
    expires_at: uint64,
    attester: address,
    deadline: uint64,
    signature: Bytes[1_024],
) -> bytes32:
    """
    @notice Records an attestation that `attester` signed under EIP-712; anyone may relay it.
    @dev The attester's role and the certificate's status are checked exactly as for `attest`.
         An EOA signs 65 bytes (r, s, v); a contract attester is asked `isValidSignature` with the
         whole signature, so multisig wallets can pass several concatenated signatures.
    @param cert_hash The 32-byte certificate hash.
    @param kind The attestation kind (1 to 6).
    @param evidence_hash The 32-byte hash of the off-chain evidence.
    @param expires_at 0 for never; else the attestation is valid while `block.timestamp < expires_at`.
    @param attester The 20-byte address that signed.
    @param deadline The last timestamp at which the signature may be used.
    @param signature The signature: 65 bytes for an EOA, whatever the wallet accepts for a contract.
    @return bytes32 The uid.
    @custom:security Replay: the signed message includes the attester's nonce, which this call
                     consumes, so a signature works once; signatures themselves are never used as
                     identifiers, since they are malleable. Malleability: EOA signatures go through
                     snekmate's `ecdsa`, which rejects a high `s` (and a malleated signature could
                     not be replayed anyway, the nonce being spent). Deadline: every signed message
                     carries one, so a signature a relayer holds back cannot be used after it.
    """
    assert block.timestamp <= convert(deadline, uint256), "Attestations: signature expired"
    nonce: uint256 = self.nonces[attester]
    struct_hash: bytes32 = keccak256(
        abi_encode(ATTEST_TYPEHASH, cert_hash, kind, evidence_hash, expires_at, attester, nonce, deadline)
    )
    digest: bytes32 = eip712_domain_separator._hash_typed_data_v4(struct_hash)
    if attester.is_contract:
        assert self._is_valid_eip1271_signature(attester, digest, signature), "Attestations: invalid signature"
    else:
        assert len(signature) == _EOA_SIGNATURE_LENGTH, "Attestations: EOA signature must be 65 bytes"
        signer: address = ecdsa._recover_sig(digest, slice(signature, 0, _EOA_SIGNATURE_LENGTH))
        assert signer == attester, "Attestations: invalid signature"
    return self._attest(cert_hash, kind, evidence_hash, expires_at, attester, nonce)


@external
@nonreentrant
def revoke_attestation(uid: bytes32, reason: bytes32):
    """
    @notice Revokes an attestation: only its attester may, once, and only while active.
    @dev A suspended participant can do nothing until reinstated, revocation included: the record
         stays as it was while customs looks into the suspension.
    @param uid The 32-byte attestation uid.
    @param reason The 32-byte reason (a hash of a document, or a short code).
    """
    record: uint256 = self._records[uid]
    assert record != 0, "Attestations: unknown attestation"
    assert msg.sender == self._attester_of(record), "Attestations: caller is not the attester"
    assert (record >> _REVOKED_SHIFT) & 1 == 0, "Attestations: attestation already revoked"
    assert staticcall _PARTICIPANTS.roles_of(msg.sender) != 0, "Attestations: attester is not an active participant"
    self._records[uid] = record | (1 << _REVOKED_SHIFT)
    log IAttestations.AttestationRevoked(uid=uid, attester=msg.sender, reason=reason)


@external
@view
def is_valid(uid: bytes32) -> bool:
    """
    @notice Whether the attestation exists, is not revoked and has not expired.
    @param uid The 32-byte attestation uid.
    @return bool False for an unknown, revoked or expired uid.
    """
    record: uint256 = self._records[uid]
    if record == 0 or (record >> _REVOKED_SHIFT) & 1 != 0:
        return False
    expires_at: uint256 = (record >> _EXPIRY_SHIFT) & _TIME_MASK
    return expires_at == 0 or block.timestamp < expires_at


@external
@view
def attestation(uid: bytes32) -> IAttestations.Attestation:
    """
    @notice The stored record, unpacked.
    @param uid The 32-byte attestation uid.
    @return IAttestations.Attestation The attester, kind, creation time, expiry and revoked flag;
            all zero for an unknown uid.
    """
    record: uint256 = self._records[uid]
    return IAttestations.Attestation(
        attester=self._attester_of(record),
        kind=convert((record >> _KIND_SHIFT) & _KIND_MASK, uint8),
        created_at=convert((record >> _CREATED_SHIFT) & _TIME_MASK, uint64),
        expires_at=convert((record >> _EXPIRY_SHIFT) & _TIME_MASK, uint64),
        revoked=(record >> _REVOKED_SHIFT) & 1 != 0,
    )


@internal
def _attest(
    cert_hash: bytes32, kind: uint8, evidence_hash: bytes32, expires_at: uint64, attester: address, nonce: uint256
) -> bytes32:
    """
    @dev Checks the kind table and the expiry, consumes `nonce`, stores the packed record and logs it.
    @param cert_hash The 32-byte certificate hash.
    @param kind The attestation kind.
    @param evidence_hash The 32-byte evidence hash.
    @param expires_at 0 for never, else the first timestamp at which it is no longer valid.
    @param attester The 20-byte attester address.
    @param nonce The attester's current nonce.
    @return bytes32 The uid.
    """
    assert kind >= _SUPPLIER_DECLARATION and kind <= _CUSTOMS_NOTE, "Attestations: unknown kind"
    if expires_at != 0:
        assert block.timestamp < convert(expires_at, uint256), "Attestations: expiry is in the past"
        assert convert(expires_at, uint256) <= _TIME_MASK, "Attestations: expiry does not fit in 40 bits"
    self._check_kind_table(cert_hash, kind, attester)

    self.nonces[attester] = unsafe_add(nonce, 1)
    uid: bytes32 = keccak256(abi_encode(cert_hash, kind, evidence_hash, expires_at, attester, nonce))
    # The creation time fits 40 bits until the year 36812.
    self._records[uid] = (
        convert(attester, uint256)
        | (convert(kind, uint256) << _KIND_SHIFT)
        | (block.timestamp << _CREATED_SHIFT)
        | (convert(expires_at, uint256) << _EXPIRY_SHIFT)
    )
    log IAttestations.Attested(
        uid=uid,
        cert_hash=cert_hash,
        attester=attester,
        kind=kind,
        evidence_hash=evidence_hash,
        expires_at=expires_at,
        nonce=nonce,
    )
    return uid


@internal
@view
def _check_kind_table(cert_hash: bytes32, kind: uint8, attester: address):
    """
    @dev Reverts unless `attester` is an active participant whose role may make `kind` on the
         certificate's current status. One call reads all the attester's roles, one the certificate's
         certifier and status. The checks run in this order, so the reason names the first rule
         broken: the attester is active; its role, for the kinds a role alone decides; the
         certificate exists; the attester is the certifier or a producer, for kinds 4 and 5; the
         status allows the kind.
    @param cert_hash The 32-byte certificate hash.
    @param kind A known attestation kind.
    @param attester The 20-byte attester address.
    """
    roles: uint256 = staticcall _PARTICIPANTS.roles_of(attester)
    assert roles != 0, "Attestations: attester is not an active participant"
    if kind == _SUPPLIER_DECLARATION:
        assert roles & _PRODUCER_BIT != 0, "Attestations: supplier declarations are made by producers"
    elif kind == _RECEIVED or kind == _CLAIM_FILED:
        assert (
            roles & (_IMPORTER_BIT | _BROKER_BIT) != 0
        ), "Attestations: receipts and claims are made by importers or brokers"
    elif kind == _CUSTOMS_NOTE:
        assert roles & _CUSTOMS_BIT != 0, "Attestations: customs notes are made by customs"

    certifier: address = empty(address)
    status: uint8 = _NONE
    certifier, status = staticcall _CERTIFICATES.record_of(cert_hash)
    assert status != _NONE, "Attestations: unknown certificate"
    if kind == _ACCESS_GRANTED or kind == _VERIFICATION_RESPONSE:
        assert (
            roles & _PRODUCER_BIT != 0 or certifier == attester
        ), "Attestations: access grants and verification responses are made by the certifier or a producer"
    assert (
        (_STATUSES_BY_KIND >> (8 * convert(kind, uint256) + convert(status, uint256))) & 1 != 0
    ), "Attestations: certificate status does not allow this kind"


@internal
@view
def _is_valid_eip1271_signature(wallet: address, digest: bytes32, signature: Bytes[1_024]) -> bool:
    """
    @dev Asks a contract wallet `isValidSignature(bytes32,bytes)` with the whole signature (snekmate's
         `signature_checker` passes 65 bytes at most, too few for a multisig). A wallet that reverts
         or answers anything but the magic value rejects the signature, so the caller gets one clear
         reason whatever the wallet does.
    @param wallet The 20-byte contract attester.
    @param digest The 32-byte EIP-712 digest.
    @param signature The wallet's signature bytes.
    @return bool Whether the wallet returned EIP-1271's magic value.
    """
    success: bool = False
    response: Bytes[32] = b""
    success, response = raw_call(
        wallet,
        abi_encode(digest, signature, method_id=method_id("isValidSignature(bytes32,bytes)")),
        max_outsize=32,
        is_static_call=True,
        revert_on_failure=False,
    )
    return (
        success and len(response) == 32 and convert(response, bytes32) == convert(_EIP1271_MAGIC_VALUE, bytes32)
    )


@internal
@pure
def _attester_of(record: uint256) -> address:
    """
    @dev The attester field of a packed record.
    @param record The packed record.
    @return address The 20-byte attester.
    """
    return convert(convert(record & _ADDRESS_MASK, uint160), address)
