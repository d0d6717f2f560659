"""Which chain a command talks to: the persistent local node unless `--network` names another.

Role commands take `@network_option()` and open `with connected(settings.home, network):` around
their chain work; inside it ape's `chain`, `accounts` and contracts use that network.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from originproof import node
from originproof.errors import ChainError


def network_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--network CHOICE` (env ORIGINPROOF_NETWORK): an ape network choice; absent, the local node."""
    return click.option(
        "--network",
        metavar="CHOICE",
        envvar="ORIGINPROOF_NETWORK",
        show_envvar=True,
        default=None,
        help=(
            "ape network choice, e.g. ethereum:sepolia:node or ethereum:local:test "
            "(see `ape networks list`); default: the local node of `originproof node start`."
        ),
    )


@contextmanager
def connected(home: Path, network: str | None) -> Iterator[Any]:
    """ape connected to `network`, or to the running local node of `home`; yields ape's provider.

    A choice ape does not know is a usage error; a provider that cannot connect, or loses its
    connection while in use, is a ChainError. The connection lasts until the process ends, when ape
    closes it (and stops any node ape itself started); the local node keeps running.
    """
    # ape loads its plugins on first use: only commands that reach a chain pay for it.
    from ape import networks
    from ape.exceptions import NetworkError, ProviderError
    from requests.exceptions import ConnectionError as RequestsConnectionError

    active = networks.active_provider
    reusable = active is not None and active.is_connected and active.network_choice == network
    if network is not None and reusable:
        # Already connected (a test session, the pilot): reconnecting would make ape disconnect a
        # second provider for the same chain, and the test provider then drops its snapshots.
        yield active
        return
    if network is None:
        choice, settings = node.APE_CHOICE, node.ape_provider_settings(home)
    else:
        choice, settings = network, None
    try:
        manager = networks.parse_network_choice(choice, provider_settings=settings)
    except NetworkError as error:
        raise click.BadParameter(str(error), param_hint="'--network'") from error
    try:
        with manager as provider:
            yield provider
    except (ProviderError, RequestsConnectionError) as error:
        raise ChainError(f"network {choice}: {error}") from error
