"""The configurable object: which API URL wins and what may be shown."""

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
