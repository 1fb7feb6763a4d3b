"""HTTP handlers of the server extension: validate, delegate, answer JSON.

Every handler requires Jupyter's authentication (``@tornado.web.authenticated``)
and authorization (``@authorized`` on the resource :data:`AUTH_RESOURCE`, so a
server ``Authorizer`` such as JupyterHub's granular sharing decides): listing
tokens, the status and the redaction log need ``read``; reading a value, adding,
activating, renaming, removing and the invitation notes need ``write``; the
upstream pipe needs ``write`` too, since it acts on the platform with the
caller's credentials. ``APIHandler.prepare`` checks XSRF on every POST, PATCH
and DELETE. Vault work runs off the event loop (``service.py``). Errors are
``{"message": "<one sentence>", "code": "<code>", "params": {...}}`` with the
matching status (``messages.py``; the upstream pipe answers in the ML Platform
API's error shape instead, see ``upstream.py``).
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from . import __version__
from . import validate as check
from .extension import Context
from .messages import CodedError, notice
from .records import RecordNotFound, TokenMetadata, VaultError
from .upstream import AUTH_HEADER, PipeRequest

NAMESPACE = "mlplatform-tokens"

#: The resource the server's Authorizer is asked about.
AUTH_RESOURCE = "mlplatform_tokens"

#: Where the extension's parts are kept in the tornado application's settings.
SETTINGS_KEY = "mlplatform_tokens"

_ADD_FIELDS = ("value", "label", "name", "role", "issuer", "expires_at", "activate")
_METADATA_FIELDS = ("name", "role", "issuer", "expires_at")
_INVITATION_FIELDS = ("name", "role", "expires_at", "refresh_ttl")


class BaseHandler(APIHandler):
    """Common ground of every handler: the extension's parts, JSON answers, no caching."""

    auth_resource = AUTH_RESOURCE

    def initialize(self, context: Context) -> None:
        self.context = context
        self.mlp_config = context.config

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", "no-store")

    def write_json(self, payload: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(payload), set_content_type="application/json; charset=UTF-8")

    def fail(self, status: int, error: CodedError) -> None:
        self.write_json(error.to_json(), status)

    def body(self, fields: tuple[str, ...]) -> dict[str, Any]:
        return check.json_object(self.request.body, fields)

    async def write_state(self) -> None:
        self.write_json((await self.context.service.state()).public())


def _answers_errors(method: Any) -> Any:
    """Turn InputError into 400 and VaultError into its status, each with its sentence."""

    @functools.wraps(method)
    async def wrapper(self: BaseHandler, *args: Any, **kwargs: Any) -> None:
        try:
            await method(self, *args, **kwargs)
        except check.InputError as error:
            self.fail(400, error)
        except VaultError as error:
            self.fail(error.status, error)

    return wrapper


def _metadata(data: dict[str, Any]) -> TokenMetadata:
    return TokenMetadata(
        name=check.text(check.required(data, "name"), "name"),
        role=check.role(check.required(data, "role")),
        issuer=check.text(check.required(data, "issuer"), "issuer", allow_empty=True),
        expires_at=check.timestamp(check.required(data, "expires_at"), "expires_at", nullable=True),
    )


def _record_id(value: str) -> str:
    if not check.is_record_id(value):
        raise RecordNotFound(
            "token-not-found", "No saved token has this id; it may have been removed."
        )
    return value


class StatusHandler(BaseHandler):
    """``GET /mlplatform-tokens/status``: what the frontend needs to know first."""

    @tornado.web.authenticated
    @authorized("read")
    async def get(self) -> None:
        config = self.mlp_config
        try:
            await self.context.service.state()
            error = None
        except VaultError as failure:
            error = failure
        problem = self.context.service.vault.path_problem
        backend = await self.context.upstream.describe()
        self.write_json(
            {
                "version": __version__,
                "api_configured": backend["usable"],
                "api_url": config.api_origin() if backend["backend"] == "http" else "",
                "backend": backend["backend"],
                "library_version": backend["library_version"],
                "library_problem": backend["library_problem"],
                "env_names": list(config.env_names),
                "redact_on_save": config.redact_on_save,
                "vault": {
                    "path": str(self.context.service.vault.path),
                    "path_problem": problem.to_json() if problem else None,
                    "error": str(error) if error else None,
                    "error_info": error.to_json() if error else None,
                },
            }
        )


class TokensHandler(BaseHandler):
    """``GET /tokens`` lists saved tokens (no values); ``POST /tokens`` saves one."""

    @tornado.web.authenticated
    @authorized("read")
    @_answers_errors
    async def get(self) -> None:
        await self.write_state()

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def post(self) -> None:
        data = self.body(_ADD_FIELDS)
        value = check.token_value(check.required(data, "value"))
        metadata = _metadata(data)
        label = data.get("label")
        label = check.label(label) if label is not None else check.label(metadata.name[:100])
        activate = check.boolean(data.get("activate", False), "activate")
        added = await self.context.service.add(value, label, metadata, activate=activate)
        state = await self.context.service.state()
        said = (
            notice("token-saved", "The token was saved.")
            if added.created
            else notice(
                "token-already-saved",
                f"This token is already saved as '{added.record.label}'.",
                label=added.record.label,
            )
        )
        self.write_json(
            {
                "token": added.record.public(active=state.active_id == added.record.id),
                "created": added.created,
                "active_id": state.active_id,
                **said,
            },
            201 if added.created else 200,
        )


class TokenHandler(BaseHandler):
    """``PATCH /tokens/<id>`` renames; ``DELETE /tokens/<id>`` removes."""

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def patch(self, record_id: str) -> None:
        record_id = _record_id(record_id)
        data = self.body(("label",))
        label = check.label(check.required(data, "label"))
        record = await self.context.service.rename(record_id, label)
        state = await self.context.service.state()
        self.write_json({"token": record.public(active=state.active_id == record.id)})

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def delete(self, record_id: str) -> None:
        await self.context.service.remove(_record_id(record_id))
        await self.write_state()


class VerifiedHandler(BaseHandler):
    """``POST /tokens/<id>/verified``: store what a fresh who-am-i said."""

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def post(self, record_id: str) -> None:
        record_id = _record_id(record_id)
        metadata = _metadata(self.body(_METADATA_FIELDS))
        record = await self.context.service.verified(record_id, metadata)
        state = await self.context.service.state()
        self.write_json({"token": record.public(active=state.active_id == record.id)})


class ActivateHandler(BaseHandler):
    """``POST /tokens/<id>/activate``: make this token the active one."""

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def post(self, record_id: str) -> None:
        self._no_body()
        await self.context.service.activate(_record_id(record_id))
        await self.write_state()

    def _no_body(self) -> None:
        if self.request.body.strip() not in (b"", b"{}", b"null"):
            raise check.InputError("body-not-allowed", "This request takes no body.")


class DeactivateHandler(ActivateHandler):
    """``POST /tokens/deactivate``: no token is active any more."""

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def post(self) -> None:  # type: ignore[override]
        self._no_body()
        await self.context.service.activate(None)
        await self.write_state()


class ValueHandler(BaseHandler):
    """``GET /tokens/<id>/value``: one token's value, for the typed client and the copy button."""

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def get(self, record_id: str) -> None:
        value = await self.context.service.value(_record_id(record_id))
        self.write_json({"id": record_id, "value": value})


class InvitationsHandler(BaseHandler):
    """``GET /invitations`` lists notes of handed-out registration tokens; ``POST`` adds one."""

    @tornado.web.authenticated
    @authorized("read")
    @_answers_errors
    async def get(self) -> None:
        state = await self.context.service.state()
        self.write_json({"invitations": [item.to_json() for item in state.invitations]})

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def post(self) -> None:
        data = self.body(_INVITATION_FIELDS)
        refresh_ttl = data.get("refresh_ttl")
        invitation = await self.context.service.add_invitation(
            name=check.text(check.required(data, "name"), "name"),
            role=check.role(check.required(data, "role")),
            expires_at=str(
                check.timestamp(check.required(data, "expires_at"), "expires_at", nullable=False)
            ),
            refresh_ttl=None if refresh_ttl is None else check.ttl(refresh_ttl, "refresh_ttl"),
        )
        self.write_json({"invitation": invitation.to_json()}, 201)


class InvitationHandler(BaseHandler):
    """``DELETE /invitations/<id>``: forget a note."""

    @tornado.web.authenticated
    @authorized("write")
    @_answers_errors
    async def delete(self, invitation_id: str) -> None:
        if not check.is_record_id(invitation_id):
            raise RecordNotFound(
                "invitation-not-found", "No invitation note has this id; it may have been removed."
            )
        await self.context.service.remove_invitation(invitation_id)
        self.set_status(204)
        self.finish()


class RedactionsHandler(BaseHandler):
    """``GET /redactions?after=<id>``: what redaction on save changed lately (never values)."""

    @tornado.web.authenticated
    @authorized("read")
    @_answers_errors
    async def get(self) -> None:
        after = self.get_query_argument("after", "0")
        if not after.isdigit() or len(after) > 12:
            raise check.InputError(
                "param-not-integer",
                "The parameter 'after' must be a whole number.",
                param="after",
            )
        entries = self.context.redactions.after(int(after))
        self.write_json(
            {
                "redact_on_save": self.mlp_config.redact_on_save,
                "redactions": [entry.to_json() for entry in entries],
            }
        )


class UpstreamHandler(BaseHandler):
    """``GET|POST|DELETE /upstream/<path>``: the pipe to the configured ML Platform API."""

    def initialize(self, context: Context, prefix: str) -> None:  # type: ignore[override]
        super().initialize(context)
        self._prefix = prefix
        self._waiting: asyncio.Future[None] | None = None

    @tornado.web.authenticated
    @authorized("write")
    async def get(self, _path: str) -> None:
        await self._pipe()

    @tornado.web.authenticated
    @authorized("write")
    async def post(self, _path: str) -> None:
        await self._pipe()

    @tornado.web.authenticated
    @authorized("write")
    async def delete(self, _path: str) -> None:
        await self._pipe()

    def on_connection_close(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()

    def compute_etag(self) -> None:
        """No ETag: the API's answers are never cached (``no-store``), so hashing every
        answer for one would only cost time."""
        return None

    async def _pipe(self) -> None:
        # The raw path, still percent-encoded; when it is spelled differently from the
        # route, "%" makes the pipe refuse it rather than guess.
        path = self.request.path
        raw_path = path[len(self._prefix) :] if path.startswith(self._prefix) else "%"
        request = PipeRequest(
            method=self.request.method or "",
            path=raw_path,
            query=self.request.query,
            authorization=self.request.headers.get(AUTH_HEADER),
            content_type=self.request.headers.get("Content-Type"),
            body=self.request.body,
        )
        call = self.context.upstream.start(request)
        # Only this waiting ends when the browser goes away; the call itself runs out.
        self._waiting = waiting = asyncio.get_running_loop().create_future()
        call.add_done_callback(lambda _: waiting.done() or waiting.set_result(None))
        try:
            await waiting
        except asyncio.CancelledError:
            return  # the browser went away; nothing to answer
        finally:
            self._waiting = None
        response = call.result()
        self.set_status(response.status)
        if response.retry_after:
            self.set_header("Retry-After", response.retry_after)
        if response.allow:
            self.set_header("Allow", response.allow)
        if response.body:
            self.finish(response.body, set_content_type="application/json; charset=UTF-8")
        else:
            self.finish()


def setup_handlers(web_app: Any, context: Context) -> None:
    """Add the extension's routes under the server's base URL."""
    base_url = web_app.settings["base_url"]
    web_app.settings[SETTINGS_KEY] = context

    def route(path: str) -> str:
        return url_path_join(base_url, NAMESPACE, path)

    kwargs = {"context": context}
    record = r"(?P<record_id>[^/]+)"
    upstream_prefix = route("upstream") + "/"
    handlers = [
        (route("status"), StatusHandler, kwargs),
        (route("tokens"), TokensHandler, kwargs),
        (route("tokens/deactivate"), DeactivateHandler, kwargs),
        (route(f"tokens/{record}"), TokenHandler, kwargs),
        (route(f"tokens/{record}/value"), ValueHandler, kwargs),
        (route(f"tokens/{record}/activate"), ActivateHandler, kwargs),
        (route(f"tokens/{record}/verified"), VerifiedHandler, kwargs),
        (route("invitations"), InvitationsHandler, kwargs),
        (route(r"invitations/(?P<invitation_id>[^/]+)"), InvitationHandler, kwargs),
        (route("redactions"), RedactionsHandler, kwargs),
        (
            upstream_prefix + "(.*)",
            UpstreamHandler,
            {"context": context, "prefix": upstream_prefix},
        ),
    ]
    web_app.add_handlers(".*$", handlers)
