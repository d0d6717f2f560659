from pathlib import Path

from originproof.workspace import DEPLOYMENTS_ENV, IDENTITY_ENV, STORE_ENV, Workspace


def test_workspace__defaults__live_under_home(tmp_path):
    workspace = Workspace(home=tmp_path)
    assert workspace.deployments_path == tmp_path / "deployments.json"
    assert workspace.identity_path == tmp_path / "identity.txt"
    assert workspace.store_url == f"sqlite:///{tmp_path / 'store.db'}"
    assert workspace.inbox_cursor_path == tmp_path / "inbox.json"


def test_workspace__environment__names_a_shared_store_and_an_identity(tmp_path, monkeypatch):
    monkeypatch.setenv(STORE_ENV, "postgresql://shared/originproof")
    monkeypatch.setenv(IDENTITY_ENV, "/keys/customs.txt")
    monkeypatch.setenv(DEPLOYMENTS_ENV, "/project/deployments.json")
    workspace = Workspace.from_env(tmp_path)
    assert workspace.store_url == "postgresql://shared/originproof"
    assert workspace.identity_path == Path("/keys/customs.txt")
    assert workspace.deployments_path == Path("/project/deployments.json")


def test_workspace__empty_environment__keeps_the_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.delenv(IDENTITY_ENV, raising=False)
    monkeypatch.delenv(DEPLOYMENTS_ENV, raising=False)
    assert Workspace.from_env(tmp_path) == Workspace(home=tmp_path)
