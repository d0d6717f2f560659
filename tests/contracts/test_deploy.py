"""Deployment: the three contracts wired together, customs in charge, and the record that finds them."""

import json

import pytest

from originproof import deployments
from originproof.enums import Role
from originproof.errors import ChainError


@pytest.fixture
def deployed(project, chain, customs):
    return deployments.deploy(project, chain, customs)


def test_deploy__wires_the_contracts_and_makes_the_deployer_customs(project, chain, customs, deployed):
    participants = project.Participants.at(deployed.participants)
    certificates = project.Certificates.at(deployed.certificates)
    attestations = project.Attestations.at(deployed.attestations)
    assert participants.hasRole(Role.DEFAULT_ADMIN, customs)
    assert participants.hasRole(Role.CUSTOMS, customs)
    assert certificates.participants() == participants.address
    assert attestations.participants() == participants.address
    assert attestations.certificates() == certificates.address
    assert deployed.chain_id == chain.chain_id
    assert deployed.deployer == customs.address
    assert deployed.block <= chain.blocks.height


def test_record__then_find__returns_the_same_deployment(tmp_path, chain, deployed):
    path = deployments.record(deployed, tmp_path / "deployments.json")
    assert deployments.find_on(chain, path) == deployed


def test_record__a_second_chain__keeps_the_first(tmp_path, deployed):
    path = tmp_path / "deployments.json"
    other = deployments.Deployment(**{**deployed.__dict__, "chain_id": 11_155_111})
    deployments.record(deployed, path)
    deployments.record(other, path)
    assert deployments.find(path, deployed.chain_id, deployed.genesis_hash) == deployed
    assert deployments.find(path, 11_155_111, deployed.genesis_hash) == other


def test_find__same_chain_id_other_genesis__is_not_trusted(tmp_path, deployed):
    path = deployments.record(deployed, tmp_path / "deployments.json")
    with pytest.raises(ChainError, match=f"no originproof deployment recorded for chain {deployed.chain_id}"):
        deployments.find(path, deployed.chain_id, "0x" + "ab" * 32)


def test_find__no_record_file__says_to_deploy(tmp_path):
    with pytest.raises(ChainError, match="run `ape run deploy` on this network first"):
        deployments.find(tmp_path / "missing.json", 1, "0x00")


def test_find__corrupt_record_file__names_the_file(tmp_path):
    path = tmp_path / "deployments.json"
    path.write_text("{not json")
    with pytest.raises(ChainError, match=r"deployments\.json: not valid JSON"):
        deployments.find(path, 1, "0x00")


def test_find__record_file_not_an_object__names_the_file(tmp_path):
    path = tmp_path / "deployments.json"
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(ChainError, match="expected an object keyed by chain"):
        deployments.find(path, 1, "0x00")
