"""EPUB editions: seconds per publication, a run with nothing changed
against a full run, 1 against 2 worker processes, per-phase times, and
whether two builds give byte-identical files.

The archive is :mod:`cityvoices.archive` (generated bilingual publications
from the seed, with issues, newsletters, reports and placeholder figures).
Each publication gets an EPUB per language, every issue one per language.
Full runs start from an empty cache; the worker counts alternate over the
repeats because the 2 cores are shared.  The reference in the same run is
the PDF path on one article (the seed in Korean, WeasyPrint), the other
edition a reader can download.  Target: a run with nothing changed takes at
most 5% of a full run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cityvoices import archive, bench, catalog, urls
from cityvoices.bench import pdf as pdf_bench
from cityvoices.epub import runner
from cityvoices.pdf import runner as pdf_runner
from cityvoices.problems import EXIT_CLEAN, EXIT_FINDINGS

NAME = "epub"
TARGET_UNCHANGED = 0.05


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--publications", type=int, default=200, help="synthetic publications (default 200)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, comma-separated (default 1,2)")
    parser.add_argument("--repeat", type=int, default=2, help="full runs per worker count (default 2; best kept)")
    parser.add_argument("--seed", type=int, default=2013, help="random seed of the generator")
    parser.add_argument("--output", default=None, help="BENCHMARKS.md to update (default: at the repository root)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.epub"))}


def run(args: argparse.Namespace) -> int:
    from cityvoices.integrations import engine

    root = bench.repo_root()
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    with tempfile.TemporaryDirectory(prefix="cv-bench-epub-") as tmp:
        work = Path(tmp)
        summary = archive.write_archive(work / "project", args.publications, args.seed)
        settings = engine.load_site(work / "project" / "mkdocs.yml")
        sources = runner.read_sources(settings)
        full: dict[int, float] = {}
        phases: dict[int, dict[str, float]] = {}
        made = 0
        failed: list[str] = []
        outputs: dict[int, dict[str, bytes]] = {}
        probes: list[float] = []
        for r in range(args.repeat):
            if max(workers) > 1:  # what the machine offers right now (2.0: both cores free)
                probes.append(pdf_bench.core_probe(max(workers)))
            for n in sorted(workers, reverse=bool(r % 2)):
                out, cache = work / f"out-{n}-{r}", work / f"cache-{n}-{r}"
                catalog._PARSED.clear()  # as a fresh `cityvoices epub` parses the front matter
                t0 = time.perf_counter()
                result = runner.build_epubs(sources, settings, out, cache_dir=cache, workers=n, progress=False)
                seconds = time.perf_counter() - t0
                failed += result.failed
                made = len(result.made)
                if seconds < full.get(n, float("inf")):
                    full[n], phases[n] = seconds, dict(result.phases)
                outputs.setdefault(n, _tree(out))
                print(f"full run {r + 1}/{args.repeat}, {n} worker(s): {seconds:.2f} s, {made} EPUBs", flush=True)
        last = max(workers)
        unchanged_runs = []
        for _ in range(3):  # best of 3: the machine is shared
            catalog._PARSED.clear()
            t0 = time.perf_counter()
            again = runner.build_epubs(sources, settings, work / f"out-{last}-0", cache_dir=work / f"cache-{last}-0",
                                       workers=last, progress=False)
            unchanged_runs.append(time.perf_counter() - t0)
            assert not again.made and len(again.cached) == made, (again.made, len(again.cached))
        unchanged = min(unchanged_runs)
        print(f"run with nothing changed: {unchanged:.3f} s", flush=True)
        identical = len({tuple(sorted(o.items())) for o in outputs.values()}) == 1
        size = sum(len(b) for b in outputs[last].values())
        # one edited article: its EPUB and its issue's
        first = next(rel for rel, _ in sources if rel.startswith("cityvoices/") and "/pub-" in rel)
        edited = [(rel, text.replace("\n\n", "\n\nEdited. ", 1) if rel == first else text) for rel, text in sources]
        catalog._PARSED.clear()
        t0 = time.perf_counter()
        one = runner.build_epubs(edited, settings, work / f"out-{last}-0", cache_dir=work / f"cache-{last}-0",
                                 workers=last, progress=False)
        one_seconds = time.perf_counter() - t0
        # the reference: the seed article in Korean, as EPUB and as PDF
        base = engine.load_site(root / "mkdocs.yml")
        seed_sources = runner.read_sources(base)
        seed = "cityvoices/2014-1/seoul-congress-2013/index.ko.md"
        only = lambda src: src == seed  # noqa: E731
        t0 = time.perf_counter()
        runner.build_epubs(seed_sources, base, work / "seed-epub", cache_dir=work / "seed-epub-cache", workers=1,
                           progress=False, only=only)
        seed_epub = time.perf_counter() - t0
        jobs, _ = pdf_runner.plan(seed_sources, base, only=only)
        job = next(j for j in jobs if j.name == urls.pdf_name("cityvoices/2014-1/seoul-congress-2013", "ko"))
        pdf_runner.render_pdf(job.html, job.folders)  # warm up fonts and imports
        t0 = time.perf_counter()
        _, pages, _, _ = pdf_runner.render_pdf(job.html, job.folders)
        seed_pdf = time.perf_counter() - t0
    pubs = args.publications
    ratio = unchanged / full[last]
    ok = ratio <= TARGET_UNCHANGED and not failed and identical
    rows = [
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| publications (synthetic, ko+en; {summary['sources']} sources) | {pubs} | |",
        f"| EPUBs in a full run (each publication ×2, each issue ×2) | {made} ({size / 1e6:.1f} MB) | |",
    ]
    for n in sorted(workers):
        p = phases[n]
        rows.append(f"| full run, {n} worker(s) | {full[n]:.2f} s = {full[n] / pubs * 1000:.1f} ms per publication "
                    f"(plan {p['plan']:.2f} s, articles {p['articles']:.2f} s, packages {p['packages']:.2f} s, "
                    f"install {p['install']:.2f} s) | |")
    if probes:
        rows.append(f"| CPU-bound probe, 1 → {last} processes, during the runs (2.0 = cores free) | "
                    f"{sum(probes) / len(probes):.2f}× | |")
    if 1 in full and last != 1:
        rows.append(f"| speed-up 1 → {last} workers | {full[1] / full[last]:.2f}× | |")
    rows += [
        f"| run with nothing changed ({last} workers; reads, hashes, copies) | {unchanged:.3f} s = {ratio:.1%} of a "
        f"full run | ≤ {TARGET_UNCHANGED:.0%} {'✓' if ratio <= TARGET_UNCHANGED else '✗'} |",
        f"| one article edited ({len(one.made)} EPUBs remade) | {one_seconds:.2f} s | |",
        f"| two full runs ({', '.join(map(str, sorted(workers)))} workers) byte-identical | "
        f"{'yes' if identical else 'NO'} ({made} files) | yes {'✓' if identical else '✗'} |",
        f"| reference, the seed article (ko): EPUB, whole run for it | {seed_epub:.2f} s | |",
        f"| reference, the seed article (ko): PDF, WeasyPrint render only | {seed_pdf:.2f} s ({pages} pages) | |",
        f"| load average (1 min) at the end, 2 cores | {os.getloadavg()[0]:.1f} | |",
    ]
    text = "\n".join([
        f"`cityvoices bench epub --publications {pubs} --workers {args.workers}` — "
        f"{bench.machine().replace(', one process, one thread', '')}; zipfile + lxml (no EPUB library).",
        "",
        *rows,
        "",
        f"Best of {args.repeat} full runs per worker count (empty cache each, the counts alternating; the 2 cores "
        "are shared with other jobs, so the speed-up is a floor) and best of 3 unchanged runs. A full run renders "
        "each article once (Markdown → print HTML → XHTML) even when its issue's EPUB holds it too, then packages; "
        "a run with nothing changed renders no Markdown and parses no front matter: it hashes the sources, the "
        "code and the publication folders, finds them as the last full run planned them (the plan is kept in "
        ".cache/epub/manifest.json), and copies the EPUBs from the cache. Every run starts with a cold "
        "front-matter cache, as a new `cityvoices epub` process does.",
    ])
    print(text)
    if failed:
        print(f"failed EPUBs: {sorted(set(failed))}")
    if not args.no_write:
        out = Path(args.output) if args.output else root / "BENCHMARKS.md"
        bench.write_section(out, "epub", text)
        print(f"wrote the 'epub' section of {out}")
    return EXIT_CLEAN if ok else EXIT_FINDINGS
