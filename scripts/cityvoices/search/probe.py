"""Material's search UI driven in Debian's Chromium (Playwright): type a
query as a reader does, read the result list back, judge it against the
query set (``cityvoices/search/queries.json``).  Used by ``cityvoices bench
search`` and by the search browser tests."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterator

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def load_queries() -> list[dict]:
    return json.loads((resources.files("cityvoices.search") / "queries.json").read_text(encoding="utf-8"))


# -- serving and driving Chromium --------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free local port; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_SETUP_JS = """() => {
  const meta = document.querySelector(".md-search-result__meta")
  const list = document.querySelector(".md-search-result__list")
  const input = document.querySelector("input.md-search__input")
  window.__cv = { t0: 0, t1: 0 }
  input.addEventListener("input", () => { window.__cv.t0 = performance.now(); window.__cv.t1 = 0 }, true)
  const seen = () => { if (window.__cv.t0 && !window.__cv.t1) window.__cv.t1 = performance.now() }
  new MutationObserver(seen).observe(list, { childList: true })
  new MutationObserver(seen).observe(meta, { childList: true, characterData: true, subtree: true })
}"""

_READY_JS = """() => {
  const config = JSON.parse(document.getElementById("__config").textContent)
  const meta = document.querySelector(".md-search-result__meta")
  return meta && meta.textContent.trim() === config.translations["search.result.placeholder"]
}"""

_RESULTS_JS = """() => [...document.querySelectorAll(".md-search-result__list > li")].map(li =>
  [...li.querySelectorAll("a.md-search-result__link")].map(a =>
    [a.href, parseFloat(a.querySelector("article").dataset.mdScore)]))"""


@dataclass
class Result:
    groups: list[list[tuple[str, float]]]  # pages in order; (location, score) per entry
    ms: float
    bytes_total: int = 0
    bytes_search: int = 0


def location(href: str, base: str) -> str:
    """``page/#section`` relative to the site root, ``?h=`` dropped, fragment decoded."""
    url = urllib.parse.urlsplit(href)
    path = urllib.parse.unquote(url.path)
    root = urllib.parse.unquote(urllib.parse.urlsplit(base).path)
    if path.startswith(root):
        path = path[len(root):]
    frag = urllib.parse.unquote(url.fragment)
    return path + ("#" + frag if frag else "")


class Browser:
    """One Chromium; a page per language, reused across queries, as a
    reader who searches several times."""

    def __init__(self, base: str, browser=None) -> None:
        self.base = base
        self._pw = None
        if browser is None:
            from playwright.sync_api import sync_playwright

            self._pw = sync_playwright().start()
            browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.browser = browser
        self._pages: dict[str, object] = {}
        self._contexts: list = []

    def close(self) -> None:
        for ctx in self._contexts:
            ctx.close()
        if self._pw is not None:
            self.browser.close()
            self._pw.stop()

    def open(self, lang: str, context=None, timeout: float = 180_000):
        if context is None:
            context = self.browser.new_context()
            self._contexts.append(context)
        page = context.new_page()
        url = self.base + ("en/" if lang == "en" else "")
        page.goto(url + ("index.html" if url.startswith("file:") else ""))
        page.evaluate(_SETUP_JS)
        page.click("input.md-search__input")
        page.wait_for_function(_READY_JS, timeout=timeout)
        return page

    def page(self, lang: str):
        if lang not in self._pages:
            self._pages[lang] = self.open(lang)
        return self._pages[lang]

    @staticmethod
    def type(page, text: str) -> None:
        """Type as a reader: Latin keys as key presses; Hangul syllables as an
        IME commits them (text inserted, then a keyup, which Material reads)."""
        for ch in text:
            if ch.isascii():
                page.keyboard.type(ch)
            else:
                page.keyboard.insert_text(ch)
                page.evaluate("""() => document.querySelector("input.md-search__input")
                  .dispatchEvent(new KeyboardEvent("keyup", { bubbles: true, key: "Process" }))""")

    def query(self, page, q: str, timeout: float = 30_000) -> Result:
        box = page.locator("input.md-search__input")
        box.fill("")
        box.dispatch_event("keyup")
        page.wait_for_timeout(120)
        if len(q) > 1:
            self.type(page, q[:-1])
            page.wait_for_timeout(250)
        page.evaluate("() => { window.__cv.t0 = 0; window.__cv.t1 = 0 }")
        self.type(page, q[-1])
        page.wait_for_function("() => window.__cv.t1 > 0", timeout=timeout)
        page.wait_for_timeout(30)
        ms = page.evaluate("() => window.__cv.t1 - window.__cv.t0")
        raw = page.evaluate(_RESULTS_JS)
        groups = [[(location(h, self.base), s) for h, s in g] for g in raw]
        return Result(groups, ms)

    def session(self, lang: str, q: str) -> Result:
        """A fresh reader: empty cache, page load, one query; bytes counted."""
        ctx = self.browser.new_context()
        sizes: list[tuple[str, int]] = []

        def on_response(resp) -> None:
            try:
                n = int(resp.headers.get("content-length") or len(resp.body()))
            except Exception:
                n = 0
            sizes.append((resp.url, n))

        ctx.on("response", on_response)
        try:
            page = self.open(lang, ctx)
            res = self.query(page, q)
        finally:
            ctx.close()
        res.bytes_total = sum(n for _, n in sizes)
        res.bytes_search = sum(n for u, n in sizes if "/search/" in u or "cv-search" in u
                               or "/workers/" in u or "/lunr/" in u)
        return res


# -- scoring -----------------------------------------------------------------------------------

@dataclass
class Score:
    n: int = 0
    found: int = 0
    rr: float = 0.0
    section_ok: int = 0
    section_n: int = 0
    misses: list[str] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)


def judge(query: dict, groups: list[list[tuple[str, float]]], relevant_extra: set[str] = frozenset()) -> dict:
    """Rank of the first relevant page (1-based, 0 = not in the first 10)
    and, for an expected page, whether its best-scored entry is one of the
    expected sections."""
    expect = query["expect"]
    for rank, group in enumerate(groups[:10], 1):
        page = group[0][0].split("#", 1)[0] if group else ""
        if page in expect or page in relevant_extra:
            section = None
            if page in expect:
                best = max(group, key=lambda e: e[1])[0]
                section = (best.split("#", 1)[1] if "#" in best else "") in expect[page]
            return {"rank": rank, "section": section}
    return {"rank": 0, "section": None}
