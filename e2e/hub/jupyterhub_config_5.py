"""Test hub "5": JupyterHub 5 with nativeauthenticator, as VK Cloud runs it.

Newcomers sign up on /hub/signup; an administrator authorizes them in Hub
Control Panel -> "Authorize Users" (/hub/authorize) before they can log in.
"""

import os

import nativeauthenticator

c = get_config()  # noqa: F821
load_subconfig(os.path.join(os.path.dirname(__file__), "jupyterhub_config_common.py"))  # noqa: F821

c.JupyterHub.authenticator_class = "native"
# Anyone may sign up; nobody gets in until an administrator authorizes them.
c.NativeAuthenticator.enable_signup = True
c.NativeAuthenticator.open_signup = False
# nativeauthenticator only lets authorized people log in; JupyterHub 5 wants
# that said, or it would allow nobody.
c.Authenticator.allow_all = True
# The "Authorize Users" and "Change Password" links in the hub's menu.
c.JupyterHub.template_paths = [
    os.path.join(os.path.dirname(nativeauthenticator.__file__), "templates")
]
