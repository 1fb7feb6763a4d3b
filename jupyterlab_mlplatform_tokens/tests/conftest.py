"""Shared fixtures: the ML Platform emulator, REST helpers, kernels."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse

ROOT = Path(__file__).resolve().parents[2]
TSX = ROOT / "node_modules" / ".bin" / "tsx"

USER_META = {"name": "alice", "role": "USER", "issuer": "admin-1", "expires_at": None}
ADMIN_META = {
    "name": "team-admin",
    "role": "ADMIN",
    "issuer": "console",
    "expires_at": "2031-05-01T10:00:00Z",
}


@pytest.fixture
def mlp_config() -> dict[str, Any]:
    """Settings of MLPlatformTokens for the test's server; parametrize to change them."""
    return {}


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], mlp_config: dict[str, Any]) -> dict:
    return {**jp_server_config, "MLPlatformTokens": dict(mlp_config)}


@pytest.fixture
def vault_file(jp_data_dir: Path) -> Path:
    """Where the test server's vault lives (the default place under the Jupyter data dir)."""
    return jp_data_dir / "mlplatform_tokens" / "vault.json"


# The emulator ---------------------------------------------------------------------


@dataclass
class Emulator:
    """A running emulator: its URL, the seeded Administrator token, and its control API."""

    url: str
    admin_token: str

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback URL we started
            f"{self.url}/_emulator/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read()
        return json.loads(text) if text else None

    def call(self, method: str, path: str, body: Any = None, bearer: str | None = None) -> Any:
        """Call the API directly (not through the pipe)."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/{path}", data=data, method=method, headers=headers
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read()
        return json.loads(text) if text else None

    def bearer(self, token: str | None = None) -> str:
        answer = self.call("POST", "auth/refresh", {"refresh_token": token or self.admin_token})
        return answer["access_token"]

    def mint(self, **request: Any) -> dict[str, Any]:
        return self.control("POST", "tokens", request)

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")


def start_emulator(data_file: Path) -> tuple[subprocess.Popen[str], str, str]:
    """Start the emulator; returns the process, its URL and the seeded Administrator token."""
    if not TSX.exists():
        pytest.skip("node_modules/.bin/tsx is missing; run npm ci first")
    process = subprocess.Popen(
        [
            str(TSX),
            "emulator/src/main.ts",
            *("--port", "0", "--data", str(data_file)),
            *("--seed-admin", "--control", "--bearer-ttl", "3600"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = token = None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while (url is None or token is None) and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if match := re.search(r"listening on (http://\S+)", line):
            url = match.group(1)
        if line.startswith("MLPLATFORM_ADMIN_TOKEN="):
            token = line.strip().split("=", 1)[1]
    if url is None or token is None:
        stop_process(process)
        raise RuntimeError("The emulator did not start:\n" + "".join(lines[-20:]))
    # Keep reading its output so a full pipe never blocks it.
    threading.Thread(target=_drain, args=(process,), daemon=True).start()
    return process, url, token


def _drain(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for _ in process.stdout:
        pass


def stop_process(process: subprocess.Popen[Any]) -> None:
    """SIGTERM the process group, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The ML Platform emulator (TypeScript), one per test session."""
    data = tmp_path_factory.mktemp("emulator") / "state.json"
    process, url, token = start_emulator(data)
    try:
        yield Emulator(url=url, admin_token=token)
    finally:
        stop_process(process)


# REST helpers ------------------------------------------------------------------------


async def call(jp_fetch: Any, method: str, *parts: str, body: Any = None, **kwargs: Any) -> Any:
    """Call an extension endpoint; returns (status, parsed JSON or None) and never raises."""
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if body is None and method in ("POST", "PATCH"):
        body = ""
    try:
        response: HTTPResponse = await jp_fetch(
            "mlplatform-tokens", *parts, method=method, body=body, **kwargs
        )
    except HTTPClientError as error:
        response = error.response
        assert response is not None, error
    text = response.body.decode() if response.body else ""
    return response.code, (json.loads(text) if text else None)


async def add_token(
    jp_fetch: Any, value: str, meta: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    status, answer = await call(
        jp_fetch, "POST", "tokens", body={"value": value, **(meta or USER_META), **extra}
    )
    assert status in (200, 201), answer
    return answer


# The upstream pipe -------------------------------------------------------------------


class Pipe:
    """Calls through /mlplatform-tokens/upstream/ the way the browser's client does."""

    def __init__(self, client: Any, base_url: str, server_token: str) -> None:
        self._client = client
        self._base = f"{base_url}mlplatform-tokens/upstream/"
        self._auth = f"token {server_token}"

    async def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        bearer: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, Any]:
        all_headers = {"Authorization": self._auth, **(headers or {})}
        if bearer:
            all_headers["X-MLPlatform-Authorization"] = f"Bearer {bearer}"
        if body is not None:
            all_headers.setdefault("Content-Type", "application/json")
            body = body if isinstance(body, (str, bytes)) else json.dumps(body)
        response = await self._client.fetch(
            self._base + path,
            method=method,
            body=body,
            headers=all_headers,
            raise_error=False,
            allow_nonstandard_methods=True,
            request_timeout=30,
        )
        text = response.body.decode() if response.body else ""
        return response.code, response.headers, (json.loads(text) if text else None)


@pytest.fixture
def pipe(http_server_client: Any, jp_base_url: str, jp_serverapp: Any) -> Pipe:
    return Pipe(http_server_client, jp_base_url, jp_serverapp.identity_provider.token)


# Kernels -----------------------------------------------------------------------------

PRINT_ENV = """
import os, subprocess
def _printenv(name):
    found = subprocess.run(["printenv", name], capture_output=True, text=True).stdout.strip()
    return found or None
names = {names!r}
print(json.dumps({{
    "environ": {{n: os.environ.get(n) for n in names}},
    "printenv": {{n: _printenv(n) for n in names}},
}}))
"""


async def kernel_env(manager: Any, names: tuple[str, ...] = ("MLP_REFRESH_TOKEN",)) -> dict:
    """What a running kernel sees: its os.environ and a child process's printenv."""
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        code = "import json\n" + PRINT_ENV.format(names=list(names))
        reply_id = client.execute(code, store_history=False)
        output = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message = await client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != reply_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                output += message["content"]["text"]
            elif kind == "error":
                raise AssertionError("\n".join(message["content"]["traceback"]))
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                break
        return json.loads(output)
    finally:
        client.stop_channels()


def kernel_pid(manager: Any) -> int:
    return manager.provisioner.process.pid


def printenv_available() -> bool:
    return shutil.which("printenv") is not None
