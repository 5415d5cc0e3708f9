"""Helpers shared by the MkDocs integration modules (not transforms)."""

from __future__ import annotations

import logging
from typing import Any

from cityvoices import catalog as _catalog
from cityvoices import i18n, textio

log = logging.getLogger("mkdocs.plugins.cityvoices")

_cache: dict[str, Any] = {}


def current_lang(config: Any) -> str:
    plugin = config.plugins.get("i18n") if hasattr(config, "plugins") else None
    lang = getattr(plugin, "current_language", None)
    return lang or str(config.theme.get("language") or i18n.DEFAULT_LANG)


def content_lang(page: Any) -> str | None:
    """The language the page's source file is written in (from its suffix)."""
    parts = _catalog.split_lang(page.file.src_uri)
    return parts[1] if parts else None


def read_sources(docs_dir: str) -> tuple[tuple[str, str], ...]:
    """All ``*.ko.md``/``*.en.md`` under ``docs_dir`` as ``(src_uri, text)``.

    Cached on (path, size, mtime) so that the second language build, and
    rebuilds under ``mkdocs serve``, reuse what did not change.  The listing
    itself is a snapshot taken once per build (:func:`new_build` drops it, at
    ``on_pre_build``): the hooks ask for the sources on every page, and
    walking the tree each time made a build grow with N².  The same tuple
    object is returned until the next build, so callers can cache on it."""
    snap = _cache.get("snapshot")
    if snap is not None and snap[0] == docs_dir:
        return snap[1]
    cache: dict[str, tuple[tuple[int, int], str]] = _cache.setdefault("sources", {})
    out = []
    seen = set()
    for rel, path in textio.source_files(docs_dir):
        st = path.stat()
        sig = (st.st_size, st.st_mtime_ns)
        hit = cache.get(rel)
        if hit is None or hit[0] != sig:
            hit = cache[rel] = (sig, textio.read_source(path, rel))
        seen.add(rel)
        out.append((rel, hit[1]))
    for rel in list(cache):
        if rel not in seen:
            del cache[rel]
    snapshot = tuple(out)
    _cache["snapshot"] = (docs_dir, snapshot)
    return snapshot


def new_build() -> None:
    """Forget the snapshot of the source tree (a build, or a rebuild under
    ``mkdocs serve``/``cityvoices serve``, is starting); file texts stay
    cached on size and mtime."""
    _cache.pop("snapshot", None)


def get_catalog(config: Any) -> _catalog.Catalog:
    return _cache["catalog"]


def set_catalog(cat: _catalog.Catalog) -> None:
    _cache["catalog"] = cat
