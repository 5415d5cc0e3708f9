"""The engine layer: everything that imports MkDocs, Material or
mkdocs-static-i18n lives in this package, and nothing outside it does.

- :mod:`~cityvoices.integrations.engine` is the API the commands call
  (load the configuration, build a language, build everything, serve);
- the event modules in :data:`MODULES` are thin MkDocs event handlers that
  call the package's pure functions.  ``scripts/hooks.py`` forwards every
  MkDocs event to :func:`dispatch`, which calls the same-named function of
  each module in ``MODULES`` order, threading the event's item (markdown,
  html, files ...) through them.  A feature adds its module here.

Keeping MkDocs specifics here (and out of the transforms) is what keeps a
move to another generator cheap: the site builds on ProperDocs unchanged.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

#: Event modules, in the order their handlers run.  ``search`` comes after
#: every module that adds page furniture (``magazine``'s header and footer, ``pdf``'s download links): its
#: ``on_page_content`` marks that furniture to be left out of the search text.
#: ``sidebyside_cut`` right after ``site``: it cuts the articles' finished bodies, before any furniture.
MODULES = ("normalize", "site", "sidebyside_cut", "magazine", "translations", "pdf", "search", "chrome",
           "sidebyside")

_modules: list[ModuleType] | None = None


def modules() -> list[ModuleType]:
    """The event modules; a module named in :data:`MODULES` that cannot be
    found is an error (a silently skipped feature is a broken site)."""
    global _modules
    if _modules is None:
        loaded = []
        for name in MODULES:
            try:
                loaded.append(importlib.import_module(f"{__name__}.{name}"))
            except ModuleNotFoundError as exc:
                if exc.name == f"{__name__}.{name}":
                    raise ImportError(f"cityvoices.integrations.MODULES names {name!r}, but there is no "
                                      f"module {exc.name}") from None
                raise
        _modules = loaded
    return _modules


def dispatch(event: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``event`` on every module. For events with an item, each
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
