"""Loopback ports for the e2e tests' own nodes and servers, away from the 8545 the contract suite uses."""

import socket


def free_port() -> int:
    """A loopback port nothing listens on now, the kernel's pick, closed again: a port for a node to
    start on, or an RPC URL that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
