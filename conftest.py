import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)

#: Every variable name the tests configure; none may leak from one test into the next.
ENV_NAMES = ("MLP_REFRESH_TOKEN", "REFRESH_TOKEN", "MLPLATFORM_API_URL")


@pytest.fixture
def jp_server_config(jp_server_config):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_mlplatform_tokens": True},
            # Every endpoint must hold up on a server that requires authentication.
            "allow_unauthenticated_access": False,
        }
    }


@pytest.fixture(autouse=True)
def _clean_token_environment(monkeypatch):
    """The extension writes the active token into os.environ; undo it after each test."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
