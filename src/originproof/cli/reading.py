"""How the commands that only read the chain (verify, disclose, audit) reach it.

`--rpc URL` (repeatable) names the nodes to read from, tried in order with failover (`ChainReader`):
when every one is down, times out or throttles, the answer is UNVERIFIABLE, never INVALID. Without
`--rpc`, the network's own URL is read: the local node of `originproof node start` when no `--network`
is named, else the URL ape's provider uses for that network. A chain ape runs inside this process
(the embedded EthTester, `ethereum:local:test`) has no URL and is read through ape itself.

The deployment read is the one recorded in the workspace for the chain the URLs serve.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

from originproof import deployments
from originproof import node as local_node
from originproof.chain import ChainReader
from originproof.chain.views import ChainViews
from originproof.cli.frame import Settings
from originproof.cli.network import connected
from originproof.errors import ChainError, UnverifiableError
from originproof.flows._common import open_client
from originproof.workspace import Workspace

RPC_ENV = "ORIGINPROOF_RPC"
DEFAULT_TIMEOUT = 5.0


def rpc_options() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--rpc URL` (repeatable; env ORIGINPROOF_RPC, URLs separated by spaces) and `--timeout SECONDS`."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            help="Seconds to wait for each RPC answer before trying the next URL.",
        )(command)
        return click.option(
            "--rpc",
            "rpc_urls",
            multiple=True,
            metavar="URL",
            envvar=RPC_ENV,
            show_envvar=True,
            help="RPC URL to read the chain from; repeat it for failover. Default: the network's own URL.",
        )(command)

    return decorate


@contextmanager
def chain_views(
    settings: Settings, network: str | None, rpc_urls: Sequence[str], timeout: float
) -> Iterator[ChainViews]:
    """Read access to the workspace's deployment (see the module docstring).

    UnverifiableError when no URL answers or ape cannot connect to `network`; ChainError when the
    chain answering is none the workspace has a deployment on.
    """
    workspace = Workspace.from_env(settings.home)
    if rpc_urls:
        yield reader(rpc_urls, workspace.deployments_path, timeout)
        return
    if network is None:
        url = local_node.status(settings.home).url
        if url is None:
            raise UnverifiableError(
                f"the originproof node of {settings.home} is not running: start it with "
                "`originproof node start`, or read another node with --rpc URL or --network"
            )
        yield reader([url], workspace.deployments_path, timeout)
        return
    with ExitStack() as stack:
        try:
            provider = stack.enter_context(connected(settings.home, network))
        except ChainError as error:
            raise UnverifiableError(str(error)) from error
        url = getattr(provider, "http_uri", None)
        yield reader([url], workspace.deployments_path, timeout) if url else open_client(workspace)


def reader(urls: Sequence[str], path: Path, timeout: float) -> ChainReader:
    """A failover reader of the deployment recorded in `path` for the chain `urls` serve.

    Each recorded deployment is tried until the URLs confirm its chain id and genesis hash.
    """
    candidates = deployments.recorded(path)
    if not candidates:
        raise ChainError(f"no originproof deployment is recorded in {path}")
    mismatches = []
    for deployment in candidates:
        found = ChainReader(list(urls), deployment, timeout)
        try:
            found.block_number()
        except UnverifiableError:
            raise
        except ChainError as error:
            mismatches.append(str(error))
            continue
        return found
    raise ChainError(f"none of the deployments recorded in {path} is on that chain: {'; '.join(mismatches)}")
