"""Hatch build hook: compile the translation catalogs into the wheel.

Writes ``jupyterlab_mlplatform_tokens/locale/<ll_CC>/LC_MESSAGES/<domain>.json``
from ``locale/<ll_CC>/LC_MESSAGES/<domain>.po`` (see ``catalog.py``). The JSON
is generated, so git ignores it; the hook puts it in the wheel explicitly. An
editable install reads it from the source tree.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _catalog_module() -> Any:
    path = Path(__file__).with_name("catalog.py")
    spec = importlib.util.spec_from_file_location("mlp_tokens_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class LocaleBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        catalog = _catalog_module()
        root = Path(self.root)
        for path in catalog.compile_all():
            if version != "editable":
                build_data["force_include"][str(path)] = path.relative_to(root).as_posix()
