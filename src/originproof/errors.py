"""The one exception root of originproof, and its specific kinds.

The CLI catches `Error` only: anything else escaping is a bug and keeps its traceback.
"""


class Error(Exception):
    """Root of every error originproof raises on purpose."""


class ValidationError(Error):
    """Input that breaks a rule; the message names the field or file and the rule."""


class IntegrityError(Error):
    """Data that no longer matches what it was bound to (a hash, a commitment, a proof)."""


class DecryptionError(Error):
    """Nothing could be decrypted; deliberately says no more than that."""


class ChainError(Error):
    """The chain could not be read or written (RPC down, reverted transaction, unknown deployment)."""


class UnverifiableError(ChainError):
    """No verdict could be reached because the chain could not be read (the CLI exits 3, not 4)."""
