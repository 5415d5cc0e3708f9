"""Side-by-side pages at archive scale: what aligning every publication, and
the whole feature, add to the site build.

For each size N, the synthetic archive of :mod:`cityvoices.archive` (N
bilingual publications from the seed, over issues, newsletters and reports)
is built with our configuration (``cityvoices build``, one process per
language, PDFs and the offline copy off), alternately

- **on**: ``extra.cityvoices.parallel`` on (the default): every publication
  aligned, its side-by-side page made in both language sites;
- **off**: the same build with ``--no-parallel``.

The build's side-by-side module reports, per language process
(``CV_SIDE_BY_SIDE_STATS``), the time it spent aligning (extracting a text
when the check's extraction cannot be reused, and the alignment itself) and
making the pages (normalizing the other language's text as its own page
does, cutting the article's rendering into rows, rendering the other
language, laying the page out).  The two language
processes run at the same time, so a phase's share of the wall time is the
longer of the two over the build's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from cityvoices import bench
from cityvoices.archive import write_archive
from cityvoices.bench.build import _run_child, site_metrics
from cityvoices.problems import EXIT_CLEAN, EXIT_FINDINGS

NAME = "side-by-side"
#: Aligning every publication adds at most this share to the site build (at 2,000).
TARGET_ALIGN_SHARE = 0.05


def build(root: Path, site: Path, *, on: bool, stats: Path) -> float:
    cmd = [sys.executable, "-m", "cityvoices", "build", "-q", "--no-pdf", "--no-offline",
           "-f", str(root / "mkdocs.yml"), "-d", str(site)] + ([] if on else ["--no-parallel"])
    stats.unlink(missing_ok=True)
    os.environ["CV_SIDE_BY_SIDE_STATS"] = str(stats)
    try:
        seconds, _usage = _run_child(cmd, root, "cityvoices build")
    finally:
        del os.environ["CV_SIDE_BY_SIDE_STATS"]
    return seconds


def measure(n: int, seed_value: int, work: Path, rounds: int) -> dict:
    root = work / f"n{n}"
    write_archive(root, n, seed_value)
    best: dict[str, float] = {}
    phases: list[dict] = []
    pages = {}
    for r in range(rounds):
        for setup in (("on", "off") if r % 2 == 0 else ("off", "on")):
            site = work / f"site-{setup}"
            shutil.rmtree(site, ignore_errors=True)
            stats = work / "stats.jsonl"
            seconds = build(root, site, on=setup == "on", stats=stats)
            if setup == "on":
                found = [json.loads(line) for line in stats.read_text(encoding="utf-8").splitlines()]
                phases.append({"seconds": seconds, "langs": found})
                pages["on"] = site_metrics(site)["pages"]
            elif stats.exists():
                raise RuntimeError("--no-parallel still made side-by-side pages")
            else:
                pages["off"] = site_metrics(site)["pages"]
            best[setup] = min(best.get(setup, float("inf")), seconds)
            shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    fastest = min(phases, key=lambda p: p["seconds"])
    langs = fastest["langs"]
    return {"n": n, "on": best["on"], "off": best["off"], "pages": pages,
            "align": max(x["align_seconds"] for x in langs), "align_only": max(x["align_only_seconds"] for x in langs),
            "page": max(x["page_seconds"] for x in langs), "generated": sum(x["pages"] for x in langs),
            "on_seconds": fastest["seconds"]}


def table(rows: list[dict]) -> str:
    out = ["| N | build, side-by-side off (s) | on (s) | whole feature | side-by-side pages | aligning (s) "
           "| of which the alignment itself (s) | aligning / build | making the pages (s) |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        out.append(f"| {r['n']} | {r['off']:.1f} | {r['on']:.1f} | +{(r['on'] / r['off'] - 1) * 100:.0f}% | "
                   f"{r['generated']} | {r['align']:.3f} | {r['align_only']:.3f} | "
                   f"{r['align'] / r['on_seconds'] * 100:.1f}% | {r['page']:.2f} |")
    return "\n".join(out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    bench.add_archive_arguments(parser, rounds=2,
                                rounds_help="builds of each setup per size, alternating; the fastest is kept")


def run(args: argparse.Namespace) -> int:
    rows, load = bench.measure_sizes(args, "cv-bench-sbs-", measure, "100,2000")
    notes = []
    ok = True
    for r in rows:
        share = r["align"] / r["on_seconds"]
        if r["n"] == 2000 or r is rows[-1]:
            met = share <= TARGET_ALIGN_SHARE
            ok &= met if r["n"] == 2000 else True
            notes.append(f"- At {r['n']:,} publications, aligning every publication took {r['align']:.2f} s of a "
                         f"{r['on_seconds']:.1f} s build ({share:.1%}; target ≤ {TARGET_ALIGN_SHARE:.0%}"
                         + (f": {'met' if met else 'NOT met'})." if r["n"] == 2000 else ", stated for 2,000)."))
        notes.append(f"- At {r['n']:,} publications the whole feature ({r['generated']} side-by-side pages: a "
                     f"second language rendered and one more page laid out per publication and language) made the "
                     f"build {(r['on'] / r['off'] - 1):.0%} longer ({r['off']:.1f} s → {r['on']:.1f} s, best of "
                     f"{args.rounds} alternating).")
    notes.append("- Aligning: per language process, extracting what the translation check's extraction does not "
                 "give (files not in house layout) and aligning every pair; the two processes run at the same "
                 "time, so the longer is counted. Making the pages: normalizing the other language's text (as "
                 "its own page does), cutting the article's own rendering into rows, rendering the other "
                 "language, laying out the page (its template rendering is in the build time only).")
    notes += bench.archive_notes(args, load, "side-by-side", build_extra=", with and without `--no-parallel`")
    bench.publish(args, NAME, table(rows) + "\n\n" + "\n".join(notes) + "\n")
    return EXIT_CLEAN if ok else EXIT_FINDINGS
