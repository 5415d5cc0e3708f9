"""The engine boundary: the one API through which the commands use MkDocs.

Everything that imports MkDocs, Material or mkdocs-static-i18n lives in this
package (``cityvoices.integrations``).  The commands call only these:

- :func:`load_site` ``(config_file, *, site_dir=None, strict=False, features=None) -> SiteSettings``:
  the configuration, validated (``extra.cityvoices`` included), as plain data;
- :func:`build_language` ``(config_file, lang, site_dir, *, strict, features, stats, digests)``:
  one language's build in this process (``cityvoices build`` runs one per language;
  ``stats``: a JSON file for its per-phase times, :mod:`~cityvoices.integrations.timing`);
- :func:`build_all` ``(config_file, site_dir, *, strict, features, stats)``: every
  language in this process, one after another (``cityvoices build --serial``);
- :class:`ServeSession`: a preview server that builds again after every saved
  change, through the warm-build cache (``cityvoices serve``);
- :func:`cache_report` ``()``: what the last build took from the warm-build cache;
- :func:`finish_site` ``(site_dir, failed)``: after a build, no page links
  to a PDF that could not be made;
- :func:`setup_logging` ``(quiet)`` and :func:`engine_name` ``()``.

Failures raise :class:`cityvoices.problems.CityVoicesError` (the configuration)
or :class:`BuildError` (a build).

The generator is MkDocs 1.6, or ProperDocs (its maintained drop-in fork)
when that is installed: :func:`_select_generator` lets ProperDocs answer every
``mkdocs.*`` import, so Material, static-i18n and our hooks run on it unchanged.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from cityvoices import buildpar, settings as _settings, textio
from cityvoices.problems import CityVoicesError


def _select_generator() -> None:
    # ProperDocs ships `properdocs.replacement`, which aliases every
    # `mkdocs.*` import to `properdocs.*`; it must run before anything
    # imports mkdocs.  Without ProperDocs this is a no-op.
    if "mkdocs" in sys.modules:
        return
    try:
        import properdocs.replacement  # noqa: F401
    except ImportError:
        pass


_select_generator()


class BuildError(CityVoicesError):
    """A build failed (its problems were logged before); names mkdocs.yml."""


@dataclass
class BuildReport:
    """What a build that finished could not make (PDF file names)."""

    failed: list[str] = field(default_factory=list)


def engine_name() -> str:
    """``mkdocs 1.6.1`` or ``properdocs 1.6.7``: the generator in use."""
    import mkdocs

    return f"{mkdocs.__name__} {mkdocs.__version__}"


# -- configuration ----------------------------------------------------------------------------

class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _load_config(config_file: str | os.PathLike, *, site_dir: str | os.PathLike | None = None,
                 strict: bool = False, features: Mapping[str, bool] | None = None) -> Any:
    """MkDocs' configuration with ``extra.cityvoices`` validated, filled in and
    overridden by ``features`` (this run's ``--no-pdf`` ...)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    shown = textio.display_path(config_file)
    kwargs: dict[str, Any] = {"config_file": str(config_file)}
    if strict:
        kwargs["strict"] = True
    if site_dir:
        kwargs["site_dir"] = str(site_dir)
    collect = _Collect()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(collect)
    try:
        config = load_config(**kwargs)
    except MkDocsException as exc:
        detail = "; ".join(collect.messages) or str(exc)
        raise CityVoicesError(shown, 0, f"invalid configuration: {detail}", "config") from None
    finally:
        logger.removeHandler(collect)
    config.extra["cityvoices"] = _settings.with_overrides(features_of(config), features)
    return config


def features_of(config: Any) -> dict[str, bool]:
    """The validated switches of a loaded configuration (``extra.cityvoices``)."""
    path = config.config_file_path or "mkdocs.yml"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        text = ""
    return _settings.features_from(config.extra.get("cityvoices"), textio.display_path(path), text)


def _languages(config: Any) -> list[tuple[str, bool]]:
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return []
    return [(lang.locale, bool(lang.default)) for lang in plugin.config.languages if lang.build]


def settings_from_config(config: Any) -> _settings.SiteSettings:
    """Plain data from a loaded configuration (also used inside the hooks)."""
    root = Path(config.config_file_path).resolve() if config.config_file_path else Path.cwd() / "mkdocs.yml"
    watch = [Path(config.docs_dir), root]
    if config.theme.custom_dir:
        watch.append(Path(config.theme.custom_dir))
    return _settings.SiteSettings(
        config_file=root,
        docs_dir=Path(config.docs_dir).resolve(),
        site_dir=Path(config.site_dir).resolve(),
        site_url=str(config.site_url or ""),
        extensions=list(config.markdown_extensions),
        configs=dict(config.mdx_configs),
        languages=_languages(config),
        features=dict(config.extra.get("cityvoices") or features_of(config)),
        watch=watch,
        theme_dir=Path(config.theme.custom_dir).resolve() if config.theme.custom_dir else None,
        hooks=[_hook_path(config, h) for h in config.hooks or ()],
    )


def _hook_path(config: Any, hook: Any) -> Path:
    """The file of one ``hooks:`` entry (MkDocs keeps the loaded module)."""
    path = getattr(hook, "__file__", None) or getattr(sys.modules.get(str(hook)), "__file__", None) or str(hook)
    base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    return (base / path).resolve()


def load_site(config_file: str | os.PathLike, *, site_dir: str | os.PathLike | None = None,
              strict: bool = False, features: Mapping[str, bool] | None = None) -> _settings.SiteSettings:
    """The site's settings; a missing or invalid configuration is a
    :class:`CityVoicesError` naming the file."""
    path = Path(config_file)
    if not path.is_file():
        raise CityVoicesError(textio.display_path(path), 0,
                              "no such configuration file (use -f to name the site's mkdocs.yml)", "config")
    return settings_from_config(_load_config(path, site_dir=site_dir, strict=strict, features=features))


# -- logging ---------------------------------------------------------------------------------

class _Format(logging.Formatter):
    """Our findings are printed as they are (``path:line: severity: message
    [code]``); the generator's own messages keep its ``LEVEL -  `` prefix."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith("mkdocs.plugins.cityvoices"):
            return record.getMessage()
        return f"{record.levelname:<7} -  {record.getMessage()}"


def setup_logging(quiet: bool) -> None:
    """What ``mkdocs build`` does: warnings and errors on stderr (and
    ``--strict`` counts them inside the build).  Quiet hides warnings from
    the screen only: the logger stays at WARNING so that --strict still
    counts them (``mkdocs build -q --strict`` lets warnings through unseen)."""
    import mkdocs

    root = logging.getLogger(mkdocs.__name__)
    if mkdocs.__name__ != "mkdocs":  # ProperDocs: plugins still log to "mkdocs.*"
        legacy = logging.getLogger("mkdocs")
        legacy.parent, legacy.propagate = root, True
        legacy.setLevel(logging.NOTSET)
    handler = next((h for h in root.handlers if getattr(h, "_cityvoices", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_Format())
        handler._cityvoices = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)
    root.setLevel(logging.WARNING)
    root.propagate = False


# -- building --------------------------------------------------------------------------------

def _select_language(config: Any, lang: str) -> None:
    """Make mkdocs-static-i18n build ``lang`` only.

    The plugin has no public switch for this.  It reads ``current_language``
    in ``on_config`` and builds the other languages from its ``on_post_build``
    unless ``building`` is set; every language stays configured, so the
    language switcher, hreflang alternates and fallbacks are those of a full
    build.  These two attributes are the only static-i18n internals we set."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        raise CityVoicesError(textio.display_path(config.config_file_path or "mkdocs.yml"), 0,
                              "the configuration has no i18n plugin", "config")
    known = [locale for locale, _ in _languages(config)]
    if lang not in known:
        raise CityVoicesError(textio.display_path(config.config_file_path or "mkdocs.yml"), 0,
                              f"unknown language {lang!r}; the configuration builds {', '.join(known)}",
                              "config")
    plugin.current_language = lang
    plugin.building = True


def _finish_language(config: Any) -> None:
    """What static-i18n does after its last language: write the root search
    index from the entries it stacked (this language's only; the parent
    combines the languages').  Internal to the plugin, called here only."""
    config.plugins["i18n"].reconfigure_search_index(config)


#: The cache plugin of this process's last build (``None``: built without the cache).
_last_cache: list[Any] = [None]


def cache_report() -> dict | None:
    """What the last build took from the warm-build cache: ``pages``,
    ``from_cache``, ``rendered`` (source paths), ``damaged``; ``None``
    without the cache."""
    cache = _last_cache[0]
    return dict(cache.report) if cache is not None else None


def _run_build(config: Any, *, command: str = "build", serve_url: str | None = None,
               one_language: bool = False) -> BuildReport:
    from jinja2 import TemplateNotFound
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    from cityvoices.integrations import pdf as _pdf

    _pdf.reset()
    # the warm-build cache (extra.cityvoices.cache): one language per build
    # (a serial build nests the other languages inside static-i18n's events),
    # into an empty folder (a dirty build cleans nothing: old files would stay),
    # with our search index (Material's own index, extra.cityvoices.search
    # off, does not come out of a dirty build as from a cold one: cold then)
    cache = None
    site_dir = Path(config.site_dir)
    empty = not site_dir.exists() or not any(site_dir.iterdir())
    switches = config.extra["cityvoices"]
    if one_language and empty and switches.get("cache") and switches.get("search"):
        from cityvoices.integrations import cache as _cache

        cache = _cache.plugin(config, serve_url)
        config.plugins["cityvoices-cache"] = cache
    _last_cache[:] = [cache]
    config.plugins.on_startup(command=command, dirty=cache is not None)
    try:
        if cache is None:
            build(config, serve_url=serve_url)
        else:
            with _cache.dirty_build(config, cache):
                build(config, serve_url=serve_url, dirty=True)
        if one_language:
            _finish_language(config)
    except MkDocsException as exc:
        raise BuildError(textio.display_path(config.config_file_path or "mkdocs.yml"), 0,
                         f"the build failed: {exc}", "build-failed") from None
    except (RecursionError, TemplateNotFound) as exc:
        # MkDocs has logged which page ("Error reading/building page …")
        what = (f"a template or icon its front matter names does not exist ({exc})"
                if isinstance(exc, TemplateNotFound) else "it nests too deeply to be rendered")
        raise BuildError(textio.display_path(config.config_file_path or "mkdocs.yml"), 0,
                         f"the build failed on the page named above: {what}", "build-failed") from None
    finally:
        if command == "build":
            config.plugins.on_shutdown()
    return BuildReport(failed=_pdf.failed_outputs())


def build_language(config_file: str | os.PathLike, lang: str, site_dir: str | os.PathLike, *,
                   strict: bool = False, features: Mapping[str, bool] | None = None,
                   stats: str | os.PathLike | None = None,
                   digests: str | os.PathLike | None = None,
                   share_rows: str | os.PathLike | None = None,
                   previous: str | os.PathLike | None = None) -> BuildReport:
    """Build one language into ``site_dir`` in this process (the child side
    of ``cityvoices build``).  ``stats``: write this process's per-phase
    times there as JSON (:mod:`~cityvoices.integrations.timing`);
    ``digests``: a JSON file of the content digests the parent took of the
    inputs (:func:`cityvoices.uptodate.known_digests`), not taken again;
    ``share_rows``: a folder of the build's own where this process and the
    other languages' share the side-by-side pages' rows
    (:func:`cityvoices.integrations.sidebyside.share_rows`); ``previous``:
    the site folder the build will replace, whose files the pages taken from
    the cache are linked to when they are the same
    (:func:`cityvoices.integrations.common.reuse_previous`)."""
    from cityvoices.integrations import cache as _cache
    from cityvoices.integrations import sidebyside as _sidebyside
    from cityvoices.integrations.common import reuse_previous

    _sidebyside.share_rows(share_rows, lang)
    reuse_previous(site_dir, previous)
    with _phase_stats(stats):
        if digests:
            import json

            try:
                known = json.loads(Path(digests).read_bytes())
            except (OSError, ValueError):
                known = {}
            if isinstance(known, dict):
                _cache.seed_digests(known)
        config = _load_config(config_file, site_dir=site_dir, strict=strict, features=features)
        _select_language(config, lang)
        return _run_build(config, one_language=True)


def build_all(config_file: str | os.PathLike, site_dir: str | os.PathLike, *, strict: bool = False,
              features: Mapping[str, bool] | None = None,
              stats: str | os.PathLike | None = None) -> BuildReport:
    """Every language in this process, as ``mkdocs build`` does (``stats``:
    as :func:`build_language`; the languages after the first are built
    inside static-i18n's ``on_post_build``, so their time is that event's)."""
    with _phase_stats(stats):
        config = _load_config(config_file, site_dir=site_dir, strict=strict, features=features)
        return _run_build(config)


@contextlib.contextmanager
def _phase_stats(path: str | os.PathLike | None):
    """Time the build inside (only when ``path`` is given: otherwise nothing
    is installed and no event pays for it) and write the figures to ``path``,
    also when the build fails."""
    if path is None:
        yield
        return
    import json

    from cityvoices.integrations import timing

    timer = timing.install()
    try:
        yield
    finally:
        report = timer.report()
        report["cache"] = cache_report()
        textio.atomic_write(path, json.dumps(report, indent=1).encode("utf-8"))


def finish_site(site_dir: str | os.PathLike, failed: bool = True) -> list[str]:
    """After a build whose PDFs did not all come out (``failed``): take the
    links to missing PDFs and EPUBs out of the built pages; returns the missing files."""
    if not failed:
        return []
    from cityvoices.integrations import pdf as _pdf

    return _pdf.drop_dead_links(site_dir)


# -- preview ---------------------------------------------------------------------------------

class _LanguageSite:
    """One language of the site, built in this process and kept loaded."""

    def __init__(self, session: "ServeSession", lang: str, site_dir: Path):
        self.session, self.lang, self.site_dir = session, lang, site_dir
        self.config: Any = None

    def build(self) -> None:
        s = self.session
        if self.site_dir.exists():  # our own temporary folder: start it empty
            shutil.rmtree(self.site_dir)
        self.site_dir.mkdir(parents=True)
        config = _load_config(s.config_file, site_dir=self.site_dir, strict=s.strict, features=s.features)
        config.site_url = s.serve_url
        _select_language(config, self.lang)
        _run_build(config, command="serve", serve_url=s.serve_url, one_language=True)
        self.config = config


class ServeSession:
    """Every language built into a temporary folder, and built again after
    every saved change, through the warm-build cache (``extra.cityvoices.cache``,
    :mod:`~cityvoices.integrations.cache`): only the pages whose inputs
    changed are rendered, and the search index, listings, feeds, people and
    tag pages are made afresh from the cached per-page data, so nothing the
    reader sees is stale.  With ``--no-cache`` every change is a full build.

    Each language builds into its own folder and the trees are merged as
    ``cityvoices build`` merges them (:func:`cityvoices.buildpar.merge_trees`):
    the served folder is the default language's.

    The PDFs and EPUBs are made after the pages, in a process of their own
    forked at nice 10 (:func:`cityvoices.integrations.pdf.defer_editions`;
    a process, so that it shares neither the interpreter lock nor the CPU's
    first claim with the next rebuild), into a folder that the served site
    links (``pdf/`` and ``epub/``): the browser reloads as soon as the pages
    are built, a request for a PDF or an EPUB waits until the last build's
    are made, and a rebuild does not wait for them: the next build's
    editions stop the process still making the previous build's (what it
    finished is in the caches)."""

    def __init__(self, config_file: str | os.PathLike, work_dir: str | os.PathLike, *, host: str, port: int,
                 strict: bool = False, features: Mapping[str, bool] | None = None):
        self.config_file = Path(config_file).resolve()
        self.host, self.port, self.strict, self.features = host, port, strict, dict(features or {})
        self.serve_url = f"http://{host}:{port}/"
        self.settings = load_site(self.config_file, features=self.features)
        if not self.settings.languages:
            raise CityVoicesError(textio.display_path(self.config_file), 0,
                                  "the configuration has no i18n languages to build", "config")
        self.jobs = buildpar.plan_jobs(self.settings.languages, str(work_dir))
        self.site_dir = Path(self.jobs[0].out_dir)  # the default language's: served
        self.sites: list[_LanguageSite] = []
        self.server: Any = None
        self.editions: threading.Thread | None = None  # waiting for the process making the PDFs and EPUBs
        self._editions_pid = 0
        self.editions_dir = Path(work_dir) / "editions"
        self._building = False  # between the start of a build and the start of its editions
        self._state = threading.Condition()
        from cityvoices.integrations import pdf as _pdf

        _pdf.defer_editions(True)

    def full_build(self) -> None:
        """Build every language (warm: from the cache what did not change)."""
        log = logging.getLogger("mkdocs.cityvoices.serve")
        with self._state:
            self._building = True
        try:
            self._build_pages(log)
        finally:
            with self._state:
                self._building = False
                self._state.notify_all()

    def _build_pages(self, log: logging.Logger) -> None:
        from cityvoices.integrations import pdf as _pdf

        _pdf.take_deferred()  # what a failed build queued before it failed
        t0 = time.perf_counter()
        old, sites = self.sites, []
        rendered = []
        for job in self.jobs:
            site = _LanguageSite(self, job.lang, Path(job.out_dir))
            site.build()
            sites.append(site)
            report = cache_report()
            if report is not None:
                rendered.append(f"{job.lang} {len(report['rendered'])} of {report['pages']}")
        buildpar.merge_trees(self.jobs)
        self.sites = sites
        for site in old:
            site.config.plugins.on_shutdown()
        log.info("CityVoices serve: built %s in %.1f s%s", ", ".join(j.lang for j in self.jobs),
                 time.perf_counter() - t0, f" (pages rendered: {'; '.join(rendered)})" if rendered else "")
        queued = _pdf.take_deferred()
        if queued:
            self._start_editions(queued, log)

    def _start_editions(self, queued: list, log: logging.Logger) -> None:
        """Fork the process that makes ``queued`` into the editions folder
        (linked from the served site), after stopping the previous one."""
        from cityvoices.pdf import assemble

        for folder in (assemble.PDF_DIR, assemble.EPUB_DIR):
            (self.editions_dir / folder).mkdir(parents=True, exist_ok=True)
            link = self.site_dir / folder
            if not link.is_symlink():
                link.symlink_to(self.editions_dir / folder, target_is_directory=True)
        self._stop_editions()  # a newer build's editions supersede them
        pid = os.fork()
        if pid == 0:  # the child: the editions, then out
            code = 1
            try:
                buildpar.die_with_parent(signal.SIGKILL)  # a killed serve leaves no editions behind
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, 0, 10)  # the next rebuild gets the CPU first
                for make in queued:
                    make(self.editions_dir)
                code = 0
            except BaseException as e:  # noqa: BLE001 - reported, and the child ends either way
                log.error("CityVoices serve: the PDFs and EPUBs could not be made: %s", e)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self._editions_pid = pid
        self.editions = threading.Thread(target=self._reap_editions, args=(pid,), daemon=True,
                                         name="cityvoices-editions")
        self.editions.start()

    def _reap_editions(self, pid: int) -> None:
        log = logging.getLogger("mkdocs.cityvoices.serve")
        t0 = time.perf_counter()
        _pid, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            log.info("CityVoices serve: PDFs and EPUBs made in %.1f s", time.perf_counter() - t0)

    def _stop_editions(self) -> None:
        """Stop the process making the last build's editions, if it still
        runs (what it finished stays in the PDF and EPUB caches; its
        workers end with it)."""
        if self.editions is not None and self.editions.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._editions_pid, signal.SIGKILL)
            self.editions.join()

    def wait_editions(self) -> None:
        """Until the PDFs and EPUBs of the last build are made (during a
        build: of that build)."""
        while True:
            with self._state:
                self._state.wait_for(lambda: not self._building)
                thread = self.editions
            if thread is None or thread is threading.current_thread():
                return
            thread.join()
            with self._state:
                if self.editions is thread and not self._building:  # not stopped for a newer build's
                    return

    def rebuild(self) -> None:
        """After a saved change (the live-reload server's builder): every
        language again, through the cache."""
        self.full_build()

    def serve(self) -> None:
        """Serve until Ctrl-C, rebuilding on every change (MkDocs' live-reload server)."""
        from mkdocs.livereload import LiveReloadServer

        for name in ("mkdocs.cityvoices.serve", "mkdocs.livereload"):
            logging.getLogger(name).setLevel(logging.INFO)
        server = self.server = LiveReloadServer(builder=self.rebuild, host=self.host, port=self.port,
                                                root=str(self.site_dir))
        pages = server.serve_request

        def app(environ: dict, start_response: Any) -> Any:
            if environ.get("PATH_INFO", "").endswith((".pdf", ".epub")):  # made after the pages
                self.wait_editions()
            return pages(environ, start_response)

        server.set_app(app)

        def error_page(code: int) -> bytes | None:
            page = self.site_dir / f"{code}.html"
            return page.read_bytes() if code == 404 and page.is_file() else None

        server.error_handler = error_page
        for path in self.settings.watch:
            server.watch(str(path))
        try:
            server.serve()
        except KeyboardInterrupt:
            logging.getLogger("mkdocs.cityvoices.serve").info("Shutting down...")
        finally:
            server.shutdown()

    def stop(self) -> None:
        """End :meth:`serve` (from another thread)."""
        if self.server is not None:
            self.server.shutdown()

    def close(self, wait: bool = True) -> None:
        """End the session (``wait``: after the PDFs and EPUBs being made)."""
        from cityvoices.integrations import pdf as _pdf

        if wait:
            self.wait_editions()
        else:
            self._stop_editions()
        _pdf.defer_editions(False)
        for site in self.sites:
            if site.config is not None:
                site.config.plugins.on_shutdown()
