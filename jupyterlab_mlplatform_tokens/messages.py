"""What the server part tells the user: a stable code, its parameters, and one English sentence.

Every error and notice a route of this extension answers carries all three:
``{"message": "<sentence>", "code": "<code>", "params": {...}}``. The frontend
words the code in the user's JupyterLab language (``describeServerMessage``
in ``src/messages.ts``) and shows the English sentence only for a code it does
not know; scripts and logs read the sentence. Parameters are names, paths,
numbers and, for operating-system errors, ``errno`` (the symbolic name, which
the frontend words) with ``reason`` (the system's English text). A parameter
never holds a token value.

The one place where JupyterLab's own UI, not this extension's frontend, shows a
sentence of the server is an upload refused by redaction (the file browser shows
the contents API's ``message``): :mod:`.uploads` words it in the JupyterLab
language from the same compiled catalog (:mod:`.translation`) and sends its code
as the answer's ``reason``.
"""

from __future__ import annotations

import errno as _errno
from typing import Any

#: What a parameter may be.
Param = str | int


class CodedError(Exception):
    """An error whose ``str()`` is one sentence for the user, with its code and parameters."""

    def __init__(self, code: str, message: str, **params: Param) -> None:
        super().__init__(message)
        self.code = code
        self.params = params

    def to_json(self) -> dict[str, Any]:
        return {"message": str(self), "code": self.code, "params": dict(self.params)}


def notice(code: str, message: str, **params: Param) -> dict[str, Any]:
    """The JSON of a notice that is not an error (for example, "already saved")."""
    return {"message": message, "code": code, "params": dict(params)}


def os_params(error: OSError) -> dict[str, Param]:
    """``errno`` (symbolic) and ``reason`` (English) of an operating-system error."""
    name = _errno.errorcode.get(error.errno or 0, "")
    return {"errno": name, "reason": error.strerror or type(error).__name__}
