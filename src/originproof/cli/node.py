"""`originproof node start|stop|status`: the persistent local node the other commands use by default."""

import click

from originproof import node as local_node
from originproof.cli.frame import Group, Report, Settings, pass_settings


@click.group(cls=Group)
def node() -> None:
    """The persistent local node: anvil on its own port, chain id 31337, its chain saved under --home."""


@node.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65_535),
    default=local_node.DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (127.0.0.1 only).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the node to answer.",
)
@pass_settings
def start(settings: Settings, port: int, timeout: float) -> Report:
    """Start the node in the background, reloading its saved chain; does nothing if it runs."""
    current, started = local_node.start(settings.home, port, timeout)
    prefix = "started" if started else "already running"
    return Report({**current.to_json(), "started": started}, f"{prefix}: {_describe(current)}")


@node.command()
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the node to save its chain and exit.",
)
@pass_settings
def stop(settings: Settings, timeout: float) -> Report:
    """Stop the node; it saves its chain first, and the next start carries on from there."""
    stopped = local_node.stop(settings.home, timeout)
    directory = local_node.node_directory(settings.home)
    text = f"stopped; chain saved in {directory}" if stopped else f"not running ({directory})"
    return Report({"stopped": stopped, "directory": str(directory)}, text)


@node.command()
@pass_settings
def status(settings: Settings) -> Report:
    """Whether the node runs, and where: port, pid, chain id, latest block."""
    current = local_node.status(settings.home)
    return Report(current.to_json(), _describe(current))


def _describe(current: local_node.NodeStatus) -> str:
    if not current.running:
        return f"stopped ({current.directory})"
    if current.chain_id is None:
        return f"running (pid {current.pid}) but not answering on {current.url}; log in {current.directory}"
    return (
        f"running on {current.url} (pid {current.pid}), chain {current.chain_id}, "
        f"block {current.block_number}, state in {current.directory}"
    )
