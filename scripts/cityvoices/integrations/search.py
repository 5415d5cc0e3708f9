"""Per-language search: after each language's build, turn Material's search
entries for that language into a sharded index under
``assets/javascripts/cv-search/<lang>/`` and a worker ``worker.<lang>.js``
that ``overrides/main.html`` hands to Material's search UI.

Material's combined ``search/search_index.json`` (one index for both
languages, written by static-i18n at the very end) is left with no documents:
it still carries Material's search config (used by ``?h=`` highlighting) and
is a few hundred bytes instead of megabytes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from cityvoices import textio
from cityvoices.integrations.common import current_lang, enabled, log, previous_of
from cityvoices.search import index as search_index

ASSETS = Path("assets") / "javascripts" / "cv-search"
#: page URL -> authors' and translators' names (this language build)
_people: dict[str, tuple[str, ...]] = {}


def on_page_content(html: str, page: Any, config: Any, **_: Any) -> str:
    # Before Material's search reads the page (its on_page_context), and
    # after the modules that add furniture to it (MODULES puts search after
    # them): the byline, PDF links, footnote numbers and notices are chrome,
    # not text, and stay out of the index and the snippets; the names in the
    # byline are indexed with the page (on_post_build).
    if not enabled(config, "search"):
        return html
    people = search_index.people_words(page.meta)
    if people:
        _people[page.url] = people
    return search_index.exclude_chrome(html)


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> None:
    # Material has indexed the page (its on_page_context): the names go on
    # the page's own entry (no #section) now, so that the entry is complete
    # when the page is done (the warm-build cache keeps it as it is here)
    names = _people.pop(page.url, None)
    entries = _entries(_search_plugin(config)) if names and _search_plugin(config) is not None else []
    for entry in reversed(entries):
        if entry.get("location", "") == page.url:
            entry["tags"] = list(entry.get("tags") or []) + list(names)
            break
    return None


def _search_plugin(config: Any) -> Any:
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and getattr(plugin, "search_index", None) is not None:
            return plugin
    return None


def _entries(plugin: Any) -> list:
    for attr in ("entries", "_entries"):
        if hasattr(plugin.search_index, attr):
            return getattr(plugin.search_index, attr)
    return []


def _root_site_dir(config: Any, lang: str) -> Path:
    # static-i18n builds every language but the default into <site>/<lang>
    site = Path(config.site_dir)
    i18n = config.plugins.get("i18n")
    default = getattr(i18n, "default_language", None)
    if default and lang != default and site.name == lang:
        return site.parent
    return site


def _index(config: Any, sections: list, lang: str) -> tuple[dict[str, str], str]:
    """This language's index files, and how they were made: ``patched``
    from the previous build's index (:func:`cityvoices.search.index.patch_index`,
    kept in the cache) when only some documents' text changed, else
    ``built``.  Without the cache (a cold build): built, nothing kept."""
    from cityvoices.integrations import cache as _cache

    store = _cache.kept(config, f"search-{lang}")
    if store is None:
        return search_index.build_index(sections, lang), "built"
    state = store.load()
    got = None
    if isinstance(state, dict):
        try:
            got = search_index.patch_index(state, sections, lang)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):  # a state of another shape
            got = None
    if got is None:
        files, state = search_index.index_of(sections, lang)
        how, changed = "built", len(state["docs"])
    else:
        files, state, changed = got
        how = "patched"
    if changed:  # else the kept state is this index's already
        store.save(state)
    _cache.note(config, "search", how)
    return files, how


def on_post_build(config: Any, **_: Any) -> None:
    # Runs after Material's search plugin has collected this language's
    # entries (priority 0) and before static-i18n (priority -100) stacks them
    # into its combined index: we index them, then empty the list.
    plugin = _search_plugin(config)
    if plugin is None or not enabled(config, "search"):  # off: Material's own index stays
        return
    t0 = time.perf_counter()
    lang = current_lang(config)
    entries = _entries(plugin)
    _people.clear()
    sections = search_index.sections_from_entries(entries)
    files, how = _index(config, sections, lang)

    root = _root_site_dir(config, lang)
    assets = root / ASSETS
    # Hundreds of small files: written into a fresh folder that then
    # replaces the old one (one rename), not one fsync'd file at a time.
    out = assets / lang
    new = assets / f".{lang}.new-{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    for name, text in files.items():  # a shard the replaced site has as it is: linked to it
        textio.write_or_link(new / name, text.encode("utf-8"), previous_of(out / name))
    old = assets / f".{lang}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)
    worker = search_index.worker_script(
        lang, (assets / "analyze.js").read_text(encoding="utf-8"),
        (assets / "worker.js").read_text(encoding="utf-8"))
    textio.atomic_write(assets / f"worker.{lang}.js", worker.encode("utf-8"))
    landing = search_index.landing_script(
        lang, (assets / "analyze.js").read_text(encoding="utf-8"),
        (assets / "land.js").read_text(encoding="utf-8"))
    textio.atomic_write(assets / f"land.{lang}.js", landing.encode("utf-8"))

    # Keep no full index: neither this language's copy nor the combined one.
    entries.clear()
    # Offline copies (file://): Material loads search/search_index.js there
    # instead of the JSON; it needs only the config (for ?h= highlighting).
    stub = {"config": {k: plugin.config[k] for k in ("lang", "separator", "pipeline")}, "docs": []}
    textio.atomic_write(root / "search" / "search_index.js",
                        search_index.offline_stub(stub).encode("utf-8"))
    own = Path(config.site_dir) / "search" / "search_index.json"
    if own.exists() and Path(config.site_dir) != root:
        os.remove(own)
        try:
            own.parent.rmdir()
        except OSError:
            pass
    size = sum(len(t.encode()) for t in files.values())
    seconds = time.perf_counter() - t0
    log.info("CityVoices search: %s index %s, %d sections, %d files, %d bytes, %.2f s",
             lang, how, len(sections), len(files), size, seconds)
    stats = os.environ.get("CV_SEARCH_STATS")  # benchmarks: where to append timings
    if stats:
        with open(stats, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"lang": lang, "how": how, "sections": len(sections), "files": len(files),
                                 "bytes": size, "seconds": seconds}) + "\n")
