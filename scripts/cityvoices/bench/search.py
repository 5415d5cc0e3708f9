"""Search: stock Material search against ours, in real Chromium, same run.

The query set (``cityvoices/search/queries.json``: Korean and English
queries, each with the pages and sections that answer it) is typed into the
search box of the site's own pages, served over HTTP, in Debian's Chromium:

- **site**: the project's docs/ alone (every query has a known answer);
- **archive**: the project's pages plus N generated bilingual publications
  (:mod:`cityvoices.synth`, via :func:`cityvoices.bench.build.write_archive`).
  Generated text reuses the seed's sentences, so a query is also answered by
  any generated page whose Markdown contains the word (spaces ignored): an
  oracle on the source, independent of either search engine.

Stock: Material search + static-i18n, no hooks, no overrides (the stock
configuration of ``bench build``), ``mkdocs build``.  Ours: the project's
configuration, ``cityvoices build``.

Reported per setup and language: recall@10 (a relevant page among the first
ten shown), MRR, right section at rank 1 (the best-scored entry of the first
expected page shown is one of its expected sections), bytes downloaded from
page load through the first results (fresh browser context, everything and
the search part), keystroke-to-results time (median, p95: from the input
event of the last character to the result list changing), index bytes per
language, build time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityvoices import archive, bench
from cityvoices.problems import EXIT_CLEAN, EXIT_FINDINGS, CityVoicesError
from cityvoices.search import analyze
from cityvoices.search.probe import (  # noqa: F401 - the bench's vocabulary
    CHROMIUM, CHROMIUM_ARGS, Browser, Result, Score, judge, load_queries, serve,
)

NAME = "search"
SCRIPTS = Path(__file__).resolve().parents[2]
#: The project's real publications, copied into every archive.
REAL_PUBLICATIONS = ("cityvoices/2014-1/seoul-congress-2013", "newsletters/2013-12/secretariat-news",
                     "reports/2013-seoul-congress/congress-in-numbers")
TARGETS = {"recall_ko": 0.97, "recall_en": 0.95, "section": 0.90, "bytes": 1_000_000, "ms": 100.0,
           "build_share": 0.25}


def score(queries: list[dict], results: list[Result], extra: list[set[str]] | None = None) -> Score:
    s = Score()
    for i, (q, r) in enumerate(zip(queries, results)):
        j = judge(q, r.groups, extra[i] if extra else frozenset())
        s.n += 1
        s.ms.append(r.ms)
        if j["rank"]:
            s.found += 1
            s.rr += 1 / j["rank"]
            if j["section"] is not None:
                s.section_n += 1
                s.section_ok += bool(j["section"])
        else:
            s.misses.append(q["q"])
    return s


def oracle_pages(query: dict, sources: dict[str, str]) -> set[str]:
    """Generated pages whose Markdown contains every word of the query
    (Korean: its stem; Latin: its stem as a prefix; spaces ignored; the
    ``fix`` spelling for typo queries)."""
    text_q = query.get("fix", query["q"])
    forms = []
    for tok, _, _ in analyze.tokens(analyze.normalize(text_q)):
        forms.append(analyze.ko_stem(tok) if analyze.RE_HANGUL.match(tok) else analyze.en_stem(tok))
    whole = "".join(forms) if query["kind"] in ("compound-whole", "spacing") else None
    out = set()
    for rel, text in sources.items():
        m = re.match(r"(.*/)index\.(ko|en)\.md$", rel)
        if not m or m.group(2) != query["lang"]:
            continue
        flat = analyze.normalize(text).replace(" ", "").replace("\n", "")
        if (whole and whole in flat) or (not whole and all(f in flat for f in forms)):
            out.add(("en/" if query["lang"] == "en" else "") + m.group(1))
    return out


# -- building ----------------------------------------------------------------------------------

def _env(extra: dict | None = None) -> dict:
    import os

    env = dict(os.environ)
    env.update({"NO_MKDOCS_2_WARNING": "1"})
    env["PYTHONPATH"] = str(SCRIPTS) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


def build(root: Path, config: str, site: Path, ours: bool, extra_env: dict | None = None) -> float:
    cmd = ([sys.executable, "-m", "cityvoices", "build", "-q", "--no-pdf", "--no-offline"] if ours
           else [sys.executable, "-m", "mkdocs", "build", "-q"])
    cmd += ["-f", str(root / config), "-d", str(site)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=_env(extra_env), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"build failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def prepare(work: Path, n: int, seed: int, repo: Path) -> dict[str, str]:
    """A project folder with our pages, the real publications and ``n``
    generated ones (``n`` may be 0); returns the generated sources."""
    archive.write_archive(work, n, seed, repo)
    for rel in REAL_PUBLICATIONS:
        shutil.copytree(repo / "docs" / rel, work / "docs" / rel, dirs_exist_ok=True)
    return archive.archive_files(n, seed) if n else {}


def index_bytes(site: Path) -> dict[str, dict[str, int]]:
    out = {}
    stock = site / "search" / "search_index.json"
    if stock.exists():
        out["stock"] = {"bytes": stock.stat().st_size, "files": 1}
    for lang in ("ko", "en"):
        d = site / "assets" / "javascripts" / "cv-search" / lang
        if d.exists():
            files = list(d.iterdir())
            out[lang] = {"bytes": sum(f.stat().st_size for f in files), "files": len(files)}
    return out


# -- running -----------------------------------------------------------------------------------

def run_setup(site: Path, queries: list[dict], sessions: int) -> dict:
    with serve(site) as base:
        b = Browser(base)
        try:
            results = [b.query(b.page(q["lang"]), q["q"]) for q in queries]
            sess: dict[str, list[Result]] = {"ko": [], "en": []}
            for lang in ("ko", "en"):
                for q in [q for q in queries if q["lang"] == lang][:sessions]:
                    sess[lang].append(b.session(lang, q["q"]))
        finally:
            b.close()
    return {"results": results, "sessions": sess}


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]


def report(label: str, queries: list[dict], run: dict, extra: list[set[str]] | None) -> list[dict]:
    rows = []
    for lang in ("ko", "en"):
        idx = [i for i, q in enumerate(queries) if q["lang"] == lang]
        s = score([queries[i] for i in idx], [run["results"][i] for i in idx],
                  [extra[i] for i in idx] if extra else None)
        sess = run["sessions"][lang]
        rows.append({
            "setup": label, "lang": lang, "n": s.n, "recall": s.found / max(1, s.n),
            "mrr": s.rr / max(1, s.n), "section": s.section_ok / max(1, s.section_n),
            "ms_median": statistics.median(s.ms) if s.ms else float("nan"), "ms_p95": _pct(s.ms, 0.95),
            "bytes_total": statistics.median([r.bytes_total for r in sess]) if sess else 0,
            "bytes_search": statistics.median([r.bytes_search for r in sess]) if sess else 0,
            "misses": s.misses,
        })
    return rows


def table(rows: list[dict]) -> str:
    out = ["| corpus | setup | lang | queries | recall@10 | MRR | section@1 | keystroke→results median / p95 "
           "| downloaded per session (all / search) |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['corpus']} | {r['setup']} | {r['lang']} | {r['n']} | {r['recall']:.3f} | {r['mrr']:.3f} "
                   f"| {r['section']:.3f} | {r['ms_median']:.0f} / {r['ms_p95']:.0f} ms "
                   f"| {r['bytes_total'] / 1e3:,.0f} kB / {r['bytes_search'] / 1e3:,.0f} kB |")
    return "\n".join(out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pubs", default="500", help="archive sizes, comma-separated (default 500; 0 = site only)")
    parser.add_argument("--seed", type=int, default=2013, help="random seed of the generator")
    parser.add_argument("--sessions", type=int, default=5,
                        help="fresh-browser sessions per language for the bytes measurement (default 5)")
    parser.add_argument("--lang", choices=("ko", "en"), default=None, help="only this language's queries")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries per language")
    parser.add_argument("--workdir", default=None, help="where to build (default: a temp folder)")
    parser.add_argument("--output", default=None, help="BENCHMARKS.md to update (default: repository root)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")


def run(args: argparse.Namespace) -> int:
    try:
        sizes = [0] + [int(s) for s in str(args.pubs).split(",") if s.strip() and int(s) > 0]
    except ValueError:
        raise CityVoicesError("--pubs", 0, f"needs numbers, like 500 or 500,2000, not {args.pubs!r}",
                              "bench-args") from None
    if not Path(CHROMIUM).exists():
        raise CityVoicesError(CHROMIUM, 0, "not found (Debian package chromium)", "bench-chromium")
    if args.workdir and not Path(args.workdir).is_dir():
        raise CityVoicesError(args.workdir, 0, "--workdir: no such folder", "bench-args")
    queries = load_queries()
    if args.lang:
        queries = [q for q in queries if q["lang"] == args.lang]
    if args.limit:
        queries = [q for lang in ("ko", "en") for q in [q for q in queries if q["lang"] == lang][:args.limit]]
    repo = bench.repo_root(SCRIPTS)
    work = Path(tempfile.mkdtemp(prefix="cv-bench-search-", dir=args.workdir))
    rows: list[dict] = []
    builds: list[str] = []
    build_share: list[float] = []
    sizes_md: list[str] = []
    try:
        for n in sizes:
            corpus = "site" if n == 0 else f"site + {n} publications"
            root = work / f"n{n}"
            sources = prepare(root, n, args.seed, repo)
            extra = [oracle_pages(q, sources) for q in queries] if n else None
            t_stock = build(root, "stock.yml", root / "site-stock", ours=False)
            stats = root / "search-stats.jsonl"
            t_ours = build(root, "mkdocs.yml", root / "site-ours", ours=True, extra_env={"CV_SEARCH_STATS": str(stats)})
            spent = [json.loads(line) for line in stats.read_text(encoding="utf-8").splitlines()]
            cpu = sum(x["seconds"] for x in spent)
            wall = max(x["seconds"] for x in spent)  # languages build in parallel processes
            builds.append(f"| {corpus} | {t_stock:.1f} s | {t_ours:.1f} s | "
                          + ", ".join(f"{x['lang']} {x['seconds']:.2f} s" for x in spent)
                          + f" | {wall / t_stock:.1%} (wall) / {cpu / t_stock:.1%} (CPU) |")
            if n:  # the target is for archives; at site scale fixed costs and noise dominate
                build_share.append(wall / t_stock)
            stock_size = index_bytes(root / "site-stock")["stock"]
            ours_size = index_bytes(root / "site-ours")
            sizes_md.append(f"| {corpus} | {stock_size['bytes'] / 1e3:,.0f} kB (one file, both languages) | "
                            + " | ".join(f"{ours_size[lang]['bytes'] / 1e3:,.0f} kB in {ours_size[lang]['files']} files"
                                         for lang in ("ko", "en")) + " |")
            for label, site in (("stock", root / "site-stock"), ("ours", root / "site-ours")):
                t0 = time.perf_counter()
                res = run_setup(site, queries, args.sessions)
                for row in report(label, queries, res, extra):
                    row["corpus"] = corpus
                    rows.append(row)
                print(f"{corpus}, {label}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    verdict = []
    ok = True
    for r in rows:
        if r["setup"] != "ours":
            continue
        want = TARGETS["recall_ko" if r["lang"] == "ko" else "recall_en"]
        checks = [("recall@10", r["recall"] >= want, f"≥ {want}"), ("section@1", r["section"] >= TARGETS["section"],
                  f"≥ {TARGETS['section']}"), ("bytes/session", r["bytes_search"] <= TARGETS["bytes"], "≤ 1 MB"),
                  ("median keystroke→results", r["ms_median"] <= TARGETS["ms"], "≤ 100 ms")]
        bad = [f"{name} (target {t})" for name, good, t in checks if not good]
        ok &= not bad
        verdict.append(f"- {r['corpus']}, {r['lang']}: " + ("all targets met" if not bad else "NOT met: " + ", ".join(bad))
                       + (f"; missed: {', '.join(r['misses'])}" if r["misses"] else ""))
    for share in build_share:
        if share > TARGETS["build_share"]:
            ok = False
            verdict.append(f"- search indexing takes {share:.0%} of a stock build (target ≤ 25%): NOT met")
    for r in rows:
        if r["setup"] == "stock" and r["misses"]:
            verdict.append(f"- stock misses, {r['corpus']}, {r['lang']} ({len(r['misses'])}): {', '.join(r['misses'])}")
    nko = sum(q["lang"] == "ko" for q in queries)
    text = "\n".join([
        table(rows), "",
        "| corpus | stock build | our build | our search indexing, per language | search indexing / stock build |",
        "|---|---:|---:|---|---:|", *builds, "",
        "| corpus | stock index | ours, Korean | ours, English |", "|---|---:|---:|---:|", *sizes_md, "",
        *verdict, "",
        f"- Queries: {nko} Korean, {len(queries) - nko} English (`scripts/cityvoices/search/queries.json`): bare "
        "nouns, particle- or ending-typed forms, compound parts and wholes, spacing variants, loanwords, names, "
        "Latin terms on Korean pages; English inflections, prefixes, one-typo queries. Typed on the language's "
        "home page in one browser page per language (the reader searches several times).",
        "- recall@10: a relevant page among the first ten pages shown; at archive scale a generated page is "
        "relevant when its Markdown contains the query's words (spaces ignored). section@1: among hits on an "
        "expected page, its best-scored entry is an expected section. MRR over all queries.",
        "- Downloaded: median over fresh-browser sessions (page load, open search, type one query, first "
        f"results; {args.sessions} per language), all responses / the search part (index, worker, shards, "
        "lunr). Timing: `input` event of the last character to the result list changing "
        "(Material's UI, both setups).",
        f"- Chromium {CHROMIUM}; machine: {bench.machine()}, shared with other work; command: "
        f"`cityvoices bench search --pubs {args.pubs}`.",
    ]) + "\n"
    print(text)
    if not args.no_write:
        bench.write_section(args.output or (repo / "BENCHMARKS.md"), NAME, text)
    return EXIT_CLEAN if ok else EXIT_FINDINGS
