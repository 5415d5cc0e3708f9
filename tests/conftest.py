"""Shared fixtures: a built site, a local HTTP server, and Debian's Chromium,
plus the guard that keeps the markers honest.

The guard: a test that is not marked ``build`` may not start a site build
(``mkdocs``/``properdocs build|serve``, ``cityvoices build|serve|offline|bench``
in a subprocess, or the engine's in-process build); one not marked
``browser`` may not start Chromium; one not marked ``pdf`` may not render a
PDF.  So ``-m "not build and not browser and not pdf and not slow"`` is
quick by construction, not by convention.  Helpers live in helpers.py.
"""

from __future__ import annotations

import functools
import http.server
from collections import Counter
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import helpers
from helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, build_site

sys.path.insert(0, str(ROOT / "scripts"))

_BUILD_WORDS = {"build", "serve", "offline", "bench"}
_GENERATORS = {"mkdocs", "properdocs", "cityvoices"}


def launches(argv) -> str | None:
    """The marker a command line needs: ``build``, ``browser``, ``pdf`` or None."""
    args = [str(a) for a in (argv if isinstance(argv, (list, tuple)) else str(argv).split())]
    names = [Path(a).name for a in args]
    if any(n.startswith("chromium") or n == "chrome" for n in names):
        return "browser"
    for i, name in enumerate(names):
        if name in _GENERATORS or name.startswith("properdocs"):
            rest = set(names[i + 1:])
            if rest & _BUILD_WORDS:
                return "build"
            if name == "cityvoices" and "pdf" in rest:
                return "pdf"
    return None


#: Markers of the tests that start a site build, Chromium or a PDF (the slow ones).
HEAVY = ("build", "browser", "pdf", "slow")


def pytest_collection_modifyitems(items):
    """Test files with the most heavy tests first, each file's tests in their
    own order.  ``scripts/setup.sh test`` hands whole files to two workers
    (``-n 2 --dist loadfile``): a heavy file handed out last would leave the
    other worker idle for all of its length."""
    heavy = Counter(item.nodeid.split("::")[0] for item in items
                    if any(item.get_closest_marker(m) for m in HEAVY))
    items.sort(key=lambda item: -heavy[item.nodeid.split("::")[0]])


@pytest.fixture(autouse=True)
def _honest_markers(request, monkeypatch):
    helpers.current[0] = request.node
    real_init = subprocess.Popen.__init__

    def guarded(self, args, *a, **kw):
        need = launches(args)
        if need:
            helpers.require(need, what=f"runs {' '.join(map(str, args))[:120]!r}")
        return real_init(self, args, *a, **kw)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)
    from cityvoices.integrations import engine
    from cityvoices.pdf import runner

    real_build, real_render = engine._run_build, runner.render_pdf

    def build(*a, **kw):
        helpers.require("build", what="builds a site in process")
        return real_build(*a, **kw)

    def render(*a, **kw):
        helpers.require("pdf", what="renders a PDF")
        return real_render(*a, **kw)

    monkeypatch.setattr(engine, "_run_build", build)
    monkeypatch.setattr(runner, "render_pdf", render)
    yield
    helpers.current[0] = None


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's docs/ built with the project's mkdocs.yml, --strict (no PDFs)."""
    dest = tmp_path_factory.mktemp("site") / "site"
    build_site(ROOT / "mkdocs.yml", dest)
    return dest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="session")
def serve():
    """``serve(path) -> base URL`` on 127.0.0.1 (one server per folder)."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(path: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(path))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # a short poll: shutdown() waits one poll per server, and the suite starts dozens
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/"

    yield start
    for httpd in servers:
        httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser);
    only for tests marked ``browser`` (checked when it starts)."""
    helpers.require("browser", what="starts Chromium")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
