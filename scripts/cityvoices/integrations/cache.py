"""The warm-build cache inside a MkDocs build (the MkDocs side of
:mod:`cityvoices.buildcache`, which computes the keys and owns the format).

:func:`plugin` makes a plugin that :func:`cityvoices.integrations.engine._run_build`
adds to a language build.  MkDocs' own ``--dirty`` machinery does the
skipping: a page's ``File.is_modified()`` answers whether the page's key
changed, and MkDocs reads, renders and writes only those pages (every
plugin event runs for them as in a full build).  For a page whose key did
not change, the plugin

- gives the page its front matter, title and anchors back before any page
  is rendered (``on_env``: other pages' navigation and anchor checks read
  them);
- writes its cached HTML, puts its cached search entries back in their place
  in Material's index (so the search index is rebuilt from per-page data)
  and logs again what its rendering logged (``on_post_build``, before the
  search index and every other post-build step: listings, feeds, people and
  tag pages are pages like any other, keyed on what they show).

Pages that share their own inputs (one publication's folder: its two
languages, a stand-in, a side-by-side page) are rendered together or taken
from the cache together, so a page that reads its sibling's rendering never
meets a sibling that was not rendered.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

from mkdocs.plugins import BasePlugin, event_priority

from cityvoices import buildcache, syntax, textio
from cityvoices.integrations.common import current_lang, get_catalog, previous_of, read_sources
from cityvoices.problems import Problem

log = logging.getLogger("mkdocs.plugins.cityvoices.cache")

#: Libraries whose version is part of every key (the generator is added by name).
LIBRARIES = ("mkdocs-material", "mkdocs-static-i18n", "markdown", "pymdown-extensions", "jinja2", "pyyaml",
             "pygments")
_PACKAGE = Path(__file__).resolve().parents[1]
_digests: dict[str, tuple[tuple[int, int, int], str]] = {}  # abs path -> ((size, mtime, ctime), digest)


def seed_digests(known: dict[str, list]) -> None:
    """Take over content digests the parent process took before the build
    (:func:`cityvoices.uptodate.known_digests`): a file whose size and times
    are still those is not read again."""
    for path, rec in known.items():
        if isinstance(rec, list) and len(rec) == 4 and isinstance(rec[3], str):
            _digests[path] = ((rec[0], rec[1], rec[2]), rec[3])


def _file_digest(path: str) -> str:
    path = os.path.abspath(path)
    st = os.stat(path)
    sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    hit = _digests.get(path)
    if hit is None or hit[0] != sig:
        with open(path, "rb") as fh:
            hit = _digests[path] = (sig, buildcache.digest(fh.read()))
    return hit[1]


def _tree_digests(root: Path, *, skip: tuple[str, ...] = ("__pycache__",)) -> dict[str, str]:
    out: dict[str, str] = {}
    if not root.is_dir():
        return out
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".pyc", ".tmp")):
                continue
            path = os.path.join(dirpath, name)
            out[Path(path).relative_to(root).as_posix()] = _file_digest(path)
    return out


def _versions() -> dict[str, str]:
    import mkdocs

    out = {"python": sys.version, mkdocs.__name__: mkdocs.__version__}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def _search_entries(config: Any) -> list | None:
    from cityvoices.integrations.search import _entries, _search_plugin

    plugin = _search_plugin(config)
    return None if plugin is None else _entries(plugin)


def settings_languages(config: Any) -> list[tuple[str, bool]]:
    from cityvoices.integrations.engine import _languages

    return _languages(config)


def _in_docs(src_uri: str, langs: list[str]) -> str:
    """Where a page made by a plugin under a language folder (``en/…/side-by-side.md``)
    would sit in the docs folder: its publication's folder (so it is keyed,
    and rendered, with that publication's pages)."""
    head, _, rest = src_uri.partition("/")
    return rest if rest and head in langs else src_uri


class _PageLogs(logging.Handler):
    """What is logged while MkDocs reads, renders or writes a page, by page."""

    def __init__(self, config: Any):
        super().__init__(logging.WARNING)
        self.config = config
        self.by_page: dict[str, list[list]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        page = getattr(self.config, "_current_page", None)
        if page is not None and not getattr(record, "_cv_replayed", False):
            self.by_page.setdefault(page.file.src_uri, []).append([record.name, record.levelno,
                                                                   record.getMessage()])


def _logger_names() -> list[str]:
    import mkdocs

    return sorted({"mkdocs", mkdocs.__name__})


class CachePlugin(BasePlugin):
    """See the module's docstring; ``root`` is the cache folder,
    ``serve_url`` set under ``cityvoices serve``."""

    def __init__(self, root: Path, serve_url: str | None = None):
        super().__init__()
        self.root, self.serve_url = Path(root), serve_url
        self.store: buildcache.Store | None = None
        self.keys: dict[str, str] = {}
        self.hits: dict[str, buildcache.Entry] = {}
        self.marks: dict[str, tuple[int, Any]] = {}
        self.fresh: dict[str, list] = {}
        self.files: Any = None
        self.logs: _PageLogs | None = None
        self.report: dict[str, Any] = {}
        self.memos: dict[str, buildcache.Memo] = {}
        self._code: str | None = None

    # -- per-item results of our hooks (the translation check ...) ---------------------------

    def code_digest(self) -> str:
        """This package's code and the library versions: what a memo is valid for."""
        if self._code is None:
            self._code = buildcache.digest("code", _tree_digests(_PACKAGE), _versions())
        return self._code

    def memo(self, name: str, types: tuple[type, ...] = (), plain: bool = False) -> buildcache.Memo:
        if name not in self.memos:
            self.memos[name] = buildcache.Memo(self.root, name, self.code_digest(), types, plain)
        return self.memos[name]

    # -- the logs of each page --------------------------------------------------------------

    @contextlib.contextmanager
    def capturing(self, config: Any) -> Iterator[None]:
        self.logs = _PageLogs(config)
        loggers = [logging.getLogger(n) for n in _logger_names()]
        for lg in loggers:
            lg.addHandler(self.logs)
        try:
            yield
        finally:
            for lg in loggers:
                lg.removeHandler(self.logs)

    # -- keys -------------------------------------------------------------------------------

    def _built(self, file: Any) -> bool:
        return not file.inclusion.is_excluded() or bool(self.serve_url)

    def _site_digest(self, config: Any, files: Any, lang: str) -> str:
        from cityvoices.integrations import modules

        theme: dict[str, str] = {}
        if config.theme.custom_dir:
            theme = _tree_digests(Path(config.theme.custom_dir))
        code = {f"cityvoices/{k}": v for k, v in _tree_digests(_PACKAGE).items()}
        for hook in config.hooks or ():
            path = getattr(sys.modules.get(str(hook)), "__file__", None) or str(hook)
            if os.path.isfile(path):
                code[f"hooks/{Path(path).name}"] = _file_digest(path)
        config_path = config.config_file_path
        config_text = Path(config_path).read_text(encoding="utf-8") if config_path else ""
        file_map = [(f.src_uri, f.dest_uri, f.url, f.is_documentation_page(), f.inclusion.name) for f in files]
        extra = {"site_url": str(config.site_url or ""), "serve": bool(self.serve_url),
                 "modules": [m.__name__ for m in modules()]}
        return buildcache.site_digest(config_text=config_text, features=dict(config.extra.get("cityvoices") or {}),
                                      lang=lang, theme=theme, code=code, versions=_versions(), files=file_map,
                                      extra=extra)

    def _shared_digest(self, config: Any) -> str:
        from cityvoices.integrations import modules

        front = {}
        for uri, text in read_sources(config.docs_dir):
            block = syntax.front_matter_block(text)
            front[uri] = block.yaml if block else ""
        declared = {}
        for module in modules():
            shared = getattr(module, "cache_shared", None)
            if shared is not None:
                declared[module.__name__] = shared(config)
        return buildcache.shared_digest(front, declared)

    def _views(self, config: Any, lang: str, site: str, shared: str) -> dict[str, str]:
        """``{publication folder: digest}`` of what the folder's pages show of
        other publications, from the modules' ``cache_view(config)``.  It is
        made of the shared data alone (front matter, declared data) and the
        code: kept in a memo under both, so only a build whose shared data
        changed computes it."""
        from cityvoices.integrations import modules

        memo = self.memo(f"views-{lang}", plain=True)
        key = buildcache.digest("views", site, shared)
        got = memo.get(key)
        if isinstance(got, dict):
            return got
        per: dict[str, dict[str, Any]] = {}
        for module in modules():
            view = getattr(module, "cache_view", None)
            if view is not None:
                for folder, data in view(config).items():
                    per.setdefault(folder, {})[module.__name__] = data
        out = {folder: buildcache.digest("view", data) for folder, data in per.items()}
        memo.put(key, out)
        return out

    def _tree(self, config: Any, files: Any) -> dict[str, str]:
        # every file of the docs folder, whichever language this build
        # publishes (a page shows its counterpart's state), and the pages
        # plugins generated
        listed, _problems = textio.walk_docs(config.docs_dir)
        out = {rel: _file_digest(str(path)) for rel, path in listed}
        for f in files:
            if f.generated_by:
                out[f.src_uri] = buildcache.digest(f.content_bytes)
        return out

    def _reads_all(self, config: Any, folders: frozenset[str]) -> set[str]:
        """The source pages outside every publication folder that a module
        says are made from every publication's text (``cache_reads_all(meta)``,
        asked with each such page's front matter, as the catalogue read it)."""
        from cityvoices.integrations import modules

        asks = [m.cache_reads_all for m in modules() if hasattr(m, "cache_reads_all")]
        return {ver.src_uri for entry in get_catalog(config).publications.values() if asks
                for ver in entry.versions.values()
                if not buildcache.in_publication(ver.src_uri, folders) and any(ask(ver.meta) for ask in asks)}

    @event_priority(-1000)
    def on_nav(self, nav: Any, config: Any, files: Any, **_: Any) -> Any:
        # After every other plugin has added its pages (stand-ins, generated
        # pages): key every page, decide which come from the cache.
        lang = current_lang(config)
        self.store = buildcache.Store(self.root, lang)
        self.files = files
        site = self._site_digest(config, files, lang)
        shared = self._shared_digest(config)
        cat = get_catalog(config)
        folders = buildcache.publication_folders(v.src_uri for p in cat.all() for v in p.versions.values())
        tree = buildcache.page_inputs(self._tree(config, files), folders)
        groups: dict[str, list[Any]] = {}
        langs = [lc for lc, _default in settings_languages(config)]
        reads_all = self._reads_all(config, folders)
        views = self._views(config, lang, site, shared)
        for file in files.documentation_pages():
            if not self._built(file):
                continue
            src = _in_docs(file.src_uri, langs)
            every = file.src_uri in reads_all
            inputs = buildcache.inputs_of(src, folders, tree, reads_all=every)
            shown = buildcache.shown_of(src, folders, shared, views, reads_all=every)
            self.keys[file.src_uri] = buildcache.page_key(site, shown, inputs, file.src_uri, file.dest_uri)
            groups.setdefault(inputs, []).append(file)
        for members in groups.values():
            entries = {f.src_uri: self.store.load(f.src_uri, self.keys[f.src_uri]) for f in members}
            together = all(e is not None for e in entries.values())
            for f in members:
                if together:
                    self.hits[f.src_uri] = entries[f.src_uri]
                f.is_modified = (lambda: False) if together else (lambda: True)
        return nav

    # -- pages from the cache ---------------------------------------------------------------

    @event_priority(1000)
    def on_env(self, env: Any, config: Any, files: Any, **_: Any) -> Any:
        jinja_cache(config, env)
        self.report["static_linked"] = self._link_static(files)
        for uri, entry in self.hits.items():
            page = files.get_file_from_path(uri).page
            data = entry.data
            page.meta = data.get("meta") or {}
            if data.get("title") is not None:
                page.title = data["title"]
            if data.get("anchors") is not None:
                page.present_anchor_ids = set(data["anchors"])
            links = {}
            for target, found in (data.get("links") or {}).items():
                to = files.get_file_from_path(target)
                if to is not None:
                    links[to] = found
            if links:
                page.links_to_anchors = links
        return env

    def _link_static(self, files: Any) -> int:
        """Just before MkDocs copies or writes the static files (a dirty
        build does so only for a file whose ``is_modified()``): each one the
        replaced site has with the same bytes is linked to it there instead."""
        from mkdocs.structure.files import InclusionLevel

        copied = InclusionLevel.is_in_serve if self.serve_url else InclusionLevel.is_included
        linked = 0
        for f in files:
            if f.is_documentation_page() or not copied(f.inclusion):
                continue
            previous = previous_of(f.abs_dest_path)
            if previous is None:  # no site replaced (or a file outside the output)
                continue
            try:
                if not f.generated_by and os.path.getsize(previous) != os.path.getsize(f.abs_src_path):
                    continue
                data = f.content_bytes  # a generated file's (our minified CSS and scripts) or the source's
                os.makedirs(os.path.dirname(f.abs_dest_path), exist_ok=True)
            except OSError:
                continue
            if textio.link_if_same(f.abs_dest_path, data, previous):
                f.is_modified = lambda: False
                linked += 1
        return linked

    # -- pages rendered now: what to keep ---------------------------------------------------

    @event_priority(1000)
    def on_page_context(self, context: Any, page: Any, config: Any, **_: Any) -> Any:
        entries = _search_entries(config)
        self.marks[page.file.src_uri] = (len(entries) if entries is not None else 0, dict(page.meta))
        return context

    @event_priority(-1000)
    def on_post_page(self, output: str, page: Any, config: Any, **_: Any) -> str:
        uri = page.file.src_uri
        entries = _search_entries(config)
        start, meta = self.marks.pop(uri, (0, dict(page.meta)))
        mine = list(entries[start:]) if entries is not None else []
        self.fresh[uri] = mine
        key = self.keys.get(uri)
        if key is None or self.store is None:
            return output
        html = output.encode("utf-8", errors="xmlcharrefreplace") if output.strip() else None
        data = {"meta": meta, "title": page.title, "search": mine,
                "anchors": sorted(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
                "links": {f.src_uri: links for f, links in (page.links_to_anchors or {}).items()},
                "logs": self.logs.by_page.get(uri, []) if self.logs else []}
        if buildcache.cacheable(data):
            self.store.save(uri, buildcache.Entry(key, html, data))
        return output

    @event_priority(1000)
    def on_post_build(self, config: Any, **_: Any) -> None:
        # Before Material's search index, static-i18n and our hooks' post-build
        # steps: the site holds every page, the index every entry, in page order.
        order = [f for f in self.files.documentation_pages() if f.src_uri in self.keys] if self.files else []
        linked = 0
        for file in order:
            entry = self.hits.get(file.src_uri)
            if entry is not None and entry.html is not None:
                out = file.abs_dest_path
                os.makedirs(os.path.dirname(out), exist_ok=True)
                linked += textio.write_or_link(out, entry.html, previous_of(out))
        entries = _search_entries(config)
        if entries is not None and self.hits:
            fresh_ids = {id(e) for mine in self.fresh.values() for e in mine}
            rest = [e for e in entries if id(e) not in fresh_ids]  # entries made outside any page
            ordered: list = []
            for file in order:
                entry = self.hits.get(file.src_uri)
                ordered.extend(entry.data.get("search") or [] if entry else self.fresh.get(file.src_uri, []))
            entries[:] = ordered + rest
        for file in order:
            entry = self.hits.get(file.src_uri)
            for name, level, message in (entry.data.get("logs") or [] if entry else []):
                logging.getLogger(name).log(level, "%s", message, extra={"_cv_replayed": True})
        for kept in self.memos.values():
            kept.save()
        pruned = self.store.prune(self.keys) if self.store else 0  # pages this build no longer has
        damaged = self.store.damaged if self.store else []
        for path, reason in damaged[:5]:
            print(Problem(path, 0, "cache-damaged", f"damaged cache entry ignored ({reason}); its pages were "
                          "rendered afresh", "warning").format(), file=sys.stderr)
        if len(damaged) > 5:
            print(Problem(str(self.root), 0, "cache-damaged", f"{len(damaged) - 5} more damaged cache entries "
                          "ignored", "warning").format(), file=sys.stderr)
        rendered = sorted(uri for uri in self.keys if uri not in self.hits)
        self.report = {**self.report, "pages": len(self.keys), "from_cache": len(self.hits), "rendered": rendered,
                       "damaged": len(damaged), "pruned": pruned, "linked": linked}
        log.info("CityVoices cache: %s: %d of %d pages rendered, %d from the cache", current_lang(config),
                 len(rendered), len(self.keys), len(self.hits))


def _of(config: Any) -> CachePlugin | None:
    """This build's cache plugin, or ``None`` when it builds without the cache."""
    cache = config.plugins.get("cityvoices-cache")
    return cache if isinstance(cache, CachePlugin) else None


def memo(config: Any, name: str, types: tuple[type, ...] = (), plain: bool = False) -> buildcache.Memo | None:
    """The memo ``name`` of this build (:class:`cityvoices.buildcache.Memo`),
    or ``None`` when it builds without the cache (a cold build computes everything)."""
    cache = _of(config)
    return cache.memo(name, types, plain) if cache else None


def kept(config: Any, name: str) -> buildcache.Kept | None:
    """The value ``name`` this build keeps for the next one
    (:class:`cityvoices.buildcache.Kept`, valid for this code), or ``None``
    when it builds without the cache."""
    cache = _of(config)
    return buildcache.Kept(cache.root, name, cache.code_digest()) if cache else None


def note(config: Any, name: str, value: Any) -> None:
    """Add ``name`` to this build's cache report (``--stats``), if it has the cache."""
    cache = _of(config)
    if cache:
        cache.report[name] = value


def jinja_cache(config: Any, env: Any) -> None:
    """Compiled templates kept between builds (Jinja's bytecode cache: each
    template under a hash of its source), in a folder named by the Jinja
    version and this environment's options."""
    import jinja2

    cache = _of(config)
    if cache is None or env.bytecode_cache is not None:
        return
    options = [jinja2.__version__, sys.version, sorted(map(str, env.extensions)), env.block_start_string,
               env.block_end_string, env.variable_start_string, env.variable_end_string, env.comment_start_string,
               env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
               env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, repr(env.autoescape),
               env.optimized, repr(env.finalize)]
    folder = cache.root / "jinja" / buildcache.digest("jinja", options)[:16]
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def plugin(config: Any, serve_url: str | None = None) -> CachePlugin:
    """The cache plugin of a language build of ``config`` (cache folder
    :data:`cityvoices.buildcache.CACHE_DIR` beside mkdocs.yml)."""
    base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    return CachePlugin(base / buildcache.CACHE_DIR, serve_url)


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


@contextlib.contextmanager
def dirty_build(config: Any, cache: CachePlugin) -> Iterator[None]:
    """Around ``build(config, dirty=True)`` into an empty site folder (the
    caller's: :func:`~cityvoices.integrations.engine._run_build` uses the
    cache only then): MkDocs' warning about dirty builds silenced (here the
    cache decides what is up to date, by content), each page's messages
    captured."""
    from mkdocs.commands import build as build_module

    logger = logging.getLogger(build_module.__name__)
    quiet = _DropDirtyWarning()
    logger.addFilter(quiet)
    try:
        with cache.capturing(config):
            yield
    finally:
        logger.removeFilter(quiet)
