"""Kernel websockets without Nagle's delay: the extension's setting
``kernel_websocket_nodelay`` makes the server send each kernel message at once."""

from __future__ import annotations

from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.handlers import SETTINGS_KEY
from jupyterlab_mlplatform_tokens.kernel_websockets import without_delay


class _Handler:
    def __init__(self) -> None:
        self.nodelay: list[bool] = []

    def set_nodelay(self, value: bool) -> None:
        self.nodelay.append(value)


class _Base:
    def __init__(self, handler: _Handler) -> None:
        self.websocket_handler = handler
        self.connected = False

    def connect(self) -> str:
        self.connected = True
        return "connected"


def test_the_subclass_turns_nagle_off_then_connects_as_its_base() -> None:
    cls = without_delay(_Base)
    assert issubclass(cls, _Base)
    handler = _Handler()
    connection = cls(handler)
    assert connection.connect() == "connected"
    assert (handler.nodelay, connection.connected) == ([True], True)


def test_wrapping_twice_gives_the_same_class() -> None:
    once = without_delay(_Base)
    assert without_delay(once) is once


async def test_a_running_server_uses_it(jp_serverapp: Any) -> None:
    used = jp_serverapp.web_app.settings["kernel_websocket_connection_class"]
    assert getattr(used, "mlp_without_delay", False) is True
    # Still the server's own class underneath.
    assert issubclass(used, jp_serverapp.kernel_websocket_connection_class)


@pytest.mark.parametrize("mlp_config", [{"kernel_websocket_nodelay": False}])
async def test_the_setting_off_leaves_the_server_s_class(jp_serverapp: Any) -> None:
    assert SETTINGS_KEY in jp_serverapp.web_app.settings  # the extension is loaded
    used = jp_serverapp.web_app.settings["kernel_websocket_connection_class"]
    assert used is jp_serverapp.kernel_websocket_connection_class
