"""``MLPlatform``: the library's entry point, here calling the emulator over HTTP.

Each instance trades its access token for a bearer at ``POST /auth/refresh``
when it first needs one and keeps it until shortly before it expires. It
prints and logs what it does, values included, as a chatty library might.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from .core.exceptions import BY_STATUS, ServerException
from .serializers.auth import MLPTokenType, TokenInfo

_LOG = logging.getLogger("mlplatform_client")


class _Response:
    """The parts of an HTTP answer the errors keep (printed like a ``requests`` response)."""

    def __init__(self, status_code: int, headers: Any, text: str) -> None:
        self.status_code = status_code
        self.headers = headers
        self.text = text

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


def _info(data: dict[str, Any]) -> TokenInfo:
    exp = data.get("exp")
    return TokenInfo(
        id=data["id"],
        name=data["name"],
        type=MLPTokenType(data["type"]),
        issuer_name=data.get("issuer_name", ""),
        exp=datetime.fromisoformat(exp.replace("Z", "+00:00")) if exp else None,
    )


class MLPlatform:
    """The ML Platform client: ``MLPlatform(refresh_token=None)``."""

    def __init__(self, refresh_token: str | None = None) -> None:
        self._refresh_token = refresh_token
        self._bearer: tuple[str, float] | None = None
        self._url = os.environ["MLPLATFORM_STANDIN_URL"].rstrip("/")
        _LOG.info("MLPlatform client for %s with refresh token %s", self._url, refresh_token)
        print(f"MLPlatform: using refresh token {refresh_token}")

    # The documented operations -------------------------------------------------

    def who_am_i(self) -> TokenInfo:
        info = _info(self._call("GET", "/tokens/me"))
        print(info)
        return info

    def get_project_tokens_info(self) -> list[TokenInfo]:
        return [_info(item) for item in self._call("GET", "/tokens")["tokens"]]

    def create_register_token(
        self,
        client_name: str,
        access_ttl: str,
        refresh_ttl: str | None = None,
        token_type: MLPTokenType = MLPTokenType.USER,
    ) -> str:
        body = {
            "client_name": client_name,
            "access_ttl": access_ttl,
            "refresh_ttl": refresh_ttl,
            "token_type": MLPTokenType(token_type).value,
        }
        value = self._call("POST", "/register-tokens", body)["register_token"]
        print(f"Register token: {value}")
        return value

    def create_refresh_token(self, register_token: str) -> str:
        answer = self._call(
            "POST", "/register-tokens/redeem", {"register_token": register_token}, bearer=False
        )
        _LOG.info("Created refresh token %s", answer["refresh_token"])
        return answer["refresh_token"]

    def delete_token(self, token_name: str) -> None:
        self._call("DELETE", f"/tokens/{urllib.request.quote(token_name, safe='')}")

    # HTTP -------------------------------------------------------------------------

    def _bearer_value(self) -> str:
        if self._bearer is None or self._bearer[1] <= time.monotonic():
            answer = self._call(
                "POST", "/auth/refresh", {"refresh_token": self._refresh_token}, bearer=False
            )
            lifetime = max(1, int(answer["expires_in"]) - 5)
            self._bearer = (answer["access_token"], time.monotonic() + lifetime)
        return self._bearer[0]

    def _call(self, method: str, path: str, body: Any = None, *, bearer: bool = True) -> Any:
        headers = {"Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {self._bearer_value()}"
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        # The emulator's http:// URL, from the test's environment.
        request = urllib.request.Request(self._url + path, data, headers, method=method)  # noqa: S310
        _LOG.debug("%s %s %s", method, path, headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                text = answer.read().decode()
        except urllib.error.HTTPError as error:
            response = _Response(error.code, error.headers, error.read().decode("utf-8", "replace"))
            raise BY_STATUS.get(error.code, ServerException)(response) from None
        return json.loads(text) if text else None
