"""Shared fixtures: a built site, a local HTTP server, and Debian's Chromium.

The site is built once per test session into a temporary folder with the
project's real mkdocs.yml (``--strict``), so HTML tests check what readers get.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
#: The seed article ships as package data (cityvoices.synth reads it too).
SEED = ROOT / "scripts" / "cityvoices" / "data" / "seed" / "citynet-seoul-congress-2013.txt"
#: Real parallel Markdown with its licences (see fixtures/corpus/PROVENANCE.md).
CORPUS = FIXTURES / "corpus"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
SEED_ARTICLE = "cityvoices/2014-1/seoul-congress-2013"

sys.path.insert(0, str(ROOT / "scripts"))


def mkdocs_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NO_MKDOCS_2_WARNING": "1", "CV_PDF": "0"})
    env.update(extra)
    return env


def build_site(config: Path, dest: Path, *, strict: bool = True, env: dict[str, str] | None = None,
               check: bool = True, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(dest)]
    if quiet and not strict:
        # `-q` raises the log level to ERROR, which hides warnings from
        # --strict's counter: a strict build must never be quiet.
        cmd.append("-q")
    if strict:
        cmd.append("--strict")
    proc = subprocess.run(cmd, cwd=config.parent, env=env or mkdocs_env(), text=True,
                          capture_output=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"mkdocs build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's docs/ built with the project's mkdocs.yml, --strict."""
    dest = tmp_path_factory.mktemp("site")
    build_site(ROOT / "mkdocs.yml", dest)
    return dest


def make_fixture_project(tmp: Path, docs: dict[str, str | bytes], *, copy_assets: bool = True) -> Path:
    """A throwaway project: the real mkdocs.yml pointed at a fixture docs tree.

    ``docs`` maps paths under docs/ to file contents. Returns the config path."""
    (tmp / "docs").mkdir(parents=True, exist_ok=True)
    for rel, content in docs.items():
        path = tmp / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if copy_assets:
        shutil.copytree(ROOT / "docs" / "assets", tmp / "docs" / "assets", dirs_exist_ok=True)
    cfg = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    cfg = cfg.replace("  - scripts/hooks.py", f"  - {ROOT / 'scripts' / 'hooks.py'}")
    (tmp / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    return tmp / "mkdocs.yml"


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
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/"

    yield start
    for httpd in servers:
        httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
