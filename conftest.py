import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_mlplatform_tokens": True},
            # Every endpoint must hold up on a server that requires authentication.
            "allow_unauthenticated_access": False,
        }
    }
