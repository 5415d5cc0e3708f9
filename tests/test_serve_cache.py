"""`cityvoices serve` builds again through the warm-build cache after a
saved edit: the listings and the search index are fresh, and only the pages
the edit touches are rendered.  In-process (the session's own rebuild, what
the live-reload server calls), on a small archive."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from helpers import mkdocs_env

from cityvoices import archive
from cityvoices.bench.build import free_port
from cityvoices.integrations import engine

pytestmark = pytest.mark.build

WORD = "Zyxwarmtestword"


def _search_text(site: Path, lang: str) -> str:
    folder = site / ("" if lang == "ko" else "") / "assets" / "javascripts" / "cv-search" / lang
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("d-*.js")))


def test_serve_rebuild_refreshes_listings_and_search(tmp_path: Path) -> None:
    root = tmp_path / "project"
    archive.write_archive(root, 4)
    session = engine.ServeSession(root / "mkdocs.yml", tmp_path / "work", host="127.0.0.1", port=8765,
                                  features={"pdf": False, "offline": False})
    try:
        session.full_build()
        site = session.site_dir
        assert session.sites and (site / "index.html").is_file()
        assert WORD not in _search_text(site, "en")
        src = next((root / "docs").glob("*/*/pub-00000/index.en.md"))
        folder = src.parent.relative_to(root / "docs").as_posix()

        # a body edit: that publication's pages and the lists, the rest from the cache
        text = src.read_text(encoding="utf-8")
        src.write_text(re.sub(r"^(## .*)$", rf"\1\n\nA sentence with {WORD.lower()} in it.", text, count=1,
                              flags=re.M), encoding="utf-8")
        session.rebuild()
        report = engine.cache_report()
        assert report is not None and report["from_cache"] > 0
        assert f"{folder}/index.en.md" in report["rendered"]
        assert not [u for u in report["rendered"] if "/pub-" in u and not u.removeprefix("en/").startswith(folder)]
        assert WORD.lower() in _search_text(site, "en")  # the search index is fresh
        assert WORD.lower() in (site / "en" / folder / "index.html").read_text(encoding="utf-8")

        # a title edit: the listing shows it
        text = src.read_text(encoding="utf-8")
        src.write_text(re.sub(r"^title: .*$", f'title: "Fresh title {WORD}"', text, count=1, flags=re.M),
                       encoding="utf-8")
        session.rebuild()
        listing = site / "en" / folder.split("/")[0] / "index.html"
        assert f"Fresh title {WORD}" in listing.read_text(encoding="utf-8")

        session.rebuild()  # nothing changed: every page from the cache
        report = engine.cache_report()
        assert report["rendered"] == [] and report["from_cache"] == report["pages"]
    finally:
        session.close()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as resp:
        return resp.read()


def _when_served(url: str, alive, timeout: float = 120) -> bytes:
    """``url``'s body, once the server listens (``alive()``: it still runs)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _get(url)
        except urllib.error.URLError:
            assert time.monotonic() < deadline and alive(), f"{url}: the server never answered"
            time.sleep(0.1)


def _pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "got.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.pdf
def test_serve_makes_the_pdfs_after_the_pages_and_a_pdf_request_waits_for_them(tmp_path: Path) -> None:
    root = tmp_path / "project"
    archive.write_archive(root, 2)
    port = free_port()
    session = engine.ServeSession(root / "mkdocs.yml", tmp_path / "work", host="127.0.0.1", port=port,
                                  features={"offline": False})
    src = next((root / "docs").glob("*/*/pub-00000/index.en.md"))
    folder = src.parent.relative_to(root / "docs").as_posix()
    base = f"http://127.0.0.1:{port}/"
    server = threading.Thread(target=session.serve, daemon=True)
    try:
        session.full_build()
        # the build returned with the pages; the PDFs are made apart from it
        assert (session.site_dir / "en" / folder / "index.html").is_file()
        assert session.editions is not None
        server.start()
        page = _when_served(base + f"en/{folder}/", server.is_alive).decode("utf-8")
        href = re.search(r'<a class="cv-pdf" href="([^"]+)"', page).group(1)
        pdf_url = urllib.parse.urljoin(base + f"en/{folder}/", href)
        first = _get(pdf_url)  # waits until the PDFs are made
        assert first.startswith(b"%PDF")
        assert WORD not in _pdf_text(first, tmp_path)

        # a saved edit: the page shows it, and the PDF asked for after it is the new one
        text = src.read_text(encoding="utf-8")
        src.write_text(re.sub(r"^(## .*)$", rf"\1\n\nA sentence with {WORD} in it.", text, count=1, flags=re.M),
                       encoding="utf-8")
        deadline = time.monotonic() + 120
        while WORD not in _get(base + f"en/{folder}/").decode("utf-8"):
            assert time.monotonic() < deadline, "the edit never showed"
            time.sleep(0.2)
        assert WORD in _pdf_text(_get(pdf_url), tmp_path)
    finally:
        session.stop()
        server.join(timeout=30)
        session.close()
    assert not server.is_alive()


def _processes_naming(text: str) -> list[int]:
    """The processes whose command line holds ``text`` (procps' ``ps``)."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,args="], capture_output=True, text=True, check=True).stdout
    return [int(pid) for pid, _, args in (line.strip().partition(" ") for line in out.splitlines())
            if text in args and not args.startswith("ps ")]


@pytest.mark.pdf
def test_a_killed_serve_leaves_no_worker_and_no_temporary_folder(tmp_path: Path) -> None:
    root = tmp_path / "project"
    archive.write_archive(root, 6)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    cfg = str(root / "mkdocs.yml")
    proc = subprocess.Popen([sys.executable, "-m", "cityvoices", "serve", "-f", cfg, "-a", f"127.0.0.1:{port}",
                             "--no-offline"], cwd=root, env=mkdocs_env(TMPDIR=str(tmp)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _when_served(f"http://127.0.0.1:{port}/", lambda: proc.poll() is None)  # the PDFs are being made
        deadline = time.monotonic() + 60
        while not [pid for pid in _processes_naming(cfg) if pid != proc.pid]:  # the PDF workers
            assert time.monotonic() < deadline and proc.poll() is None, "no PDF worker started"
            time.sleep(0.05)
        assert list(tmp.glob("cityvoices-serve-*"))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while _processes_naming(cfg) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_naming(cfg) == []
        assert list(tmp.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _processes_naming(cfg):
            os.kill(pid, signal.SIGKILL)
