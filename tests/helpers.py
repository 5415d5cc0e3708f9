"""Helpers shared by the tests (fixtures are in conftest.py).

Every helper that builds a site or starts Chromium first checks that the
running test carries the marker that says so (``build``, ``browser``,
``pdf``): the quick subset ``-m "not build and not browser and not pdf and
not slow"`` then provably launches neither (see conftest.py, which also
guards subprocesses and the engine's in-process builds)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable

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
#: What a test build leaves out unless it asks for it (see build_site).
QUICK = {"pdf": False, "offline": False}

#: The running test (set by conftest.py for every test).
current: list = [None]


def require(*markers: str, what: str = "") -> None:
    """Fail the running test unless it carries every one of ``markers``."""
    item = current[0]
    if item is None:
        return
    missing = [m for m in markers if item.get_closest_marker(m) is None]
    if missing:
        pytest.fail(f"{item.nodeid} {what or 'does this'} but is not marked "
                    f"{' and '.join('@pytest.mark.' + m for m in missing)}", pytrace=False)


def mkdocs_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = str(ROOT / "scripts") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def cityvoices(*args: str, cwd: Path = ROOT, timeout: float = 900, python: str = sys.executable,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m cityvoices ARGS`` in a child process (the marker guard in
    conftest.py checks what it launches)."""
    return subprocess.run([python, "-m", "cityvoices", *args], cwd=cwd, env=env or mkdocs_env(),
                          text=True, capture_output=True, timeout=timeout)


def feature_flags(off: Iterable[str]) -> list[str]:
    return [f"--no-{name}" for name in sorted(off)]


def build_site(config: Path, dest: Path, *, strict: bool = True, check: bool = True, quiet: bool = True,
               features: dict[str, bool] | None = None, serial: bool = True,
               python: str = sys.executable, env: dict[str, str] | None = None,
               ) -> subprocess.CompletedProcess[str]:
    """``cityvoices build`` of ``config`` into ``dest`` (one process, all
    languages, as ``mkdocs build``; ``serial=False``: one per language).
    ``features`` overrides the test defaults (no PDFs, no offline zip)."""
    require("build", what="builds a site")
    wanted = {**QUICK, **(features or {})}
    cmd = ["build", "-f", str(config), "-d", str(dest), *feature_flags(n for n, on in wanted.items() if not on)]
    if serial:
        cmd.append("--serial")
    if strict:
        cmd.append("--strict")
    if quiet:
        cmd.append("-q")
    proc = cityvoices(*cmd, cwd=config.parent, timeout=600, python=python, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"cityvoices build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def make_fixture_project(tmp: Path, docs: dict[str, str | bytes], *, copy_assets: bool = True,
                         features: dict[str, bool] | None = None) -> Path:
    """A throwaway project: the real mkdocs.yml pointed at a fixture docs tree.

    ``docs`` maps paths under docs/ to file contents; ``features`` sets
    ``extra.cityvoices`` switches in its mkdocs.yml. Returns the config path."""
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
    for name, on in (features or {}).items():
        cfg, n = re.subn(rf"^(    {name}:) \w+", rf"\1 {'true' if on else 'false'}", cfg, flags=re.M)
        assert n == 1, f"no extra.cityvoices.{name} in mkdocs.yml"
    (tmp / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    return tmp / "mkdocs.yml"


def tree_digest(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (to prove nothing changed)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def live_payloads(html: str) -> list[str]:
    """Elements and attributes of ``html`` that came from a hostile value
    (one calling ``alert(``) and would run: scripts and ``on*`` handlers.  A
    script whose type says it is data (JSON-LD, checked as JSON in
    test_magazine.py) does not run."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    bad = [str(s)[:80] for s in soup.find_all("script") if "alert(" in (s.string or "")
           and s.get("type", "text/javascript") in ("text/javascript", "module")]
    for el in soup.find_all(True):
        for attr, value in el.attrs.items():
            if attr.startswith("on") and "alert(" in str(value):
                bad.append(f"<{el.name} {attr}>")
    return bad


def child_pids(pid: int, *, at_least: int = 1, timeout: float = 60) -> set[int]:
    """The child processes of ``pid`` once there are ``at_least`` of them
    (a build's language processes), or those there are at ``timeout``."""
    import time

    children: set[int] = set()
    deadline = time.time() + timeout
    while time.time() < deadline and len(children) < at_least:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        children = {int(p) for p in out.split()}
        time.sleep(0.05)
    return children


# -- the language switcher's place (cityvoices.switcher, cv-chrome.js) ---------------------------

#: The block of the article at the reading line (just under the header), the
#: section it is in (the last data-cv-sec above it), and its index there.
_PLACE_JS = """() => {
  const line = document.querySelector('.md-header').getBoundingClientRect().bottom + 8
  const kids = [...document.querySelector('article.md-content__inner').children]
    .filter(k => k.getClientRects().length && !/^(SCRIPT|STYLE)$/.test(k.nodeName))
  let sec = 0, start = 0, at = null
  for (let i = 0; i < kids.length; i++) {
    const n = kids[i].getAttribute('data-cv-sec')
    if (n !== null) { sec = Number(n); start = i }
    if (kids[i].getBoundingClientRect().bottom > line) { at = i; break }
  }
  return { sec, block: at - start, text: kids[at].textContent.trim().slice(0, 80), y: scrollY }
}"""


def reading_place(page) -> dict:
    return page.evaluate(_PLACE_JS)


def scroll_to_place(page, sec: int, block: int, frac: float) -> None:
    """Scroll so that ``block`` of section ``sec`` is at the reading line,
    ``frac`` of the way into it, once the article's images have loaded (a
    lazy image that loaded after the scroll would move the text under it)."""
    page.evaluate("""() => Promise.all([...document.querySelectorAll('article img')].map(img => {
      img.loading = 'eager'
      return img.decode().catch(() => null)
    }))""")
    page.evaluate("""([sec, block, frac]) => {
      const line = document.querySelector('.md-header').getBoundingClientRect().bottom + 8
      const kids = [...document.querySelector('article.md-content__inner').children]
        .filter(k => k.getClientRects().length && !/^(SCRIPT|STYLE)$/.test(k.nodeName))
      const start = sec ? kids.findIndex(k => k.getAttribute('data-cv-sec') === String(sec)) : 0
      const el = kids[start + block], r = el.getBoundingClientRect()
      window.scrollTo(0, scrollY + r.top + Math.max(1, frac * r.height) - line)
    }""", [sec, block, frac])


def switch_language(page, lang: str) -> None:
    """Click the switcher's ``lang`` link as a reader does (a mouse click
    where it is drawn), then wait for the other page to settle."""
    box = page.locator(f".cv-lang a[hreflang={lang}]").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_load_state("load")
    settled(page)


def settled(page, timeout_ms: int = 3000) -> None:
    """Wait until the scroll position and the page height hold still for 300 ms (images that load
    after the load event move the text; the page puts the place back)."""
    last, still, waited = None, 0, 0
    while waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
        now = (page.evaluate("scrollY"), page.evaluate("document.body.scrollHeight"))
        still = still + 1 if now == last else 0
        last = now
        if still >= 3:
            return
