# pragma version ~=0.4.3
"""
@title Certificates
@custom:contract-name Certificates
@license MIT
@notice Certificate-of-origin fingerprints and their lifecycle. A certifier (exporter,
        producer or importer enrolled in Participants) registers a certificate's hash,
        singly or many at once as the root of an OpenZeppelin StandardMerkleTree; customs
        opens and closes verifications; the certifier or customs revokes; an amendment
        supersedes. Lifecycle (anything else reverts):
        NONE -> ACTIVE by `register` (certifier) or `materialize` (anyone, with proof);
        ACTIVE, AFFIRMED -> SUPERSEDED by `register(..., supersedes)` of the same certifier;
        ACTIVE, AFFIRMED -> REVOKED by `revoke` (certifier or customs);
        ACTIVE, AFFIRMED, DENIED -> UNDER_VERIFICATION by `open_verification` (customs);
        UNDER_VERIFICATION -> AFFIRMED, DENIED by `close_verification` (customs);
        UNDER_VERIFICATION -> REVOKED by `revoke` (customs only).
        SUPERSEDED and REVOKED are final.
@dev Each certificate is ONE storage word (`_records`), packed by hand:
       bits   0-159  certifier address
       bits 160-167  agreement (1 USMCA, 2 NAFTA, 3 CAFTA_DR)
       bits 168-175  status (1 ACTIVE ... 6 DENIED; a zero word is NONE)
       bits 176-215  issued_at, seconds since the epoch (40 bits, good to year 36812)
       bits 216-235  blanket_from as a day number since 1970-01-01 (20 bits, to year 4840)
       bits 236-244  blanket length in days, blanket_to - blanket_from (9 bits; 0 = single shipment)
       bits 245-255  unused
     Blanket dates are UTC midnights, so day numbers lose nothing; `certificate()`
     rebuilds the timestamps. The superseded hash lives in `_supersedes`, written only
     for amendments. A batch is one word too (`_batches`): registrant in bits 0-159,
     count in bits 160-191, registration time in bits 192-231.
     Roles are read with one staticcall to `Participants.roles_of`, which answers 0 for
     a suspended participant.
     Pause stops `register` and `register_batch`, the only ways a new certified fact
     enters the chain. `materialize` (which only records what a registered batch
     already proves), `revoke` and verification stay open, so that damage control works
     during an emergency.
@custom:security The only outbound calls are `staticcall`s to the immutable
                 Participants directory: a static context cannot change state, so
                 nothing can re-enter a state-changing function and no `@nonreentrant`
                 lock is needed.
"""


from interfaces import ICertificates
implements: ICertificates

from interfaces import IParticipants


from snekmate.utils import pausable
initializes: pausable

from snekmate.utils import merkle_proof_verification


# `paused` is the pausable module's flag; `pause`/`unpause` are this contract's own,
# guarded by the Participants admin.
exports: pausable.paused


_DEFAULT_ADMIN_ROLE: constant(bytes32) = empty(bytes32)

# Role bits of `Participants.roles_of`.
_CUSTOMS_BIT: constant(uint256) = 1
_CERTIFIER_BITS: constant(uint256) = 2 | 4 | 8

_ACTIVE: constant(uint8) = 1
_SUPERSEDED: constant(uint8) = 2
_REVOKED: constant(uint8) = 3
_UNDER_VERIFICATION: constant(uint8) = 4
_AFFIRMED: constant(uint8) = 5
_DENIED: constant(uint8) = 6

_AGREEMENT_COUNT: constant(uint8) = 3
_DAY: constant(uint64) = 86_400
_MAX_BLANKET_DAYS: constant(uint64) = 365

# Certificate record fields (see the layout in the header): shifts and widths.
_ADDRESS_MASK: constant(uint256) = 2**160 - 1
_BYTE_MASK: constant(uint256) = 2**8 - 1
_AGREEMENT_SHIFT: constant(uint256) = 160
_STATUS_SHIFT: constant(uint256) = 168
_STATUS_MASK: constant(uint256) = _BYTE_MASK << _STATUS_SHIFT
_ISSUED_SHIFT: constant(uint256) = 176
_TIME_MASK: constant(uint256) = 2**40 - 1
_FROM_DAY_SHIFT: constant(uint256) = 216
_DAY_NUMBER_MASK: constant(uint256) = 2**20 - 1
_DAYS_SHIFT: constant(uint256) = 236
_DAYS_MASK: constant(uint256) = 2**9 - 1

# Batch record fields.
_COUNT_SHIFT: constant(uint256) = 160
_COUNT_MASK: constant(uint256) = 2**32 - 1
_BATCH_TIME_SHIFT: constant(uint256) = 192

_PROOF_BOUND: constant(uint256) = 32


_PARTICIPANTS: immutable(IParticipants)

# @dev Packed certificate records, keyed by certificate hash (layout above).
_records: HashMap[bytes32, uint256]

# @dev The certificate each amendment supersedes (absent for originals).
_supersedes: HashMap[bytes32, bytes32]

# @dev Packed batch records, keyed by Merkle root (layout above).
_batches: HashMap[bytes32, uint256]


@deploy
def __init__(participants: IParticipants):
    """
    @notice Binds the contract to the Participants directory whose roles it reads.
    @param participants The Participants contract.
    """
    assert participants.address != empty(address), "Certificates: participants is the zero address"
    pausable.__init__()
    _PARTICIPANTS = participants


@external
@view
def participants() -> address:
    """
    @notice The Participants directory whose roles this contract reads.
    @return address The directory.
    """
    return _PARTICIPANTS.address


@external
def register(cert_hash: bytes32, agreement: uint8, blanket_from: uint64, blanket_to: uint64, supersedes: bytes32):
    """
    @notice Registers a certificate's fingerprint, ACTIVE, with the caller as certifier.
    @dev Blanket rule: both dates 0 for a single shipment; otherwise both UTC midnights,
         `blanket_from` < `blanket_to` and at most 365 days apart. A nonzero `supersedes`
         must be an ACTIVE or AFFIRMED certificate of the caller's, which turns SUPERSEDED.
    @param cert_hash The nonzero certificate hash (its commitment root), not yet known.
    @param agreement 1 USMCA, 2 NAFTA, 3 CAFTA_DR.
    @param blanket_from First day covered (UTC midnight), or 0 for a single shipment.
    @param blanket_to Last day covered (UTC midnight), or 0 for a single shipment.
    @param supersedes 0, or the certificate this one amends.
    @custom:security Caller must be an active exporter, producer or importer; stopped by pause.
    """
    assert not pausable.paused, "Certificates: registration is paused"
    assert staticcall _PARTICIPANTS.roles_of(msg.sender) & _CERTIFIER_BITS != 0, (
        "Certificates: caller is not a certifier"
    )
    terms: uint256 = self._terms(cert_hash, agreement, blanket_from, blanket_to)
    assert self._records[cert_hash] == 0, "Certificates: certificate already registered"
    # Before the new record exists, so that a certificate can never supersede itself.
    if supersedes != empty(bytes32):
        self._supersede(supersedes, cert_hash)
    self._records[cert_hash] = self._new_record(msg.sender, terms, block.timestamp)
    log ICertificates.CertificateRegistered(
        cert_hash=cert_hash,
        certifier=msg.sender,
        agreement=agreement,
        blanket_from=blanket_from,
        blanket_to=blanket_to,
        supersedes=supersedes,
    )


@external
def register_batch(root: bytes32, count: uint32):
    """
    @notice Registers `count` certificates at once as the root of an OpenZeppelin
            StandardMerkleTree with leaves `(bytes32 certHash, uint8 agreement,
            uint64 blanketFrom, uint64 blanketTo)`; the caller is their certifier.
    @dev Members get no record until `materialize`; `count` is declared, not checked.
    @param root The nonzero tree root, not yet registered.
    @param count The nonzero number of certificates in the tree.
    @custom:security Caller must be an active exporter, producer or importer; stopped by pause.
    """
    assert not pausable.paused, "Certificates: registration is paused"
    assert staticcall _PARTICIPANTS.roles_of(msg.sender) & _CERTIFIER_BITS != 0, (
        "Certificates: caller is not a certifier"
    )
    assert root != empty(bytes32), "Certificates: batch root is zero"
    assert count != 0, "Certificates: batch count is zero"
    assert self._batches[root] == 0, "Certificates: batch already registered"
    self._batches[root] = (
        convert(msg.sender, uint256)
        | (convert(count, uint256) << _COUNT_SHIFT)
        | (block.timestamp << _BATCH_TIME_SHIFT)
    )
    log ICertificates.BatchRegistered(root=root, certifier=msg.sender, count=count)


@external
@view
def batch(root: bytes32) -> (address, uint32, uint64):
    """
    @notice A registered batch: its certifier, declared size and registration time.
    @param root The batch root.
    @return address The certifier (zero if unknown).
    @return uint32 The declared number of certificates.
    @return uint64 The registration timestamp.
    """
    word: uint256 = self._batches[root]
    return (
        convert(word & _ADDRESS_MASK, address),
        convert((word >> _COUNT_SHIFT) & _COUNT_MASK, uint32),
        convert(word >> _BATCH_TIME_SHIFT, uint64),
    )


@external
@view
def status_in_batch(
    root: bytes32,
    cert_hash: bytes32,
    agreement: uint8,
    blanket_from: uint64,
    blanket_to: uint64,
    proof: DynArray[bytes32, _PROOF_BOUND],
) -> uint8:
    """
    @notice The status of a batch member: its own record's status once materialized
            (or registered singly), ACTIVE if the proof holds for a registered batch,
            0 otherwise.
    @dev Terms are checked like `register` (and revert the same way), so a leaf answers
         ACTIVE exactly when `materialize` would accept it.
    @param root The batch root.
    @param cert_hash The member's certificate hash.
    @param agreement The member's agreement.
    @param blanket_from The member's first day covered, or 0.
    @param blanket_to The member's last day covered, or 0.
    @param proof The Merkle proof of the member's leaf.
    @return uint8 The member's status.
    """
    self._terms(cert_hash, agreement, blanket_from, blanket_to)
    if self._batches[root] == 0:
        return 0
    if not merkle_proof_verification._verify(proof, root, self._leaf(cert_hash, agreement, blanket_from, blanket_to)):
        return 0
    record: uint256 = self._records[cert_hash]
    if record != 0:
        return self._status(record)
    return _ACTIVE


@external
def materialize(
    root: bytes32,
    cert_hash: bytes32,
    agreement: uint8,
    blanket_from: uint64,
    blanket_to: uint64,
    proof: DynArray[bytes32, _PROOF_BOUND],
):
    """
    @notice Gives a batch member its own ACTIVE record, certified by the batch's
            registrant and issued at the batch's registration time.
    @dev Anyone may call: the Merkle proof is the authority. Terms are checked like
         `register`; a hash already known (materialized, or registered singly) reverts.
    @param root A registered batch root.
    @param cert_hash The member's certificate hash.
    @param agreement The member's agreement.
    @param blanket_from The member's first day covered, or 0.
    @param blanket_to The member's last day covered, or 0.
    @param proof The Merkle proof of the member's leaf.
    @custom:security Not stopped by pause: it adds no fact the registered root does not
                     already prove, and revocation or verification of the member needs it.
    """
    batch: uint256 = self._batches[root]
    assert batch != 0, "Certificates: batch not registered"
    terms: uint256 = self._terms(cert_hash, agreement, blanket_from, blanket_to)
    assert merkle_proof_verification._verify(proof, root, self._leaf(cert_hash, agreement, blanket_from, blanket_to)), (
        "Certificates: invalid batch proof"
    )
    assert self._records[cert_hash] == 0, "Certificates: certificate already registered"
    certifier: address = convert(batch & _ADDRESS_MASK, address)
    issued_at: uint256 = (batch >> _BATCH_TIME_SHIFT) & _TIME_MASK
    self._records[cert_hash] = self._new_record(certifier, terms, issued_at)
    log ICertificates.CertificateMaterialized(
        cert_hash=cert_hash,
        root=root,
        certifier=certifier,
        agreement=agreement,
        blanket_from=blanket_from,
        blanket_to=blanket_to,
    )


@external
@view
def status(cert_hash: bytes32) -> uint8:
    """
    @notice A certificate's status: 0 NONE, 1 ACTIVE, 2 SUPERSEDED, 3 REVOKED,
            4 UNDER_VERIFICATION, 5 AFFIRMED, 6 DENIED.
    @param cert_hash The certificate hash.
    @return uint8 The status (0 for an unknown or unmaterialized hash).
    """
    return self._status(self._records[cert_hash])


@external
@view
def certifier(cert_hash: bytes32) -> address:
    """
    @notice A certificate's certifier.
    @param cert_hash The certificate hash.
    @return address The certifier (zero if unknown).
    """
    return self._certifier(self._records[cert_hash])


@external
@view
def record_of(cert_hash: bytes32) -> (address, uint8):
    """
    @notice A certificate's certifier and status from one storage read.
    @param cert_hash The certificate hash.
    @return address The certifier (zero if unknown).
    @return uint8 The status (0 if unknown).
    """
    record: uint256 = self._records[cert_hash]
    return (self._certifier(record), self._status(record))


@external
@view
def certificate(cert_hash: bytes32) -> ICertificates.Certificate:
    """
    @notice A certificate's whole record, blanket dates rebuilt as UTC-midnight timestamps.
    @param cert_hash The certificate hash.
    @return Certificate The record (all zero if unknown).
    """
    record: uint256 = self._records[cert_hash]
    blanket_from: uint64 = 0
    blanket_to: uint64 = 0
    days: uint64 = convert((record >> _DAYS_SHIFT) & _DAYS_MASK, uint64)
    if days != 0:
        blanket_from = convert((record >> _FROM_DAY_SHIFT) & _DAY_NUMBER_MASK, uint64) * _DAY
        blanket_to = blanket_from + days * _DAY
    return ICertificates.Certificate(
        certifier=self._certifier(record),
        agreement=convert((record >> _AGREEMENT_SHIFT) & _BYTE_MASK, uint8),
        status=self._status(record),
        issued_at=convert((record >> _ISSUED_SHIFT) & _TIME_MASK, uint64),
        blanket_from=blanket_from,
        blanket_to=blanket_to,
        supersedes=self._supersedes[cert_hash],
    )


@external
def revoke(cert_hash: bytes32, reason: bytes32):
    """
    @notice Revokes an ACTIVE or AFFIRMED certificate (its certifier or customs), or
            one UNDER_VERIFICATION (customs only: a certifier cannot escape a verification).
    @param cert_hash The certificate hash.
    @param reason A nonzero reason code or hash, carried by the event.
    @custom:security The certifier must still be an active certifier; customs must be active.
    """
    roles: uint256 = staticcall _PARTICIPANTS.roles_of(msg.sender)
    record: uint256 = self._known(cert_hash)
    is_customs: bool = roles & _CUSTOMS_BIT != 0
    assert is_customs or (self._certifier(record) == msg.sender and roles & _CERTIFIER_BITS != 0), (
        "Certificates: caller is not the certifier or customs"
    )
    assert reason != empty(bytes32), "Certificates: revocation reason is zero"
    status: uint8 = self._status(record)
    if status == _UNDER_VERIFICATION:
        assert is_customs, "Certificates: only customs can revoke under verification"
    else:
        assert status in [_ACTIVE, _AFFIRMED], "Certificates: certificate cannot be revoked in its status"
    self._records[cert_hash] = self._with_status(record, _REVOKED)
    log ICertificates.CertificateRevoked(cert_hash=cert_hash, sender=msg.sender, reason=reason)


@external
def open_verification(cert_hash: bytes32, request_hash: bytes32):
    """
    @notice Customs opens a verification of an ACTIVE, AFFIRMED or DENIED certificate.
    @param cert_hash The certificate hash.
    @param request_hash Nonzero hash of the verification request (kept off-chain).
    @custom:security Customs only (active).
    """
    assert staticcall _PARTICIPANTS.roles_of(msg.sender) & _CUSTOMS_BIT != 0, "Certificates: caller is not customs"
    record: uint256 = self._known(cert_hash)
    assert request_hash != empty(bytes32), "Certificates: request hash is zero"
    assert self._status(record) in [_ACTIVE, _AFFIRMED, _DENIED], (
        "Certificates: certificate cannot enter verification in its status"
    )
    self._records[cert_hash] = self._with_status(record, _UNDER_VERIFICATION)
    log ICertificates.VerificationOpened(cert_hash=cert_hash, sender=msg.sender, request_hash=request_hash)


@external
def close_verification(cert_hash: bytes32, outcome: uint8, finding_hash: bytes32):
    """
    @notice Customs closes a verification: the certificate becomes AFFIRMED (5) or DENIED (6).
    @param cert_hash The certificate hash, UNDER_VERIFICATION.
    @param outcome 5 AFFIRMED or 6 DENIED.
    @param finding_hash Nonzero hash of the written finding (kept off-chain).
    @custom:security Customs only (active).
    """
    assert staticcall _PARTICIPANTS.roles_of(msg.sender) & _CUSTOMS_BIT != 0, "Certificates: caller is not customs"
    record: uint256 = self._known(cert_hash)
    assert outcome in [_AFFIRMED, _DENIED], "Certificates: outcome must be AFFIRMED or DENIED"
    assert finding_hash != empty(bytes32), "Certificates: finding hash is zero"
    assert self._status(record) == _UNDER_VERIFICATION, "Certificates: certificate is not under verification"
    self._records[cert_hash] = self._with_status(record, outcome)
    log ICertificates.VerificationClosed(
        cert_hash=cert_hash, sender=msg.sender, outcome=outcome, finding_hash=finding_hash
    )


@external
def pause():
    """
    @notice The Participants admin stops registration (`register`, `register_batch`).
    @custom:security Admin of Participants only, and not suspended.
    """
    self._check_admin()
    assert not pausable.paused, "Certificates: registration already paused"
    pausable._pause()


@external
def unpause():
    """
    @notice The Participants admin resumes registration.
    @custom:security Admin of Participants only, and not suspended.
    """
    self._check_admin()
    assert pausable.paused, "Certificates: registration is not paused"
    pausable._unpause()


@internal
@view
def _check_admin():
    """
    @dev Reverts unless the caller is an unsuspended admin of Participants.
    """
    assert staticcall _PARTICIPANTS.hasRole(_DEFAULT_ADMIN_ROLE, msg.sender), "Certificates: caller is not the admin"
    assert not staticcall _PARTICIPANTS.is_suspended(msg.sender), "Certificates: caller is suspended"


@internal
def _supersede(old_hash: bytes32, new_hash: bytes32):
    """
    @dev Turns the caller's ACTIVE or AFFIRMED certificate `old_hash` SUPERSEDED by
         its amendment `new_hash`, and links the amendment to it.
    @param old_hash The certificate amended.
    @param new_hash The amendment the caller is registering.
    """
    old: uint256 = self._records[old_hash]
    assert old != 0, "Certificates: superseded certificate not registered"
    assert self._certifier(old) == msg.sender, "Certificates: caller is not the superseded certificate's certifier"
    assert self._status(old) in [_ACTIVE, _AFFIRMED], "Certificates: certificate cannot be superseded in its status"
    self._records[old_hash] = self._with_status(old, _SUPERSEDED)
    self._supersedes[new_hash] = old_hash
    log ICertificates.CertificateSuperseded(cert_hash=old_hash, superseded_by=new_hash)


@internal
@view
def _known(cert_hash: bytes32) -> uint256:
    """
    @dev The record of a registered certificate; reverts for an unknown hash.
    @param cert_hash The certificate hash.
    @return uint256 The packed record.
    """
    record: uint256 = self._records[cert_hash]
    assert record != 0, "Certificates: certificate not registered"
    return record


@internal
@pure
def _terms(cert_hash: bytes32, agreement: uint8, blanket_from: uint64, blanket_to: uint64) -> uint256:
    """
    @dev Checks a certificate's terms and packs agreement and blanket period into
         their record bits (status, certifier and time still to add).
    @param cert_hash The certificate hash.
    @param agreement The agreement code.
    @param blanket_from First day covered, or 0.
    @param blanket_to Last day covered, or 0.
    @return uint256 The agreement and blanket bits of the record.
    """
    assert cert_hash != empty(bytes32), "Certificates: certificate hash is zero"
    assert agreement != 0 and agreement <= _AGREEMENT_COUNT, "Certificates: unknown agreement"
    terms: uint256 = convert(agreement, uint256) << _AGREEMENT_SHIFT
    if blanket_from == 0 and blanket_to == 0:
        return terms
    assert blanket_from != 0 and blanket_to != 0, "Certificates: blanket period needs both dates"
    assert blanket_from % _DAY == 0 and blanket_to % _DAY == 0, "Certificates: blanket dates must be UTC midnight"
    assert blanket_from < blanket_to, "Certificates: blanket period must end after it starts"
    days: uint64 = (blanket_to - blanket_from) // _DAY
    assert days <= _MAX_BLANKET_DAYS, "Certificates: blanket period longer than one year"
    from_day: uint256 = convert(blanket_from // _DAY, uint256)
    assert from_day <= _DAY_NUMBER_MASK, "Certificates: blanket dates out of range"
    return terms | (from_day << _FROM_DAY_SHIFT) | (convert(days, uint256) << _DAYS_SHIFT)


@internal
@pure
def _new_record(certifier: address, terms: uint256, issued_at: uint256) -> uint256:
    """
    @dev Packs an ACTIVE record.
    @param certifier The certifier.
    @param terms The agreement and blanket bits from `_terms`.
    @param issued_at The issue time in seconds (below 2**40).
    @return uint256 The packed record.
    """
    return (
        convert(certifier, uint256)
        | terms
        | (convert(_ACTIVE, uint256) << _STATUS_SHIFT)
        | (issued_at << _ISSUED_SHIFT)
    )


@internal
@pure
def _leaf(cert_hash: bytes32, agreement: uint8, blanket_from: uint64, blanket_to: uint64) -> bytes32:
    """
    @dev The StandardMerkleTree leaf of a batch member: the double keccak256 of the
         ABI encoding of `(bytes32, uint8, uint64, uint64)`, as `@openzeppelin/merkle-tree`
         hashes it (the inner hash is 32 bytes, so hashing it equals hashing `bytes.concat` of it).
    @param cert_hash The member's certificate hash.
    @param agreement The member's agreement.
    @param blanket_from The member's first day covered, or 0.
    @param blanket_to The member's last day covered, or 0.
    @return bytes32 The leaf hash.
    """
    return keccak256(keccak256(abi_encode(cert_hash, agreement, blanket_from, blanket_to)))


@internal
@pure
def _certifier(record: uint256) -> address:
    """
    @dev The certifier field of a packed record.
    @param record The packed record.
    @return address The certifier.
    """
    return convert(record & _ADDRESS_MASK, address)


@internal
@pure
def _status(record: uint256) -> uint8:
    """
    @dev The status field of a packed record.
    @param record The packed record.
    @return uint8 The status.
    """
    return convert((record >> _STATUS_SHIFT) & _BYTE_MASK, uint8)


@internal
@pure
def _with_status(record: uint256, status: uint8) -> uint256:
    """
    @dev A packed record with its status replaced.
    @param record The packed record.
    @param status The new status.
    @return uint256 The updated record.
    """
    return (record & ~_STATUS_MASK) | (convert(status, uint256) << _STATUS_SHIFT)
