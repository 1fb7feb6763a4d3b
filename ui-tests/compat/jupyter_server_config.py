"""Jupyter server configuration of the compatibility matrix (scripts/compat.sh).

One server per environment serves JupyterLab (/lab) and, when the environment
has it, Notebook 7 (/tree, /notebooks). Never use it in production: it
removes the server's security protections.
"""

import os
from pathlib import Path

import jupyterlab
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
# Everything this server writes stays in the run's folder.
_run_dir = Path(os.environ["MLP_COMPAT_RUN_DIR"])
c.ServerApp.root_dir = str(_run_dir / "root")  # noqa: F821
c.MLPlatformTokens.vault_path = str(_run_dir / "vault" / "vault.json")  # noqa: F821
# Galata's in-page helpers (shipped with the environment's JupyterLab) and
# the app object also on Notebook 7 pages, as Notebook's own UI tests have it.
_galata = str(Path(jupyterlab.__file__).parent / "galata")
c.LabServerApp.extra_labextensions_path = [_galata]  # noqa: F821
c.JupyterNotebookApp.expose_app_in_browser = True  # noqa: F821
for _app in ("LabApp", "JupyterNotebookApp"):
    c[_app].user_settings_dir = str(_run_dir / "user-settings")  # noqa: F821
    c[_app].workspaces_dir = str(_run_dir / "workspaces")  # noqa: F821
