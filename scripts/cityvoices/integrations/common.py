"""Helpers shared by the MkDocs integration modules (not transforms)."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import Any

from cityvoices import catalog as _catalog
from cityvoices import i18n, settings as _settings, textio
from cityvoices.problems import CityVoicesError, Problem

log = logging.getLogger("mkdocs.plugins.cityvoices")

_cache: dict[str, Any] = {}
_previous: list[tuple[str, str]] = []  # [(this build's output root, the site it replaces)]


def reuse_previous(out_root: str | os.PathLike | None, previous: str | os.PathLike | None) -> None:
    """This process builds into ``out_root`` a site that will replace
    ``previous`` (``cityvoices build``'s hidden ``--previous``): the files it
    makes just as they are there are hard links to them
    (:func:`cityvoices.textio.write_or_link`, :func:`previous_of`)."""
    _previous[:] = [(os.path.abspath(out_root), os.path.abspath(previous))] if out_root and previous else []


def previous_of(path: str | os.PathLike) -> str | None:
    """Where the output file ``path`` of this build is in the site it
    replaces, or ``None`` (no such site, or ``path`` outside the output)."""
    if not _previous:
        return None
    root, previous = _previous[0]
    rel = os.path.relpath(os.path.abspath(path), root)
    return None if rel == ".." or rel.startswith(".." + os.sep) else os.path.join(previous, rel)


def current_lang(config: Any) -> str:
    plugin = config.plugins.get("i18n") if hasattr(config, "plugins") else None
    lang = getattr(plugin, "current_language", None)
    return lang or str(config.theme.get("language") or i18n.DEFAULT_LANG)


def features(config: Any) -> dict[str, bool]:
    """The switches of ``extra.cityvoices`` (validated in ``site.on_config``)."""
    value = config.extra.get("cityvoices") if hasattr(config, "extra") else None
    if isinstance(value, dict) and set(value) == set(_settings.FEATURES):
        return value
    return _settings.features_from(value)


def enabled(config: Any, name: str) -> bool:
    return bool(features(config)[name])


def docs_prefix(config: Any) -> str:
    """``docs/``: the docs folder as typed from the repository root (the
    folder of mkdocs.yml), so that every path in a message can be pasted."""
    base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    rel = os.path.relpath(config.docs_dir, base)
    return "" if rel == "." else Path(rel).as_posix().rstrip("/") + "/"


def log_problem(config: Any, problem: Problem, *, prefixed: bool = False) -> None:
    """Log a finding as ``path:line: severity: message [code]``; a path
    relative to the docs folder gets the docs folder in front
    (``prefixed``: it already has it)."""
    if not prefixed and problem.path and not os.path.isabs(problem.path):
        problem = dataclasses.replace(problem, path=docs_prefix(config) + problem.path)
    level = {"error": logging.ERROR, "warning": logging.WARNING}.get(problem.severity, logging.INFO)
    log.log(level, "%s", problem.format())


def content_lang(page: Any) -> str | None:
    """The language the page's source file is written in (from its suffix)."""
    parts = _catalog.split_lang(page.file.src_uri)
    return parts[1] if parts else None


def read_sources(docs_dir: str) -> tuple[tuple[str, str], ...]:
    """All readable ``*.ko.md``/``*.en.md`` under ``docs_dir`` as ``(src_uri, text)``.

    Cached on (path, size, mtime) so that the second language build, and
    rebuilds under ``mkdocs serve``, reuse what did not change.  The listing
    itself is a snapshot taken once per build (:func:`new_build` drops it, at
    ``on_pre_build``): the hooks ask for the sources on every page, and
    walking the tree each time made a build grow with N².  The same tuple
    object is returned until the next build, so callers can cache on it.
    What could not be listed or read is in :func:`source_problems` (the
    build stops on it in ``site.on_files``, listing every such file)."""
    snap = _cache.get("snapshot")
    if snap is not None and snap[0] == docs_dir:
        return snap[1]
    cache: dict[str, tuple[tuple[int, int], str]] = _cache.setdefault("sources", {})
    out = []
    seen = set()
    listed, problems = textio.list_sources(docs_dir)
    for rel, path in listed:
        try:
            st = path.stat()
        except OSError:  # a dangling link: read_source names it
            st = None
        sig = (st.st_size, st.st_mtime_ns) if st else (0, 0)
        hit = cache.get(rel)
        if hit is None or hit[0] != sig:
            try:
                hit = cache[rel] = (sig, textio.read_source(path, rel))
            except CityVoicesError as exc:
                problems.append(exc.problem)
                continue
        seen.add(rel)
        out.append((rel, hit[1]))
    for rel in list(cache):
        if rel not in seen:
            del cache[rel]
    snapshot = tuple(out)
    _cache["snapshot"] = (docs_dir, snapshot, problems)
    return snapshot


def source_problems(docs_dir: str) -> list[Problem]:
    """What the snapshot of :func:`read_sources` could not take in: symlinks
    leading out of the docs folder, unreadable folders and files (paths
    relative to the docs folder)."""
    read_sources(docs_dir)
    return list(_cache["snapshot"][2])


def new_build() -> None:
    """Forget the snapshot of the source tree (a build, or a rebuild under
    ``mkdocs serve``/``cityvoices serve``, is starting); file texts stay
    cached on size and mtime."""
    _cache.pop("snapshot", None)


def get_catalog(config: Any) -> _catalog.Catalog:
    return _cache["catalog"]


def set_catalog(cat: _catalog.Catalog) -> None:
    _cache["catalog"] = cat
