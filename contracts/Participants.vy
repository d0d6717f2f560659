# pragma version ~=0.4.3
"""
@title Participants
@custom:contract-name Participants
@license MIT
@notice The directory of originproof's trade participants: who may do what, and how
        to encrypt to them. The customs authority that deploys it holds
        `DEFAULT_ADMIN_ROLE` and `CUSTOMS_ROLE`; it enrolls exporters, producers,
        importers and brokers with the hash of their off-chain profile and the raw
        X25519 public key of their age identity, and it may suspend and reinstate them.
        Participants rotate their own key.
@dev Roles live twice: in snekmate's `access_control` (`hasRole`, OpenZeppelin
     compatible) and, for the five participant roles, in one packed word per account
     together with the suspension flag, so `roles_of` answers "active with role X" in
     one storage read. Every role change goes through this contract's own
     `enroll`/`grantRole`/`revokeRole`/`renounceRole`, which keep both in step;
     `access_control`'s own mutating externals are deliberately not exported.
     Member word layout (`_members`): bit 0 CUSTOMS, bit 1 EXPORTER, bit 2 PRODUCER,
     bit 3 IMPORTER, bit 4 BROKER, bit 8 suspended.
     Enrolling an account for a further role overwrites its profile hash and key: an
     account is one party with one profile and one age identity, and the latest
     enrollment describes it.
"""


from interfaces import IParticipants
implements: IParticipants


from snekmate.auth import access_control
initializes: access_control


# Read-only role queries and ERC-165 come from `access_control`; every mutating role
# function is this contract's own so that the packed role word stays in step.
exports: (
    access_control.DEFAULT_ADMIN_ROLE,
    access_control.hasRole,
    access_control.getRoleAdmin,
    access_control.supportsInterface,
)


CUSTOMS_ROLE: public(constant(bytes32)) = keccak256("CUSTOMS_ROLE")
EXPORTER_ROLE: public(constant(bytes32)) = keccak256("EXPORTER_ROLE")
PRODUCER_ROLE: public(constant(bytes32)) = keccak256("PRODUCER_ROLE")
IMPORTER_ROLE: public(constant(bytes32)) = keccak256("IMPORTER_ROLE")
BROKER_ROLE: public(constant(bytes32)) = keccak256("BROKER_ROLE")

_CUSTOMS_BIT: constant(uint256) = 1
_EXPORTER_BIT: constant(uint256) = 2
_PRODUCER_BIT: constant(uint256) = 4
_IMPORTER_BIT: constant(uint256) = 8
_BROKER_BIT: constant(uint256) = 16
_ROLE_BITS: constant(uint256) = 31
_SUSPENDED_BIT: constant(uint256) = 256


# @dev Participant roles (bits 0-4) and suspension flag (bit 8) of each account.
_members: HashMap[address, uint256]

# @notice The raw X25519 public key of each participant's age identity.
encryption_key: public(HashMap[address, bytes32])

# @notice The hash of each participant's off-chain profile, as last enrolled.
profile_hash: public(HashMap[address, bytes32])


@deploy
def __init__():
    """
    @notice The deployer becomes the admin and the first customs officer.
    """
    access_control.__init__()
    self._grant(CUSTOMS_ROLE, msg.sender)


@external
def enroll(account: address, role: bytes32, profile_hash: bytes32, encryption_key: bytes32):
    """
    @notice Enrolls `account` in one of the five participant roles, recording the
            hash of its off-chain profile and its encryption key.
    @dev A second enrollment of the same account (for another role) overwrites its
         profile hash and key; enrolling an account again in a role it holds reverts.
         A suspended account may be enrolled and stays suspended.
    @param account The participant.
    @param role CUSTOMS_ROLE, EXPORTER_ROLE, PRODUCER_ROLE, IMPORTER_ROLE or BROKER_ROLE.
    @param profile_hash Nonzero hash of the participant's off-chain profile.
    @param encryption_key Nonzero raw X25519 public key of the participant's age identity.
    @custom:security Only an active (unsuspended) admin may enroll.
    """
    self._check_admin(access_control.DEFAULT_ADMIN_ROLE)
    assert account != empty(address), "Participants: account is the zero address"
    assert self._role_bit(role) != 0, "Participants: not a participant role"
    assert not access_control.hasRole[role][account], "Participants: account already enrolled in role"
    assert profile_hash != empty(bytes32), "Participants: profile hash is zero"
    assert encryption_key != empty(bytes32), "Participants: encryption key is zero"
    self._grant(role, account)
    self.profile_hash[account] = profile_hash
    self.encryption_key[account] = encryption_key
    log IParticipants.ParticipantEnrolled(
        account=account,
        role=role,
        profile_hash=profile_hash,
        encryption_key=encryption_key,
        sender=msg.sender,
    )


@external
def grantRole(role: bytes32, account: address):
    """
    @notice Grants `role` to `account`; the caller holds the role's admin role.
    @dev OpenZeppelin-compatible. A participant role granted here counts like an
         enrollment without a profile or key: the account may set its key itself.
         Emits `RoleGranted` if the role was not held.
    @param role The role id.
    @param account The account.
    @custom:security Only an active (unsuspended) holder of the role's admin role.
    """
    self._check_admin(access_control.getRoleAdmin[role])
    assert account != empty(address), "Participants: account is the zero address"
    self._grant(role, account)


@external
def revokeRole(role: bytes32, account: address):
    """
    @notice Revokes `role` from `account`; the caller holds the role's admin role.
    @dev Also clears the role from `roles_of`. Emits `RoleRevoked` if the role was held.
    @param role The role id.
    @param account The account.
    @custom:security Only an active (unsuspended) holder of the role's admin role.
    """
    self._check_admin(access_control.getRoleAdmin[role])
    self._revoke(role, account)


@external
def renounceRole(role: bytes32, account: address):
    """
    @notice Gives up one of the caller's own roles.
    @dev Allowed while suspended: shedding a privilege is always safe.
    @param role The role id.
    @param account The caller's own address (OpenZeppelin's confirmation argument).
    """
    assert account == msg.sender, "Participants: can only renounce roles for itself"
    self._revoke(role, account)


@external
def set_encryption_key(key: bytes32):
    """
    @notice Rotates the caller's encryption key (the raw X25519 public key of its
            age identity).
    @param key The new nonzero key, different from the current one.
    @custom:security Only an enrolled, unsuspended participant changes its own key.
    """
    member: uint256 = self._members[msg.sender]
    assert member & _ROLE_BITS != 0, "Participants: caller is not enrolled"
    assert member & _SUSPENDED_BIT == 0, "Participants: caller is suspended"
    assert key != empty(bytes32), "Participants: encryption key is zero"
    previous_key: bytes32 = self.encryption_key[msg.sender]
    assert key != previous_key, "Participants: encryption key unchanged"
    self.encryption_key[msg.sender] = key
    log IParticipants.EncryptionKeyChanged(account=msg.sender, previous_key=previous_key, new_key=key)


@external
def suspend(account: address):
    """
    @notice Suspends a participant: `roles_of` answers 0 and it can do nothing here
            or in the contracts that read this directory until reinstated. Its roles stay.
    @param account An enrolled participant other than the caller.
    @custom:security An admin cannot suspend itself, so suspensions never lock out the
                     last active admin by accident.
    """
    self._check_admin(access_control.DEFAULT_ADMIN_ROLE)
    assert account != msg.sender, "Participants: cannot suspend yourself"
    member: uint256 = self._members[account]
    assert member & _ROLE_BITS != 0, "Participants: account is not enrolled"
    assert member & _SUSPENDED_BIT == 0, "Participants: participant already suspended"
    self._members[account] = member | _SUSPENDED_BIT
    log IParticipants.ParticipantSuspended(account=account, sender=msg.sender)


@external
def reinstate(account: address):
    """
    @notice Lifts a participant's suspension.
    @param account A suspended participant.
    @custom:security Only an active (unsuspended) admin may reinstate.
    """
    self._check_admin(access_control.DEFAULT_ADMIN_ROLE)
    member: uint256 = self._members[account]
    assert member & _SUSPENDED_BIT != 0, "Participants: participant is not suspended"
    self._members[account] = member & ~_SUSPENDED_BIT
    log IParticipants.ParticipantReinstated(account=account, sender=msg.sender)


@external
@view
def is_suspended(account: address) -> bool:
    """
    @notice Whether `account` is suspended.
    @param account The account.
    @return bool True if suspended.
    """
    return self._members[account] & _SUSPENDED_BIT != 0


@external
@view
def is_active(account: address) -> bool:
    """
    @notice Whether `account` holds a participant role and is not suspended.
    @param account The account.
    @return bool True if active.
    """
    return self._active_roles(account) != 0


@external
@view
def roles_of(account: address) -> uint256:
    """
    @notice The participant roles of an active account, as a bitmask read from one
            storage slot.
    @dev Bit 0 CUSTOMS, 1 EXPORTER, 2 PRODUCER, 3 IMPORTER, 4 BROKER; 0 if the account
         is suspended or holds none of them.
    @param account The account.
    @return uint256 The role bitmask.
    """
    return self._active_roles(account)


@internal
@view
def _active_roles(account: address) -> uint256:
    """
    @dev The role bits of `account`, or 0 while it is suspended.
    @param account The account.
    @return uint256 The role bitmask.
    """
    member: uint256 = self._members[account]
    if member & _SUSPENDED_BIT != 0:
        return 0
    return member & _ROLE_BITS


@internal
@view
def _check_admin(admin_role: bytes32):
    """
    @dev Reverts unless the caller holds `admin_role` and is not suspended.
    @param admin_role The role the caller must hold.
    """
    assert access_control.hasRole[admin_role][msg.sender], "Participants: caller is missing the admin role"
    assert self._members[msg.sender] & _SUSPENDED_BIT == 0, "Participants: caller is suspended"


@internal
def _grant(role: bytes32, account: address):
    """
    @dev Grants `role` in `access_control` and, for a participant role, in the role word.
    @param role The role id.
    @param account The account.
    """
    access_control._grant_role(role, account)
    self._members[account] |= self._role_bit(role)


@internal
def _revoke(role: bytes32, account: address):
    """
    @dev Revokes `role` in `access_control` and, for a participant role, in the role word.
    @param role The role id.
    @param account The account.
    """
    access_control._revoke_role(role, account)
    self._members[account] &= ~self._role_bit(role)


@internal
@pure
def _role_bit(role: bytes32) -> uint256:
    """
    @dev The role word bit of a participant role, 0 for any other role.
    @param role The role id.
    @return uint256 The bit.
    """
    if role == CUSTOMS_ROLE:
        return _CUSTOMS_BIT
    if role == EXPORTER_ROLE:
        return _EXPORTER_BIT
    if role == PRODUCER_ROLE:
        return _PRODUCER_BIT
    if role == IMPORTER_ROLE:
        return _IMPORTER_BIT
    if role == BROKER_ROLE:
        return _BROKER_BIT
    return 0
