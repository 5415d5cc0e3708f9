"""MkDocs integration: thin event handlers that call the package's pure
functions.  ``scripts/hooks.py`` forwards every MkDocs event to
:func:`dispatch`, which calls the same-named function of each feature module
in ``FEATURES`` order, threading the event's item (markdown, html, files ...)
through them.  A feature adds its module here; nothing else changes.

Keeping MkDocs specifics in this sub-package (and out of the transforms) is
what keeps a move to another generator, such as Zensical, cheap.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

FEATURES = ("normalize", "site", "translations", "search", "pdf")

_modules: list[ModuleType] | None = None


def modules() -> list[ModuleType]:
    global _modules
    if _modules is None:
        loaded = []
        for name in FEATURES:
            try:
                loaded.append(importlib.import_module(f"cityvoices.integrations.{name}"))
            except ModuleNotFoundError as exc:
                if exc.name != f"cityvoices.integrations.{name}":
                    raise
        _modules = loaded
    return _modules


def dispatch(event: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``event`` on every feature. For events with an item, each
    handler's non-``None`` result replaces the item for the next one."""
    item = args[0] if args else None
    for module in modules():
        handler = getattr(module, event, None)
        if handler is None:
            continue
        if args:
            result = handler(item, *args[1:], **kwargs)
            if result is not None:
                item = result
        else:
            handler(**kwargs)
    return item
