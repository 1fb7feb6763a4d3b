"""The active token in os.environ, new kernels, new terminals, and restarted kernels."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.kernel_env import (
    KERNEL_ACTIONS_SCHEMA,
    KernelEnvironment,
    captured_env,
)

from .conftest import ADMIN_META, add_token, call, kernel_env, kernel_pid

FIRST = "mlp_rt_first_value_0001"
SECOND = "mlp_rt_second_value_0002"
NAME = "MLP_REFRESH_TOKEN"


# Units with stand-in kernel managers ------------------------------------------------------


class FakeKernel:
    def __init__(self, env: dict[str, str] | None) -> None:
        self._launch_args: dict[str, Any] = {} if env is None else {"env": env}
        self.updates: list[dict[str, str]] = []

    def update_env(self, *, env: dict[str, str]) -> None:
        self.updates.append(env)
        self._launch_args["env"].update(env)


class FakeKernels:
    def __init__(self, kernels: dict[str, FakeKernel]) -> None:
        self.kernels = kernels

    def list_kernel_ids(self) -> list[str]:
        return [*self.kernels, "gone"]

    def get_kernel(self, kernel_id: str) -> FakeKernel:
        return self.kernels[kernel_id]


def test_apply_sets_and_clears_every_name() -> None:
    environ: dict[str, str] = {"OTHER": "kept"}
    sync = KernelEnvironment(["A", "B"], environ=environ)
    sync.apply(FIRST)
    assert environ == {"OTHER": "kept", "A": FIRST, "B": FIRST}
    sync.apply(None)
    assert environ == {"OTHER": "kept"}


def test_running_kernels_get_the_value_for_their_next_start() -> None:
    captured = FakeKernel({"PATH": "/bin", NAME: "old"})
    fresh = FakeKernel(None)  # started through POST /api/kernels: re-reads os.environ
    kernels = FakeKernels({"captured": captured, "fresh": fresh})
    environ: dict[str, str] = {}
    sync = KernelEnvironment([NAME], kernels, environ=environ)
    assert sync.apply(SECOND) == 1
    assert captured._launch_args["env"] == {"PATH": "/bin", NAME: SECOND}
    assert captured.updates == [{NAME: SECOND}]  # through jupyter_client's update_env
    assert fresh._launch_args == {}
    sync.apply(None)
    assert captured._launch_args["env"] == {"PATH": "/bin"}


def test_a_kernel_manager_that_cannot_list_is_tolerated() -> None:
    class Broken:
        def list_kernel_ids(self) -> list[str]:
            raise RuntimeError("remote")

    environ: dict[str, str] = {}
    assert KernelEnvironment([NAME], Broken(), environ=environ).apply(FIRST) == 0
    assert environ == {NAME: FIRST}


def test_a_just_started_kernel_is_corrected() -> None:
    stale = FakeKernel({NAME: "stale"})
    sync = KernelEnvironment([NAME], FakeKernels({"k": stale}), environ={})
    sync.apply(None)
    stale._launch_args["env"][NAME] = "stale"  # captured while the change happened
    event = {"action": "start", "status": "success", "kernel_id": "k"}
    asyncio.run(sync.on_kernel_action(None, KERNEL_ACTIONS_SCHEMA, event))
    assert NAME not in stale._launch_args["env"]
    asyncio.run(sync.on_kernel_action(None, KERNEL_ACTIONS_SCHEMA, {**event, "kernel_id": "x"}))


# Real kernels and terminals ------------------------------------------------------------------


async def start_session_kernel(jp_fetch: Any, path: str) -> str:
    body = {"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}}
    response = await jp_fetch("api", "sessions", method="POST", body=json.dumps(body))
    return json.loads(response.body)["kernel"]["id"]


async def start_api_kernel(jp_fetch: Any, _path: str) -> str:
    response = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": "python3"}))
    return json.loads(response.body)["id"]


STARTS = {"session": start_session_kernel, "kernels-api": start_api_kernel}


async def sees(manager: Any, value: str | None) -> None:
    seen = await kernel_env(manager)
    assert seen == {"environ": {NAME: value}, "printenv": {NAME: value}}


async def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


async def test_new_kernels_and_terminals_start_with_the_active_token(
    jp_fetch: Any, jp_serverapp: Any
) -> None:
    await add_token(jp_fetch, FIRST, activate=True)
    kernel_id = await start_session_kernel(jp_fetch, "a.ipynb")
    await sees(jp_serverapp.kernel_manager.get_kernel(kernel_id), FIRST)

    response = await jp_fetch("api", "terminals", method="POST", body="{}")
    name = json.loads(response.body)["name"]
    terminals = jp_serverapp.web_app.settings["terminal_manager"]
    pid = terminals.get_terminal(name).ptyproc.pid
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert f"{NAME}={FIRST}".encode() in environ
    await jp_fetch("api", "terminals", name, method="DELETE")


@pytest.mark.parametrize("start", STARTS.values(), ids=STARTS.keys())
async def test_restarts_follow_the_active_token(
    jp_fetch: Any, jp_serverapp: Any, start: Any
) -> None:
    first = (await add_token(jp_fetch, FIRST, activate=True))["token"]["id"]
    second = (await add_token(jp_fetch, SECOND, ADMIN_META))["token"]["id"]
    kernels = jp_serverapp.kernel_manager
    kernel_id = await start(jp_fetch, "b.ipynb")
    manager = kernels.get_kernel(kernel_id)
    await sees(manager, FIRST)

    # Switch, then restart by hand (as any browser tab can).
    await call(jp_fetch, "POST", "tokens", second, "activate")
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="")
    await sees(kernels.get_kernel(kernel_id), SECOND)

    # Switch back, then crash the kernel; the server restarts it by itself.
    await call(jp_fetch, "POST", "tokens", first, "activate")
    manager = kernels.get_kernel(kernel_id)
    old_pid = kernel_pid(manager)
    os.kill(old_pid, signal.SIGKILL)

    async def restarted() -> bool:
        current = kernels.get_kernel(kernel_id)
        process = getattr(current.provisioner, "process", None)
        return process is not None and process.pid != old_pid and await current.is_alive()

    await wait_for(restarted, 60, "the automatic restart")
    await sees(kernels.get_kernel(kernel_id), FIRST)

    # Remove the active token: restarted and new kernels go without.
    await call(jp_fetch, "DELETE", "tokens", first)
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="")
    await sees(kernels.get_kernel(kernel_id), None)
    new_id = await start(jp_fetch, "c.ipynb")
    await sees(kernels.get_kernel(new_id), None)


async def test_a_kernel_that_captured_a_stale_value_is_corrected_after_its_start(
    jp_fetch: Any, jp_serverapp: Any
) -> None:
    await add_token(jp_fetch, FIRST, activate=True)
    kernels = jp_serverapp.kernel_manager
    stale_env = {**os.environ, NAME: "mlp_rt_stale_value_captured"}
    kernel_id = await kernels.start_kernel(kernel_name="python3", env=stale_env)
    manager = kernels.get_kernel(kernel_id)

    async def corrected() -> bool:
        return captured_env(manager).get(NAME) == FIRST

    await wait_for(corrected, 10, "the start event")
    await kernels.restart_kernel(kernel_id)
    await sees(kernels.get_kernel(kernel_id), FIRST)
