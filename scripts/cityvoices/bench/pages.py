"""Page weight: every byte Chromium fetches on a first visit to a page.

The project's own site is built twice in one run, like ``bench search``'s
"site" corpus:

- **stock**: Material + mkdocs-static-i18n with the project's Markdown
  extensions, no hooks, no overrides, no extra CSS (:func:`cityvoices.archive.stock_config`),
  ``mkdocs build``;
- **ours**: the project's ``mkdocs.yml``, ``cityvoices build --no-pdf --no-offline``;
- with ``--baseline REF`` also **REF**: the same, from the repository at git
  revision REF (its code, templates, CSS and docs: ``git archive``), to
  compare with what the site weighed before a change.

Each page is opened in a fresh browser context (empty cache) served over
local HTTP (no compression: the bytes are the files' own), and every
response is counted until the network is idle, nothing is in flight and
nothing new came for half a second (images the browser loads lazily are
counted only when it fetches them).
The article page is the one with a target: at most :data:`TARGET_ARTICLE`
bytes in either language, at 1280×800.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityvoices import archive, bench
from cityvoices.problems import EXIT_CLEAN, EXIT_FINDINGS, CityVoicesError
from cityvoices.search.probe import CHROMIUM, CHROMIUM_ARGS, serve

NAME = "pages"
SCRIPTS = Path(__file__).resolve().parents[2]
ARTICLE = "cityvoices/2014-1/seoul-congress-2013/"
#: The article page on first load, either language (today's 335 KB: issue 12).
TARGET_ARTICLE = 335_000
#: ``(label, site path)``: measured in both languages where the page exists.
PAGES = (
    ("article", ARTICLE),
    ("home", ""),
    ("issue", "cityvoices/2014-1/"),
    ("CityVoices listing", "cityvoices/"),
    ("author", "authors/brenna-foster/"),
    ("404", "404.html"),
)
KINDS = (("document", ("document",)), ("CSS", ("stylesheet",)), ("JavaScript", ("script",)),
         ("images", ("image",)), ("fonts", ("font",)))


def _env(scripts: Path = SCRIPTS) -> dict:
    import os

    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = str(scripts)
    return env


def checkout(repo: Path, ref: str, dest: Path) -> Path:
    """The tree of git revision ``ref`` of ``repo`` in ``dest`` (``git archive``)."""
    dest.mkdir(parents=True)
    archive_ = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", ref], capture_output=True)
    if archive_.returncode != 0:
        raise CityVoicesError("--baseline", 0, f"git archive {ref}: {archive_.stderr.decode(errors='replace')[:200]}",
                              "bench-args")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive_.stdout, check=True)
    return dest


def build(root: Path, ours: bool, site: Path, scripts: Path = SCRIPTS) -> float:
    cmd = ([sys.executable, "-m", "cityvoices", "build", "-q", "--no-pdf", "--no-offline", "-f",
            str(root / "mkdocs.yml")] if ours else
           [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "stock.yml")])
    cmd += ["-d", str(site)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=_env(scripts), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"build failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def prepare(work: Path, repo: Path) -> Path:
    """A project folder holding the project's docs/ and both configurations."""
    archive.write_archive(work, 0, 2013, repo)
    shutil.rmtree(work / "docs")
    shutil.copytree(repo / "docs", work / "docs")
    return work


def weigh(browser, url: str, viewport: dict) -> dict:
    """Bytes and requests of one first visit to ``url`` (fresh context)."""
    ctx = browser.new_context(viewport=viewport)
    seen: list[tuple[str, str, int]] = []
    missing: list[str] = []

    def on_response(resp) -> None:
        try:
            n = len(resp.body())
        except Exception:  # a redirect or an aborted request has no body
            n = 0
        seen.append((resp.url, resp.request.resource_type, n))
        if resp.status == 404:
            missing.append(resp.url)

    pending: set = set()
    ctx.on("request", lambda req: pending.add(req))
    ctx.on("requestfinished", lambda req: pending.discard(req))
    ctx.on("requestfailed", lambda req: pending.discard(req))
    ctx.on("response", on_response)
    try:
        page = ctx.new_page()
        resp = page.goto(url, wait_until="networkidle")
        status = resp.status if resp else 0
        # networkidle can come before a script's late requests (a busy
        # machine): go on until nothing is in flight and nothing new came
        # for half a second (at most 10 s)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            count = len(seen)
            page.wait_for_timeout(500)
            if not pending and len(seen) == count:
                break
    finally:
        ctx.close()
    out = {"status": status, "bytes": sum(n for _, _, n in seen), "requests": len(seen), "missing": missing,
           "outside": sorted({u for u, _, _ in seen if not u.startswith(url.split("/", 3)[0] + "//" +
                                                                        url.split("/", 3)[2])})}
    for label, types in KINDS:
        out[label] = sum(n for _, t, n in seen if t in types)
    out["other"] = out["bytes"] - sum(out[label] for label, _ in KINDS)
    return out


def measure(sites: dict[str, Path], viewport: dict) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for setup, site in sites.items():
                with serve(site) as base:
                    for label, rel in PAGES:
                        for lang in ("ko", "en"):
                            path = ("en/" if lang == "en" else "") + rel
                            target = site / (path if path.endswith(".html") else path + "index.html")
                            if not target.is_file():
                                continue
                            m = weigh(browser, base + path, viewport)
                            rows.append({"setup": setup, "page": label, "lang": lang, **m})
        finally:
            browser.close()
    return rows


def table(rows: list[dict]) -> str:
    out = ["| page | lang | setup | requests | total (KB) | document | CSS | JavaScript | images | fonts | other |",
           "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        out.append(f"| {r['page']} | {r['lang']} | {r['setup']} | {r['requests']} | {r['bytes'] / 1000:.0f} | "
                   + " | ".join(f"{r[k] / 1000:.1f}" for k in ("document", "CSS", "JavaScript", "images", "fonts",
                                                              "other")) + " |")
    return "\n".join(out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--width", type=int, default=1280, help="viewport width (default 1280)")
    parser.add_argument("--height", type=int, default=800, help="viewport height (default 800)")
    parser.add_argument("--baseline", default=None, metavar="REF",
                        help="also measure the site as git revision REF built it (e.g. main)")
    parser.add_argument("--workdir", default=None, help="where to build (default: a temp folder)")
    parser.add_argument("--output", default=None, help="BENCHMARKS.md to update (default: repository root)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")


def run(args: argparse.Namespace) -> int:
    if not Path(CHROMIUM).exists():
        raise CityVoicesError(CHROMIUM, 0, "not found (Debian package chromium)", "bench-chromium")
    if args.workdir and not Path(args.workdir).is_dir():
        raise CityVoicesError(args.workdir, 0, "--workdir: no such folder", "bench-args")
    repo = bench.repo_root(SCRIPTS)
    work = Path(tempfile.mkdtemp(prefix="cv-bench-pages-", dir=args.workdir))
    try:
        root = prepare(work / "project", repo)
        sites = {"stock": work / "site-stock"}
        build(root, False, sites["stock"])
        if args.baseline:
            base = checkout(repo, args.baseline, work / "baseline")
            sites[args.baseline] = work / "site-baseline"
            build(prepare(work / "project-baseline", base), True, sites[args.baseline], base / "scripts")
        sites["ours"] = work / "site-ours"
        build(root, True, sites["ours"])
        rows = measure(sites, {"width": args.width, "height": args.height})
        ours_site = sites["ours"]
        worker = {lang: (ours_site / f"assets/javascripts/cv-search/worker.{lang}.js").stat().st_size
                  for lang in ("ko", "en") if (ours_site / f"assets/javascripts/cv-search/worker.{lang}.js").exists()}
        not_found = {lang: (ours_site / path).stat().st_size for lang, path in (("ko", "404.html"), ("en", "en/404.html"))
                     if (ours_site / path).exists()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    notes, ok = [], True
    for r in rows:
        if r["outside"]:
            ok = False
            notes.append(f"- {r['setup']} {r['page']} ({r['lang']}) made requests outside the site: "
                         + ", ".join(r["outside"][:5]))
        if r["status"] != 200 and r["page"] != "404":
            ok = False
            notes.append(f"- {r['setup']} {r['page']} ({r['lang']}) answered HTTP {r['status']}")
    for lang in ("ko", "en"):
        def find(setup: str):
            return next((r for r in rows if r["setup"] == setup and r["page"] == "article" and r["lang"] == lang), None)

        ours, stock = find("ours"), find("stock")
        if ours is None:
            continue
        met = ours["bytes"] <= TARGET_ARTICLE
        ok &= met
        vs = f", stock {stock['bytes'] / 1000:.0f} KB" if stock else ""
        before = find(args.baseline) if args.baseline else None
        if before is not None:
            vs += f", {args.baseline} {before['bytes'] / 1000:.0f} KB ({(ours['bytes'] - before['bytes']) / 1000:+.1f} KB)"
        notes.append(f"- Article page ({lang}) on first load: {ours['bytes'] / 1000:.0f} KB in {ours['requests']} "
                     f"requests{vs} (target ≤ {TARGET_ARTICLE / 1000:.0f} KB: {'met' if met else 'NOT met'}).")
    art = [r for r in rows if r["setup"] == "ours" and r["page"] == "article"]
    if worker:
        notes.append("- The search worker is fetched when the reader opens the search, not on first load: "
                     + ", ".join(f"{lang} {n / 1000:.1f} KB" for lang, n in worker.items()) + ".")
    for r in art:
        if r["missing"]:
            notes.append(f"- Article ({r['lang']}): {len(r['missing'])} requests answered 404 (Material looks for a "
                         "sitemap.xml beside each `<link rel=alternate>`: hreflang and feeds), counted at this "
                         "local server's short error body; a host that answers with the site's own 404 page "
                         f"({not_found.get(r['lang'], 0) / 1000:.1f} KB) would send that much for each.")
    notes.append(f"- Every response body counted (local HTTP, no compression), fresh context per page, "
                 f"viewport {args.width}×{args.height}, until the network is idle and quiet for 0.5 s; lazily loaded "
                 "images count only when Chromium fetches them. Stock: Material + static-i18n with the "
                 "project's Markdown extensions, no hooks/overrides/extra CSS, same docs/.")
    command = "cityvoices bench pages" + (f" --baseline {args.baseline}" if args.baseline else "")
    notes.append(f"- Chromium {CHROMIUM}; machine: {bench.machine()}; command: `{command}`.")
    text = table(rows) + "\n\n" + "\n".join(notes) + "\n"
    print(text)
    if not args.no_write:
        bench.write_section(args.output or (repo / "BENCHMARKS.md"), NAME, text)
    return EXIT_CLEAN if ok else EXIT_FINDINGS
