"""The chain side of originproof: the ape client that writes, the failover reader that verifies.

`ChainClient` (client.py) needs ape connected to a network; `ChainReader` (reader.py) needs only RPC
URLs. Both read the same calls (views.py) and answer with the records of records.py.
"""

from originproof.chain.client import ChainClient
from originproof.chain.reader import ChainReader
from originproof.chain.records import (
    AttestationEvent,
    AttestationRecord,
    BatchRecord,
    CertificateRecord,
    ChainEvent,
    TxResult,
)

__all__ = [
    "AttestationEvent",
    "AttestationRecord",
    "BatchRecord",
    "CertificateRecord",
    "ChainClient",
    "ChainEvent",
    "ChainReader",
    "TxResult",
]
