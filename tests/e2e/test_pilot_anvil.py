"""The pilot on a real node: anvil started standalone on a free loopback port, reached through
ape-foundry (`ethereum:local:foundry`, told the node's host and not to start its own) and through a
custom network named by the node's RPC URL. Every step's outcome is asserted, not only the exit code.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pilot_expected import EXAMPLES, REPO, STEPS, TRANSACTIONS, observed

from originproof import node
from originproof.deployments import CONTRACTS
from originproof.pilot import scenario

APE = str(Path(sys.executable).with_name("ape"))


def _provider_settings(url: str) -> dict[str, object]:
    return {"host": url, "manage_process": False}


def _deployed(url: str, report: dict) -> list[str]:
    """The report's contracts that have code on the node at `url`."""
    return [
        name
        for name in CONTRACTS
        if node.rpc(url, "eth_getCode", [report["deployment"][name.lower()], "latest"]) not in ("0x", "")
    ]


def test_pilot_on_anvil__every_step_observes_its_expected_outcome(networks, accounts, anvil_url, tmp_path):
    settings = _provider_settings(anvil_url)
    with networks.parse_network_choice(node.APE_CHOICE, provider_settings=settings) as provider:
        report = scenario.run(EXAMPLES, tmp_path, accounts, provider.network_choice)

    data = report.to_json()
    assert observed(data) == STEPS, report.table()
    assert data["passed"] is True
    assert data["network"] == {"choice": "ethereum:local:foundry", "chain_id": node.CHAIN_ID}
    assert data["totals"]["transactions"] == TRANSACTIONS
    assert _deployed(anvil_url, data) == list(CONTRACTS)
    for step in data["steps"]:
        for tx in step["transactions"]:
            receipt = node.rpc(anvil_url, "eth_getTransactionReceipt", [tx["tx_hash"]])
            assert (int(receipt["gasUsed"], 16), int(receipt["status"], 16)) == (tx["gas_used"], 1)


@pytest.mark.parametrize("how", ["foundry", "rpc-url"])
def test_ape_run_pilot_on_anvil(anvil_url, tmp_path, how):
    if how == "foundry":
        network = [
            "--network",
            node.APE_CHOICE,
            "--provider-settings",
            json.dumps(_provider_settings(anvil_url)),
        ]
    else:
        network = ["--network", anvil_url]
    path = tmp_path / "report.json"

    done = subprocess.run(
        [APE, "run", "pilot", *network, "--report", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == str(path.resolve())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert observed(data) == STEPS
    assert data["passed"] is True
    assert data["network"]["chain_id"] == node.CHAIN_ID
    assert data["network"]["choice"] == (node.APE_CHOICE if how == "foundry" else anvil_url)
    assert _deployed(anvil_url, data) == list(CONTRACTS)
