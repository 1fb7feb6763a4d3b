"""The status endpoint: what it says, and that it needs authentication."""

import contextlib
import json
from urllib.parse import urlsplit

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_mlplatform_tokens import __version__


async def test_status_without_api_url(jp_fetch, monkeypatch):
    monkeypatch.delenv("MLPLATFORM_API_URL", raising=False)
    response = await jp_fetch("mlplatform-tokens", "status")
    assert response.code == 200
    payload = json.loads(response.body)
    assert payload["version"] == __version__
    assert payload["api_configured"] is False
    assert payload["api_url"] == ""
    assert payload["env_names"] == ["MLP_REFRESH_TOKEN"]
    assert payload["redact_on_save"] is True
    assert payload["vault"]["path_problem"] is None
    assert payload["vault"]["error"] is None
    assert payload["vault"]["path"].endswith("mlplatform_tokens/vault.json")


async def test_status_reports_api_url_from_environment(jp_fetch, monkeypatch):
    monkeypatch.setenv("MLPLATFORM_API_URL", "https://user:secret@mlp.example:8443/api/?q=1")
    response = await jp_fetch("mlplatform-tokens", "status")
    payload = json.loads(response.body)
    assert payload["api_configured"] is True
    # User info and query never leave the server.
    assert payload["api_url"] == "https://mlp.example:8443/api/"
    assert "secret" not in response.body.decode()


async def test_status_refuses_unauthenticated_requests(jp_fetch):
    with pytest.raises(HTTPClientError) as failure:
        await jp_fetch("mlplatform-tokens", "status", headers={"Authorization": ""})
    assert failure.value.code == 403


async def test_status_refuses_a_wrong_token(jp_fetch):
    with pytest.raises(HTTPClientError) as failure:
        await jp_fetch(
            "mlplatform-tokens", "status", headers={"Authorization": "token not-the-server-token"}
        )
    assert failure.value.code == 403


MISTYPED = [
    "https://host:port/api",
    "https://mlp.example:99999/api",
    "https://[::1/api",
    "http://:80",
    "https://user:pa:ss@host:x/",
    "not a url at all",
    "https://mlp.example:-1/",
]


@pytest.mark.parametrize("url", MISTYPED)
async def test_a_mistyped_api_url_is_reported_not_a_500(jp_fetch, monkeypatch, url):
    monkeypatch.setenv("MLPLATFORM_API_URL", url)
    response = await jp_fetch("mlplatform-tokens", "status")
    assert response.code == 200
    payload = json.loads(response.body)
    assert payload["api_configured"] is True
    assert "pa:ss" not in response.body.decode()


def _texts_around_urls():
    from hypothesis import strategies as st

    pieces = st.sampled_from(
        ["https://", "http://", "ftp://", "user:pw0rd@", "host", "[::1]", "[", "]", ":", ":80",
         ":port", ":99999", "/api", "?q=1", "#f", "%zz", "\\", " ", "\u0444", "@", "//"]
    )  # fmt: skip
    return st.one_of(st.text(max_size=60), st.lists(pieces, max_size=8).map("".join))


def test_any_api_url_setting_shows_without_error_and_without_secrets():
    from hypothesis import given, settings

    from jupyterlab_mlplatform_tokens.config import MLPlatformTokens
    from jupyterlab_mlplatform_tokens.upstream import PipeError, parse_base

    @settings(max_examples=500, deadline=None, print_blob=True)
    @given(url=_texts_around_urls())
    def check(url):
        shown = MLPlatformTokens(api_url=url).api_origin()
        assert isinstance(shown, str)
        if shown:
            assert urlsplit(shown).scheme in ("http", "https")
            assert "@" not in urlsplit(shown).netloc
        with contextlib.suppress(ValueError):
            if "pw0rd" not in urlsplit(url).path:
                assert "pw0rd" not in shown
        with contextlib.suppress(PipeError):
            parse_base(url.strip().rstrip("/"))

    check()
