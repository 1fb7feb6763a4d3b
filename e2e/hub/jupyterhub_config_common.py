"""What both test hubs share: a VK Cloud-shaped JupyterHub on one machine.

LocalProcessSpawner runs each person's server as their own OS account; the
ML Platform API URL reaches the single-user servers through
``c.Spawner.environment`` (the only way it gets there); everything listens on
127.0.0.1. The suite's global setup passes the ports and folders in
``MLP_HUB_*`` variables (see support/hub.js).
"""

import os
import sys

c = get_config()  # noqa: F821

state = os.environ["MLP_HUB_STATE"]

c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['MLP_HUB_PORT']}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["MLP_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['MLP_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.path.join(sys.prefix, "bin", "configurable-http-proxy")]

# The hub's own state survives a restart of the hub (sessions, users).
c.JupyterHub.db_url = f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")

c.Authenticator.admin_users = {os.environ["MLP_HUB_ADMIN"]}

c.JupyterHub.spawner_class = "localprocess"
# The hub's own environment, so the single-user server is the one installed
# with the hub (JupyterLab and this extension).
c.Spawner.cmd = [os.path.join(sys.prefix, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.ip = "127.0.0.1"
c.Spawner.environment = {"MLPLATFORM_API_URL": os.environ["MLP_HUB_API_URL"]}
# A 2-core machine starting JupyterLab.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90

# The people who install this extension for themselves (journey 6): their
# servers run the same stack without it, from an environment made with
# --system-site-packages, so that their `%pip install` (to ~/.local) counts.
_own_prefix = os.environ["MLP_HUB_OWN_PREFIX"]
_own_users = {name for name in os.environ.get("MLP_HUB_OWN_USERS", "").split(",") if name}


def _own_install_server(spawner):
    if spawner.user.name in _own_users:
        spawner.cmd = [os.path.join(_own_prefix, "bin", "jupyterhub-singleuser")]


c.Spawner.pre_spawn_hook = _own_install_server
