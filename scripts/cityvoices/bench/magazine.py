"""Author, tag and related pages at archive scale: what they add to the
site build (issue 12: at most 10% at 2,000 publications).

For each size N, the synthetic archive of :mod:`cityvoices.archive` is
built with our configuration (``cityvoices build``, one process per
language, PDFs and the offline copy off), alternately

- **with**: the site as it is: one page per author and per tag in each
  language (and the lists of all authors and all tags), names in bylines
  and tags on articles linking there, three related publications at the
  end of every article;
- **without**: the same build without those parts, as the site was before
  them (no author or tag page, bylines and tags unlinked, no related
  reading).

There is no user switch for that: both builds name the benchmark's own
hook, :mod:`cityvoices.bench._magazine_hook`, after the project's hooks in
configurations written into the generated archive only; in the *without*
build it empties the magazine index's people and tags and finds no related
reading.  In both it times, per language process, the related lists, the
index's names and every generated author/tag page from ``on_pre_page`` to
``on_post_page``.  The two language processes run at the same time, so a
phase's share is the longer of the two over the build's wall time.
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

NAME = "magazine"
#: Author, tag and related pages add at most this share to the build (at 2,000).
TARGET_SHARE = 0.10
HOOK = Path(__file__).with_name("_magazine_hook.py")
SETUPS = ("with", "without")


def config_with_hook(cfg: str) -> str:
    """The archive's ``mkdocs.yml`` with the benchmark's hook after its own."""
    lines = cfg.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.rstrip() == "hooks:")
    end = at + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    return "".join(lines[:end] + [f"  - {HOOK}\n"] + lines[end:])


def build(root: Path, site: Path, setup: str, stats: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the wrapper and both
    language processes) of one build."""
    cmd = [sys.executable, "-m", "cityvoices", "build", "-q", "--no-pdf", "--no-offline",
           "-f", str(root / "mkdocs-bench.yml"), "-d", str(site)]
    stats.unlink(missing_ok=True)
    os.environ["CV_MAGAZINE_STATS"] = str(stats)
    os.environ["CV_MAGAZINE_BENCH"] = setup
    try:
        seconds, usage = _run_child(cmd, root, f"cityvoices build ({setup})")
    finally:
        del os.environ["CV_MAGAZINE_STATS"], os.environ["CV_MAGAZINE_BENCH"]
    return seconds, usage.ru_utime + usage.ru_stime


def measure(n: int, seed_value: int, work: Path, rounds: int) -> dict:
    root = work / f"n{n}"
    write_archive(root, n, seed_value)
    (root / "mkdocs-bench.yml").write_text(config_with_hook((root / "mkdocs.yml").read_text(encoding="utf-8")),
                                           encoding="utf-8")
    times: dict[str, list[float]] = {s: [] for s in SETUPS}
    cpu: dict[str, list[float]] = {s: [] for s in SETUPS}
    phases: list[dict] = []
    pages: dict[str, int] = {}
    for r in range(rounds):
        for setup in (SETUPS if r % 2 == 0 else SETUPS[::-1]):
            site = work / f"site-{setup}"
            shutil.rmtree(site, ignore_errors=True)
            stats = work / "stats.jsonl"
            seconds, cpu_seconds = build(root, site, setup, stats)
            cpu[setup].append(cpu_seconds)
            langs = [json.loads(line) for line in stats.read_text(encoding="utf-8").splitlines()]
            if len(langs) != 2:
                raise RuntimeError(f"expected stats from 2 language builds, got {len(langs)}")
            times[setup].append(seconds)
            pages[setup] = site_metrics(site)["pages"]
            if setup == "with":
                phases.append({"seconds": seconds, "langs": langs})
            elif any(x["page_count"] for x in langs):
                raise RuntimeError("the build without author/tag pages still made some")
            shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    # ratios of the pairs built one after the other: the load changes less within a pair
    pairs = [a / b for a, b in zip(times["with"], times["without"])]
    cpu_pairs = [a / b for a, b in zip(cpu["with"], cpu["without"])]
    fastest = min(phases, key=lambda p: p["seconds"])
    langs = fastest["langs"]
    return {"n": n, "with": min(times["with"]), "without": min(times["without"]), "pairs": pairs,
            "cpu_with": min(cpu["with"]), "cpu_without": min(cpu["without"]), "cpu_pairs": cpu_pairs,
            "pages": pages, "name_pages": sum(x["page_count"] for x in langs),
            "page_seconds": max(x["pages"] for x in langs), "related": max(x["related"] for x in langs),
            "related_calls": sum(x["related_calls"] for x in langs), "names": max(x["names"] for x in langs),
            "with_seconds": fastest["seconds"]}


def table(rows: list[dict]) -> str:
    out = ["| N | pages without | pages with | build without (s) | build with (s) | added, wall (each pair) "
           "| CPU without (s) | CPU with (s) | added, CPU (each pair) | author/tag pages (s) | related reading (s) "
           "| index of names (s) |",
           "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |"]
    for r in rows:
        pairs = ", ".join(f"{(p - 1) * 100:+.1f}%" for p in r["pairs"])
        cpu_pairs = ", ".join(f"{(p - 1) * 100:+.1f}%" for p in r["cpu_pairs"])
        out.append(f"| {r['n']} | {r['pages']['without']} | {r['pages']['with']} | {r['without']:.1f} | "
                   f"{r['with']:.1f} | {pairs} | {r['cpu_without']:.1f} | {r['cpu_with']:.1f} | {cpu_pairs} | "
                   f"{r['page_seconds']:.2f} ({r['name_pages']} pages) | {r['related']:.2f} "
                   f"({r['related_calls']} lists) | {r['names']:.2f} |")
    return "\n".join(out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    bench.add_archive_arguments(parser, rounds=3, rounds_help="builds of each setup per size, alternating")


def run(args: argparse.Namespace) -> int:
    rows, load = bench.measure_sizes(args, "cv-bench-magazine-", measure, "500,2000")
    notes, ok = [], True
    for r in rows:
        added = r["with"] / r["without"] - 1
        added_cpu = r["cpu_with"] / r["cpu_without"] - 1
        phase = (r["page_seconds"] + r["related"] + r["names"]) / r["with_seconds"]
        target = r["n"] == 2000
        met = added_cpu <= TARGET_SHARE
        if target:
            ok &= met
        notes.append(f"- At {r['n']:,} publications, author, tag and related pages made the build "
                     f"{added_cpu:+.1%} longer in CPU time ({r['cpu_without']:.1f} s → {r['cpu_with']:.1f} s, best of "
                     f"{len(r['cpu_pairs'])} each"
                     + (f"; target ≤ +{TARGET_SHARE:.0%}: {'met' if met else 'NOT met'}" if target else "")
                     + f") and {added:+.1%} in wall time ({r['without']:.1f} s → {r['with']:.1f} s). Inside the "
                     f"build: {r['name_pages']} author/tag pages took {r['page_seconds']:.2f} s, the related lists "
                     f"{r['related']:.2f} s and the index of names {r['names']:.2f} s of the longer language "
                     f"process: {phase:.1%} of its wall time.")
    notes.append("- CPU time (user + system of the build and both language processes) is the target's measure: on "
                 "this shared machine the wall time of one build swings by tens of per cent with the other jobs, "
                 "its CPU time much less. The index of names is made in both builds (the *without* build empties "
                 "it afterwards), so only the phase times count it.")
    notes.append("- With: the site as it is. Without: the same archive and configuration, with no author or tag "
                 "pages (nor the lists of all authors and all tags), bylines and tags unlinked, no related reading; "
                 "done by the benchmark's own hook (`cityvoices/bench/_magazine_hook.py`), named only in the "
                 "configuration the benchmark writes into its archive. A page's time is its two passes: the first "
                 "`on_pre_page` handler to the last `on_page_content` one, and the first `on_page_context` to the "
                 "last `on_post_page` (body, template, hooks); per language process, the longer one counted (they "
                 "run at the same time).")
    notes += bench.archive_notes(args, load, "magazine", compare="compare the ratios of the pairs")
    bench.publish(args, NAME, table(rows) + "\n\n" + "\n".join(notes) + "\n")
    return EXIT_CLEAN if ok else EXIT_FINDINGS
