"""``cityvoices serve``: preview the site; a saved edit shows in seconds.

``mkdocs serve`` rebuilds both languages and every page on each save.  Here
each language is built once, in this process, and kept loaded (its
configuration, files, navigation and template environment).  When a
Markdown file is saved, only the pages made from that file are rendered
again (in the languages that show it: its own, and another language that
falls back to it), together with that language's listing pages, so that a
changed title or summary shows there too; then the browser reloads
(MkDocs' live-reload server).  A new or deleted file, or a change to
mkdocs.yml or the theme overrides, rebuilds everything.

The search index and the sitemap are those of the last full build (press
Ctrl-C and start again, or touch mkdocs.yml, to refresh them).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cityvoices import buildpar, textio
from cityvoices.commands import build as cvbuild
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR

log = logging.getLogger("mkdocs.cityvoices.serve")
#: Root files that each language build writes and that are combined.
SHARED = ("search/search_index.json", "sitemap.xml", "404.html")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve", help="preview the site; an edit re-renders only its own pages",
        description="Build the site once, serve it on 127.0.0.1 and re-render only the pages of a saved "
                    "Markdown file (in the languages that show it), then reload the browser.")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs configuration (default mkdocs.yml)")
    p.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT",
                   help="address to serve on (default 127.0.0.1:8000)")
    p.add_argument("-s", "--strict", action="store_true", help="stop at the first build with a warning")
    p.set_defaults(func=run)


def _capture_plugin():
    from mkdocs.plugins import BasePlugin, event_priority

    class Capture(BasePlugin):
        """Keeps what a build computed (runs after every other plugin)."""

        files: Any = None
        nav: Any = None
        env: Any = None

        @event_priority(-1000)
        def on_nav(self, nav, config, files):
            self.nav = nav
            return nav

        @event_priority(-1000)
        def on_env(self, env, config, files):
            self.env, self.files = env, files
            return env

    return Capture()


class LanguageSite:
    """One language of the site, built in this process and kept loaded."""

    def __init__(self, config_file: str, lang: str, site_dir: str, serve_url: str, strict: bool):
        self.config_file, self.lang, self.site_dir = config_file, lang, site_dir
        self.serve_url, self.strict = serve_url, strict
        self.config: Any = None
        self.capture: Any = None

    def build(self) -> None:
        from mkdocs.commands.build import build

        config = cvbuild.load_config(self.config_file, self.site_dir, self.strict)
        config.site_url = self.serve_url
        cvbuild.select_language(config, self.lang)
        self.capture = _capture_plugin()
        config.plugins["cityvoices-serve"] = self.capture
        config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url=self.serve_url)
        config.plugins["i18n"].reconfigure_search_index(config)
        self.config = config

    def pages_for(self, abs_paths: set[str]) -> list[Any]:
        """Pages of this language made from one of ``abs_paths``, plus its
        listing pages when there is one."""
        pages, listings = [], []
        for file in self.capture.files.documentation_pages():
            page = file.page
            if page is None:
                continue
            if file.abs_src_path and os.path.normpath(file.abs_src_path) in abs_paths:
                pages.append(page)
            elif page.meta.get("listing"):
                listings.append(page)
        return pages + listings if pages else []

    def rerender(self, pages: list[Any]) -> None:
        """Render ``pages`` again with the loaded configuration, navigation
        and environment, as MkDocs' build does for every page."""
        from mkdocs.commands.build import _build_page, _populate_page

        from cityvoices.integrations import common, dispatch

        config, files = self.config, self.capture.files
        common.new_build()
        dispatch("on_files", files, config=config)  # re-read front matter: catalogue, validation
        for page in pages:
            _populate_page(page, config, files)
        doc_files = files.documentation_pages()
        for page in pages:
            _build_page(page, config, doc_files, self.capture.nav, self.capture.env)


class Site:
    """Every language, built into one folder as static-i18n lays it out."""

    def __init__(self, config_file: str, site_dir: str, serve_url: str, strict: bool):
        self.config_file, self.site_dir, self.serve_url, self.strict = config_file, site_dir, serve_url, strict
        config = cvbuild.load_config(config_file, site_dir)
        self.docs_dir = config.docs_dir
        self.watch = [config.docs_dir, config.config_file_path] + list(config.theme.dirs[:1]) * bool(
            config.theme.custom_dir)
        langs = cvbuild.languages(config)
        self.langs = [j.lang for j in buildpar.plan_jobs(langs, site_dir)]
        self.sites: list[LanguageSite] = []
        self.snapshot: dict[str, int] = {}

    def _scan(self) -> dict[str, int]:
        out = {}
        for dirpath, dirs, files in os.walk(self.docs_dir):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                path = os.path.join(dirpath, name)
                try:
                    out[os.path.normpath(path)] = os.stat(path).st_mtime_ns
                except FileNotFoundError:
                    pass
        return out

    def full_build(self) -> None:
        from mkdocs import utils

        t0 = time.perf_counter()
        self.snapshot = self._scan()
        shared: dict[str, list[str]] = {name: [] for name in SHARED}
        keep_404 = None
        clean = utils.clean_directory
        sites = []
        try:
            for i, lang in enumerate(self.langs):
                site = LanguageSite(self.config_file, lang, self.site_dir, self.serve_url, self.strict)
                site.build()
                utils.clean_directory = lambda _path: None  # the next language adds to the folder
                for name in SHARED:
                    path = Path(self.site_dir) / name
                    if path.is_file():
                        shared[name].append(path.read_text(encoding="utf-8"))
                if i == 0:
                    keep_404 = shared["404.html"][-1] if shared["404.html"] else None
                sites.append(site)
        finally:
            utils.clean_directory = clean
        root = Path(self.site_dir)
        if shared["search/search_index.json"]:
            textio.atomic_write(root / "search/search_index.json", buildpar.merge_search_index(
                shared["search/search_index.json"], self.langs[1:]).encode("utf-8"))
        if shared["sitemap.xml"]:
            textio.atomic_write(root / "sitemap.xml", buildpar.merge_sitemaps(shared["sitemap.xml"]).encode("utf-8"))
        if keep_404 is not None:
            textio.atomic_write(root / "404.html", keep_404.encode("utf-8"))
        self.sites = sites
        log.info("CityVoices serve: built %s in %.1f s", ", ".join(self.langs), time.perf_counter() - t0)

    def rebuild(self) -> None:
        """What changed since the last look decides how much to build."""
        t0 = time.perf_counter()
        now = self._scan()
        changed = {p for p, m in now.items() if self.snapshot.get(p) != m}
        added_or_removed = set(now) ^ set(self.snapshot)
        non_md = {p for p in changed if not p.endswith(".md")}
        if added_or_removed or non_md or not changed or not self.sites:
            # the tree changed shape, an asset or the configuration changed
            self.full_build()
            return
        self.snapshot = now
        done = []
        for site in self.sites:
            pages = site.pages_for(changed)
            if pages:
                site.rerender(pages)
                done.append(f"{site.lang}: {len(pages)} page(s)")
        log.info("CityVoices serve: re-rendered %s in %.2f s", "; ".join(done) or "nothing",
                 time.perf_counter() - t0)


def run(args: argparse.Namespace) -> int:
    from mkdocs.livereload import LiveReloadServer

    if not Path(args.config_file).is_file():
        print(f"cityvoices serve: {args.config_file}: no such configuration file", file=sys.stderr)
        return EXIT_ERROR
    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        print(f"cityvoices serve: --dev-addr must be IP:PORT, not {args.dev_addr!r}", file=sys.stderr)
        return EXIT_ERROR
    cvbuild._setup_logging(False)
    for name in ("mkdocs.cityvoices.serve", "mkdocs.livereload"):
        logging.getLogger(name).setLevel(logging.INFO)
    site_dir = tempfile.mkdtemp(prefix="cityvoices-serve-")
    serve_url = f"http://{host}:{port}/"
    site = Site(str(Path(args.config_file).resolve()), site_dir, serve_url, args.strict)
    try:
        site.full_build()
        server = LiveReloadServer(builder=site.rebuild, host=host, port=int(port), root=site_dir)

        def error_page(code: int) -> bytes | None:
            page = Path(site_dir) / f"{code}.html"
            return page.read_bytes() if code == 404 and page.is_file() else None

        server.error_handler = error_page
        for path in site.watch:
            if path:
                server.watch(path)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        for s in site.sites:
            if s.config is not None:
                s.config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return EXIT_CLEAN
