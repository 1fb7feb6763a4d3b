"""A real Jupyter server with the extension, in its own process, for one test user.

Each server has its own folder (vault, runtime, data, notebooks), its own Jupyter
token and a free loopback port. Only this extension is enabled
(``JUPYTER_NO_CONFIG`` keeps the machine's other server extensions out), so a
start takes about a second.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

_RUNNING = re.compile(r"is running at")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Answer:
    status: int
    body: bytes
    headers: Any

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class JupyterServer:
    """``start()``, call it with ``request()``, ``kill()`` or ``stop()`` it; start it again."""

    folder: Path
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = 0
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)

    @property
    def vault_path(self) -> Path:
        return self.folder / "vault" / "vault.json"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 60) -> None:
        if not self.port:
            self.port = _free_port()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "notebooks").mkdir(exist_ok=True)
        config = {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_mlplatform_tokens": True},
                "ip": "127.0.0.1",
                # A restart keeps the port: the same URL, as after a real restart.
                "port": self.port,
                "port_retries": 0,
                "open_browser": False,
                "allow_root": True,
                "root_dir": str(self.folder / "notebooks"),
                "allow_unauthenticated_access": False,
            },
            "IdentityProvider": {"token": self.token},
            "MLPlatformTokens": {"vault_path": str(self.vault_path)},
        }
        config_file = self.folder / "jupyter_server_config.json"
        config_file.write_text(json.dumps(config))
        env = {
            **os.environ,
            "JUPYTER_NO_CONFIG": "1",
            "JUPYTER_RUNTIME_DIR": str(self.folder / "runtime"),
            "JUPYTER_DATA_DIR": str(self.folder / "data"),
            "JUPYTER_CONFIG_DIR": str(self.folder / "config"),
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        for name in ("MLP_REFRESH_TOKEN", "MLPLATFORM_API_URL"):
            env.pop(name, None)
        self.output = []
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "jupyter_server", f"--config={config_file}"],
            cwd=self.folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if _RUNNING.search(line):
                threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
                # The line can come just before the socket listens.
                while time.monotonic() < deadline and self.process.poll() is None:
                    with (
                        contextlib.suppress(OSError),
                        socket.create_connection(("127.0.0.1", self.port), timeout=1),
                    ):
                        return
                    time.sleep(0.02)
                break
        self.stop()
        raise RuntimeError("The Jupyter server did not start:\n" + "".join(self.output[-30:]))

    def _drain(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or an out-of-memory kill would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    # Requests --------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = "",
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Answer:
        """Call ``/<path>`` on this server; ``token=""`` uses its own Jupyter token,
        ``None`` sends none. Never raises for an HTTP status."""
        all_headers = dict(headers or {})
        use = self.token if token == "" else token
        if use is not None:
            all_headers["Authorization"] = f"token {use}"
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif method in ("POST", "PATCH", "PUT"):
            data = b""
        request = urllib.request.Request(  # noqa: S310 - loopback URL we started
            self.url + path, data=data, method=method, headers=all_headers
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return Answer(response.status, response.read(), response.headers)
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), error.headers)

    def browser_cookies(self) -> dict[str, str]:
        """Log in as a browser does (``?token=``); the login and ``_xsrf`` cookies."""
        cookies: dict[str, str] = {}
        for path in (f"mlplatform-tokens/status?token={self.token}", "login"):
            answer = self.request("GET", path, token=None)
            jar: SimpleCookie = SimpleCookie()
            for header in answer.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            cookies.update({name: morsel.value for name, morsel in jar.items()})
        return cookies
