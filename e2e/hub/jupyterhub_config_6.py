"""Test hub "6": JupyterHub 6.1 with its built-in password authenticator.

nativeauthenticator 1.3.0 fails every login on JupyterHub 6, so there is no
sign-up page: JupyterHub's ``SharedPasswordAuthenticator`` checks one
password for all people and a separate one for administrators, and only the
people an administrator has added (Hub Control Panel -> Admin -> "Add Users")
may log in.
"""

import os

c = get_config()  # noqa: F821
load_subconfig(os.path.join(os.path.dirname(__file__), "jupyterhub_config_common.py"))  # noqa: F821

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["MLP_HUB_USER_PASSWORD"]
c.SharedPasswordAuthenticator.admin_password = os.environ["MLP_HUB_ADMIN_PASSWORD"]
# Only users in the hub's database, that is the ones an administrator added.
c.Authenticator.allow_all = False
c.Authenticator.allow_existing_users = True
