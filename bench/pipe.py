"""Benchmark of the upstream pipe against the emulator on loopback.

    .venv/bin/python bench/pipe.py [--requests 500] [--warmup 100]

Starts the ML Platform emulator and a Jupyter server with the extension (both as
subprocesses on 127.0.0.1, in a throwaway directory), then measures the same
call, ``GET /tokens/me`` with a bearer, directly against the emulator and
through ``/mlplatform-tokens/upstream/``, in alternating rounds so that drift
hits both. Prints p50 and p95 side by side, the added milliseconds at p50 and
the ratio, and the budget line (the pipe adds at most 5 ms at p50).

Keep-alive connections on both sides, as a browser would use. Bounded; stops
everything it started; exits 1 when the budget is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 5.0
ROUNDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextmanager
def emulator(folder: Path) -> Iterator[tuple[str, str]]:
    """The emulator: yields its URL and the seeded Administrator token."""
    command = [
        str(ROOT / "node_modules" / ".bin" / "tsx"),
        "emulator/src/main.ts",
        *("--port", "0", "--data", str(folder / "emulator.json")),
        *("--seed-admin", "--bearer-ttl", "3600"),
    ]
    process = subprocess.Popen(  # noqa: S603 - a fixed command of this repository
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url = token = None
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while (url is None or token is None) and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the emulator exited before it was ready")
            if match := re.search(r"listening on (http://\S+)", line):
                url = match.group(1)
            if line.startswith("MLPLATFORM_ADMIN_TOKEN="):
                token = line.strip().split("=", 1)[1]
        if url is None or token is None:
            raise RuntimeError("the emulator did not start within 60 s")
        drain = threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True)
        drain.start()
        yield url, token
    finally:
        stop(process)


@contextmanager
def jupyter_server(folder: Path, api_url: str) -> Iterator[tuple[int, str]]:
    """A Jupyter server with the extension: yields its port and its token."""
    port = free_port()
    token = secrets.token_hex(24)
    config_dir = folder / "config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyterlab_mlplatform_tokens": True}}})
    )
    (folder / "root").mkdir()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "MLPLATFORM_API_URL": api_url,
    }
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder / 'root'}",
        "--ServerApp.log_level=WARN",
    ]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = (folder / "jupyter.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - a fixed command of this repository
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_until_ready(port, token, process)
        yield port, token
    finally:
        stop(process)
        log.close()


def wait_until_ready(port: int, token: str, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the Jupyter server exited before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request(
                "GET", "/mlplatform-tokens/status", headers={"Authorization": f"token {token}"}
            )
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the Jupyter server did not start within 90 s")


class Caller:
    """One keep-alive connection and the request to repeat on it."""

    def __init__(self, url: str, path: str, headers: dict[str, str]) -> None:
        host, port = url.removeprefix("http://").split(":")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self._path = path
        self._headers = headers

    def once(self) -> float:
        """Milliseconds for one call; fails loudly on anything but 200."""
        started = time.perf_counter()
        self._connection.request("GET", self._path, headers=self._headers)
        response = self._connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{self._path} answered {response.status}: {body[:200]!r}")
        return elapsed

    def close(self) -> None:
        self._connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def bearer_for(api_url: str, token: str) -> str:
    host, port = api_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request(
        "POST",
        "/auth/refresh",
        body=json.dumps({"refresh_token": token}),
        headers={"Content-Type": "application/json"},
    )
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer["access_token"]


def measure(direct: Caller, piped: Caller, requests: int, warmup: int) -> dict[str, list[float]]:
    for _ in range(warmup):
        direct.once()
        piped.once()
    timings: dict[str, list[float]] = {"direct": [], "pipe": []}
    per_round = max(1, requests // ROUNDS)
    while len(timings["direct"]) < requests:
        count = min(per_round, requests - len(timings["direct"]))
        timings["direct"] += [direct.once() for _ in range(count)]
        timings["pipe"] += [piped.once() for _ in range(count)]
    return timings


def report(timings: dict[str, list[float]]) -> bool:
    rows = {
        name: (percentile(values, 0.50), percentile(values, 0.95))
        for name, values in timings.items()
    }
    added = rows["pipe"][0] - rows["direct"][0]
    ratio = rows["pipe"][0] / rows["direct"][0]
    count = len(timings["direct"])
    print(f"GET /tokens/me with a bearer, {count} requests each, loopback, keep-alive")
    print(f"{'':24}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'emulator directly':24}{rows['direct'][0]:>10.2f}{rows['direct'][1]:>10.2f}")
    print(f"{'through the pipe':24}{rows['pipe'][0]:>10.2f}{rows['pipe'][1]:>10.2f}")
    print(f"added at p50: {added:.2f} ms; ratio pipe/direct at p50: {ratio:.2f}")
    within = added <= BUDGET_MS
    verdict = "met" if within else "MISSED"
    print(f"budget: the pipe adds <= {BUDGET_MS:g} ms at p50 -> {verdict} ({added:.2f} ms)")
    return within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="measured calls per side")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured calls per side")
    options = parser.parse_args()
    if not 1 <= options.requests <= 100_000 or not 0 <= options.warmup <= 10_000:
        parser.error("--requests must be 1..100000 and --warmup 0..10000")
    with tempfile.TemporaryDirectory(prefix="mlp-bench-") as name:
        folder = Path(name)
        with (
            emulator(folder) as (api_url, admin_token),
            jupyter_server(folder, api_url) as (port, server_token),
        ):
            bearer = bearer_for(api_url, admin_token)
            direct = Caller(api_url, "/tokens/me", {"Authorization": f"Bearer {bearer}"})
            piped = Caller(
                f"http://127.0.0.1:{port}",
                "/mlplatform-tokens/upstream/tokens/me",
                {
                    "Authorization": f"token {server_token}",
                    "X-MLPlatform-Authorization": f"Bearer {bearer}",
                },
            )
            try:
                timings = measure(direct, piped, options.requests, options.warmup)
            finally:
                direct.close()
                piped.close()
    return 0 if report(timings) else 1


if __name__ == "__main__":
    sys.exit(main())
