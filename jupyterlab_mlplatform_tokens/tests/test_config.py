"""The configurable object: which API URL wins and what may be shown; checked settings."""

from pathlib import Path

import pytest
from traitlets import TraitError

from jupyterlab_mlplatform_tokens.config import MLPlatformTokens


def test_trait_wins_over_environment(monkeypatch):
    monkeypatch.setenv("MLPLATFORM_API_URL", "http://from-env")
    config = MLPlatformTokens(api_url="http://from-trait/api/")
    assert config.resolved_api_url() == "http://from-trait/api"


def test_environment_is_the_fallback(monkeypatch):
    monkeypatch.setenv("MLPLATFORM_API_URL", " http://127.0.0.1:8765/ ")
    assert MLPlatformTokens().resolved_api_url() == "http://127.0.0.1:8765"


def test_nothing_configured(monkeypatch):
    monkeypatch.delenv("MLPLATFORM_API_URL", raising=False)
    config = MLPlatformTokens()
    assert config.resolved_api_url() == ""
    assert config.api_origin() == ""


def test_defaults() -> None:
    config = MLPlatformTokens()
    assert config.env_names == ["MLP_REFRESH_TOKEN"]
    assert config.redact_on_save is True
    assert config.upstream_timeout == 10.0
    assert config.uses_default_vault_path()


def test_vault_path_defaults_to_the_jupyter_data_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    assert MLPlatformTokens().resolved_vault_path() == tmp_path / "mlplatform_tokens" / "vault.json"
    custom = MLPlatformTokens(vault_path=" ~/private/vault.json ")
    assert custom.resolved_vault_path() == Path.home() / "private" / "vault.json"
    assert not custom.uses_default_vault_path()


def test_env_names_are_deduplicated() -> None:
    config = MLPlatformTokens(env_names=["MLP_REFRESH_TOKEN", "REFRESH_TOKEN", "REFRESH_TOKEN"])
    assert config.env_names == ["MLP_REFRESH_TOKEN", "REFRESH_TOKEN"]


@pytest.mark.parametrize(
    "names",
    [[], ["1ABC"], ["A-B"], ["A B"], [""], ["PATH"], ["home"], ["JUPYTER_TOKEN"], ["LD_PRELOAD"]],
)
def test_unusable_env_names_are_refused(names: list[str]) -> None:
    with pytest.raises(TraitError):
        MLPlatformTokens(env_names=names)


@pytest.mark.parametrize("seconds", [0, -1, 301])
def test_the_timeout_is_bounded(seconds: float) -> None:
    with pytest.raises(TraitError):
        MLPlatformTokens(upstream_timeout=seconds)


def test_connection_settings() -> None:
    config = MLPlatformTokens()
    assert (config.ca_bundle, config.upstream_pool_size) == ("", 8)
    assert MLPlatformTokens(upstream_pool_size=0).upstream_pool_size == 0
    bundle = MLPlatformTokens(ca_bundle=" ~/corporate-ca.pem ").ca_bundle
    assert bundle == str(Path.home() / "corporate-ca.pem")


@pytest.mark.parametrize("size", [-1, 33])
def test_the_pool_size_is_bounded(size: int) -> None:
    with pytest.raises(TraitError):
        MLPlatformTokens(upstream_pool_size=size)
