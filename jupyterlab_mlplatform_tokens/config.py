"""The one configurable object of the server extension."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from jupyter_core.paths import jupyter_data_dir
from traitlets import Bool, Enum, Float, Integer, List, TraitError, Unicode, validate
from traitlets.config import Configurable

API_URL_ENV = "MLPLATFORM_API_URL"

#: The folder under the Jupyter data directory that holds the default vault.
VAULT_FOLDER = "mlplatform_tokens"

#: The default vault file name.
VAULT_FILE = "vault.json"

#: Names the process and its kernels depend on; never overwritten with a token.
RESERVED_ENV_NAMES = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "SHELL",
        "PWD",
        "TERM",
        "LANG",
        "TMPDIR",
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        API_URL_ENV,
    }
)
_RESERVED_PREFIXES = ("JUPYTER", "JPY_", "LC_")

#: Environment variable names must look like this (POSIX portable names).
_ENV_NAME_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_ENV_NAME_REST = _ENV_NAME_FIRST + "0123456789"


def is_env_name(name: object) -> bool:
    """Whether ``name`` can hold the token: a portable name such as ``MLP_REFRESH_TOKEN``
    that the server, its kernels and terminals do not depend on."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= 128
        and name[0] in _ENV_NAME_FIRST
        and all(char in _ENV_NAME_REST for char in name)
        and name.upper() not in RESERVED_ENV_NAMES
        and not name.upper().startswith(_RESERVED_PREFIXES)
    )


class MLPlatformTokens(Configurable):
    """Settings of the ML Platform tokens server extension.

    Set them in a ``jupyter_server_config`` file, e.g.
    ``c.MLPlatformTokens.api_url = "https://mlplatform.example/api"``.
    """

    api_url = Unicode(
        "",
        config=True,
        help=(
            "Base URL of the ML Platform API that the upstream pipe forwards to. "
            f"When empty, the {API_URL_ENV} environment variable is used."
        ),
    )

    env_names = List(
        Unicode(),
        default_value=["MLP_REFRESH_TOKEN"],
        config=True,
        help=(
            "Environment variables that hold the active access token's value in the server "
            "process, in new kernels and terminals, and in restarted kernels. Add e.g. "
            "REFRESH_TOKEN for code that reads that name."
        ),
    )

    vault_path = Unicode(
        "",
        config=True,
        help=(
            "The file that keeps the saved tokens (owner-only, 0600). Its folder must "
            "belong to the server's user and must not be writable by others; a folder "
            "the extension creates is 0700. "
            f"When empty: <Jupyter data dir>/{VAULT_FOLDER}/{VAULT_FILE}."
        ),
    )

    redact_on_save = Bool(
        True,
        config=True,
        help=(
            "Replace the values of saved tokens found in notebooks and text files with "
            "'[MLP token redacted]' before they are written to disk."
        ),
    )

    kernel_websocket_nodelay = Bool(
        True,
        config=True,
        help=(
            "Send kernel messages to the browser without Nagle's delay (TCP_NODELAY on "
            "the server's kernel websockets). Without it every execute round trip waits "
            "about 40 ms for a delayed ACK, which makes a token switch reaching many "
            "kernels slow; it applies to every kernel websocket of this server."
        ),
    )

    backend = Enum(
        ["auto", "http", "library"],
        default_value="auto",
        config=True,
        help=(
            "How the server part reaches ML Platform: 'http' forwards the browser's calls to "
            "api_url; 'library' makes them through the vendor's Python library "
            "(mlplatform_client) installed in the server's environment; 'auto' uses 'http' "
            "when an API URL is set, otherwise 'library' when mlplatform_client can be "
            "imported, otherwise neither (the panel says that nothing is configured)."
        ),
    )

    library_concurrency = Integer(
        4,
        config=True,
        help="Most calls the library backend makes at once (it blocks a thread per call).",
    )

    upstream_timeout = Float(
        10.0,
        config=True,
        help=(
            "Seconds the upstream pipe waits for the ML Platform API before it answers 504. "
            "Keep it below the browser client's own timeout (15 s)."
        ),
    )

    ca_bundle = Unicode(
        "",
        config=True,
        help=(
            "A PEM file of the certificate authorities the upstream pipe trusts for an "
            "https:// API URL, e.g. a corporate CA; only these are trusted then. When empty, "
            "the system's trust store (OpenSSL's defaults; SSL_CERT_FILE and SSL_CERT_DIR "
            "apply). Read at the first call; restart the server after changing the file."
        ),
    )

    upstream_pool_size = Integer(
        8,
        config=True,
        help=(
            "Most connections the upstream pipe keeps open to the API, in use or idle "
            "(0 to 32); calls beyond them wait for one. Connections are kept alive between "
            "calls, so a call pays no new TCP and TLS handshake. 0: a new connection for "
            "every call, closed after it."
        ),
    )

    @validate("env_names")
    def _check_env_names(self, proposal: dict) -> list[str]:
        names = list(proposal["value"])
        bad = [name for name in names if not is_env_name(name)]
        if bad:
            raise TraitError(
                f"env_names: {bad[0]!r} is not a usable environment variable name "
                "(letters, digits and _, not starting with a digit, and not one the "
                "server relies on such as PATH, HOME or JUPYTER_*)"
            )
        if not names:
            raise TraitError("env_names needs at least one name")
        return list(dict.fromkeys(names))

    @validate("upstream_timeout")
    def _check_timeout(self, proposal: dict) -> float:
        value = float(proposal["value"])
        if not 0 < value <= 300:
            raise TraitError("upstream_timeout must be more than 0 and at most 300 seconds")
        return value

    @validate("upstream_pool_size")
    def _check_pool_size(self, proposal: dict) -> int:
        value = int(proposal["value"])
        if not 0 <= value <= 32:
            raise TraitError("upstream_pool_size must be between 0 and 32")
        return value

    @validate("ca_bundle")
    def _check_ca_bundle(self, proposal: dict) -> str:
        value = str(proposal["value"]).strip()
        if "\0" in value:
            raise TraitError("ca_bundle must be the path of a file")
        return str(Path(value).expanduser()) if value else ""

    @validate("library_concurrency")
    def _check_concurrency(self, proposal: dict) -> int:
        value = int(proposal["value"])
        if not 1 <= value <= 64:
            raise TraitError("library_concurrency must be between 1 and 64")
        return value

    def resolved_api_url(self) -> str:
        """The configured API base URL without a trailing slash, or '' when none is set."""
        url = (self.api_url or os.environ.get(API_URL_ENV, "")).strip()
        return url.rstrip("/")

    def api_origin(self) -> str:
        """The API URL safe to show: scheme, host and path, never user info or a query."""
        url = self.resolved_api_url()
        if not url:
            return ""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:  # e.g. an unclosed "[" of an IPv6 address
            return ""
        if parts.scheme not in ("http", "https") or not host:
            return ""  # not a URL whose parts can be told apart: show none of it
        try:
            port = parts.port
        except ValueError:  # a mistyped port such as "https://host:port/api"
            port = None
        if port:
            host = f"{host}:{port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))

    def resolved_vault_path(self) -> Path:
        """Where the vault file lives (absolute; ``~`` expanded)."""
        if self.vault_path.strip():
            return Path(self.vault_path.strip()).expanduser().absolute()
        return default_vault_path()

    def uses_default_vault_path(self) -> bool:
        """Whether the vault lives at its default place (so its folder is ours alone)."""
        return not self.vault_path.strip()


def default_vault_path() -> Path:
    """``<Jupyter data dir>/mlplatform_tokens/vault.json``."""
    return Path(jupyter_data_dir()).absolute() / VAULT_FOLDER / VAULT_FILE
