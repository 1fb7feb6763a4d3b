"""Jupyter server configuration for the Galata UI tests.

Never use it in production: it removes the server's security protections.
"""

import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
# Galata prepares each test's folder through the REST API from Node, without
# an XSRF cookie, so it keeps XSRF checks off; the extension's own XSRF
# handling is tested in pytest.
# The server log at its default level, kept in a file the leak scan reads.
_server_log = os.environ.get("MLP_UI_SERVER_LOG")
if _server_log:
    _file = {"class": "logging.FileHandler", "filename": _server_log, "level": "DEBUG"}
    c.ServerApp.logging_config = {  # noqa: F821
        "handlers": {"mlp_file": _file},
        "loggers": {
            name: {"handlers": ["console", "mlp_file"]} for name in ("ServerApp", "LabApp")
        },
    }

# A vault of the test run's own, never the user's.
_run_dir = tempfile.mkdtemp(prefix="mlp-ui-tests-")
c.MLPlatformTokens.vault_path = os.path.join(_run_dir, "vault.json")  # noqa: F821
# Settings the pages write stay with the test run too.
c.LabApp.user_settings_dir = os.path.join(_run_dir, "user-settings")  # noqa: F821
