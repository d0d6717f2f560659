"""The ContractTypes shipped with the package: the same as a fresh compile, and enough to deploy and use."""

import json

import pytest

from originproof import deployments
from originproof.chain import ChainClient, abi
from originproof.enums import Role
from originproof.errors import ValidationError


def _without_metadata(contract: dict) -> dict:
    """The contract with its initcode's CBOR metadata cut off (its last 2 bytes give the length).

    Vyper's integrity hash in that metadata covers the resolved paths of imported modules, so two
    checkouts in different folders compile to the same code with different metadata.
    """
    code = bytes.fromhex(contract["deploymentBytecode"]["bytecode"][2:])
    cut = code[: -(2 + int.from_bytes(code[-2:], "big"))]
    return {**contract, "deploymentBytecode": {"bytecode": "0x" + cut.hex()}}


@pytest.mark.parametrize("name", deployments.CONTRACTS)
def test_shipped__equals_a_fresh_compile(project, name):
    fresh = abi.shipped(getattr(project, name).contract_type)
    assert _without_metadata(abi.contract_json(name)) == _without_metadata(fresh)


@pytest.mark.parametrize("name", deployments.CONTRACTS)
def test_shipped__carries_abi_and_both_bytecodes(name):
    shipped = abi.contract_json(name)
    assert set(shipped) == set(abi.SHIPPED_FIELDS)
    assert shipped["deploymentBytecode"]["bytecode"].startswith("0x")
    assert shipped["runtimeBytecode"]["bytecode"].startswith("0x")
    assert abi.contract_type(name).name == name
    assert abi.abi(name) == shipped["abi"]


def test_export__writes_what_is_shipped(project, tmp_path):
    written = abi.export(project, tmp_path)
    assert [path.name for path in written] == [f"{name}.json" for name in deployments.CONTRACTS]
    for path in written:
        assert _without_metadata(json.loads(path.read_text())) == _without_metadata(
            abi.contract_json(path.stem)
        )


def test_main__export__writes_into_the_package_and_lists_the_files(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(abi, "PACKAGE_DIRECTORY", tmp_path)
    abi.main(["--export"])
    assert capsys.readouterr().out.split() == [
        str(tmp_path / f"{name}.json") for name in deployments.CONTRACTS
    ]
    written = json.loads((tmp_path / "Attestations.json").read_text())
    assert _without_metadata(written) == _without_metadata(abi.contract_json("Attestations"))


def test_contract_json__unknown_name__names_the_field():
    with pytest.raises(ValidationError, match="contract: unknown contract 'Registry'"):
        abi.contract_json("Registry")


def test_deploy__without_a_project__deploys_the_shipped_contracts(chain, customs, exporter):
    deployment = deployments.deploy(None, chain, customs)
    client = ChainClient.connect(deployment)
    assert client.roles_of(customs) == {"CUSTOMS"}
    client.enroll(customs, exporter, Role.EXPORTER, b"\x01" * 32, b"\x02" * 32)
    assert client.roles_of(exporter) == {"EXPORTER"}
    assert client.attestations.certificates() == deployment.certificates
    assert client.certificates.participants() == deployment.participants


def test_containers__with_a_project__the_projects_own(project):
    assert abi.containers(project)["Certificates"].contract_type == project.Certificates.contract_type
