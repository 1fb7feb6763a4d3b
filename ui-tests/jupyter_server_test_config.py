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
c.ServerApp.log_level = os.environ.get("MLP_UI_LOG_LEVEL", "WARN")  # noqa: F821

# A vault of the test run's own, never the user's.
_run_dir = tempfile.mkdtemp(prefix="mlp-ui-tests-")
c.MLPlatformTokens.vault_path = os.path.join(_run_dir, "vault.json")  # noqa: F821
# Settings the pages write stay with the test run too.
c.LabApp.user_settings_dir = os.path.join(_run_dir, "user-settings")  # noqa: F821
