"""``cityvoices import``: Word, PDF, 한글 and plain-text sources become draft pairs.

Two forms::

    cityvoices import SOURCE [SOURCE2] TYPE SLUG [options]   one publication
    cityvoices import FOLDER TYPE [options]                  a batch: one per file

One publication comes from one file (Korean and English interleaved, or in
a two-column table) or from two (``X.ko.docx X.en.pdf``).  In a folder, files
named ``X.ko.*`` and ``X.en.*`` make one publication; every other file makes
its own, with the file name as slug.

A thin shell over :func:`cityvoices.importers.import_publication`: it reads
the sources, writes each publication all or nothing (never overwriting) and
prints the problems as ``path:line: severity: message [code]``.  Exit 0
clean, 1 findings to check, 2 errors.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from cityvoices import importers, pubtypes, scaffold, textio, urls
from cityvoices.commands.new import DOCS, docs_folder, fail, parse_date, write_problem
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Problem

USAGE = ("cityvoices import SOURCE [SOURCE2] TYPE SLUG [options]\n"
         "       cityvoices import FOLDER TYPE [options]")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import", usage=USAGE,
        help="turn Word, PDF, 한글 (HWPX/HWP) or text files into draft ko/en pairs",
        description=("Import one publication from one bilingual file (interleaved paragraphs or a "
                     "two-column Korean|English table) or two files (X.ko.docx X.en.pdf), or a whole folder. "
                     f"Reads {', '.join(importers.FORMATS)}. Writes index.ko.md, index.en.md, images/ and "
                     "import-report.md; never overwrites. Exit 0 clean, 1 findings to check, 2 errors."))
    p.add_argument("words", nargs="+", metavar="ARG", help="SOURCE… TYPE SLUG, or FOLDER TYPE")
    p.add_argument("--date", default=_dt.date.today().isoformat(), help="YYYY-MM-DD (default: today)")
    p.add_argument("--issue", help="CityVoices issue (articles)")
    p.add_argument("--event", help="event folder (reports)")
    p.add_argument("--author", action="append", dest="authors", default=[], help="repeat for several")
    p.add_argument("--original", choices=("ko", "en"), default="ko", help="the language written first")
    p.add_argument("--docs", default=None, help="docs folder (default: docs, which must exist: run from the "
                                                 "repository root)")
    p.add_argument("--dry-run", action="store_true", help="print the drafts and the report, write nothing")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel imports in a batch (default: CPUs)")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.set_defaults(func=run)


def _parse(words: list[str]) -> tuple[list[str], str, str | None] | str:
    types = set(pubtypes.NAMES)
    if len(words) >= 2 and words[-1] in types:
        return words[:-1], words[-1], None
    if len(words) >= 3 and words[-2] in types:
        return words[:-2], words[-2], words[-1]
    return f"usage: {USAGE}\n(TYPE is one of {', '.join(sorted(types))})"


def _slug(stem: str) -> str | None:
    s = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return s if s and urls.SLUG_RE.match(s) and not re.search(r"[^\x00-\x7f]", stem) else None


def _jobs_of_folder(folder: Path) -> tuple[list[tuple[list[Path], str]], list[Problem]]:
    """Publications in a folder: ``([paths], slug)``, and the files refused."""
    problems: list[Problem] = []
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    groups: dict[str, list[Path]] = {}
    for path in files:
        ext = importers.extension(path.name)
        if ext not in importers.FORMATS:
            problems.append(Problem(str(path), 0, "import-format",
                                    f"cannot import '{ext or 'no extension'}' files; the importer reads "
                                    f"{', '.join(importers.FORMATS)}", "error"))
            continue
        stem = path.name[: -len(ext)]
        lang = importers.lang_of_name(path.name)
        key = stem[:-3] if lang else stem
        groups.setdefault(key if lang else f"{key}\x00{path.name}", []).append(path)
    jobs = []
    for key, paths in groups.items():
        stem = key.split("\x00")[0]
        slug = _slug(stem)
        if slug is None:
            problems.append(Problem(str(paths[0]), 0, "import-slug",
                                    f"cannot make a folder name from '{stem}'; rename the file with lower-case "
                                    "letters, digits and hyphens (e.g. seoul-congress-2013.docx)", "error"))
            continue
        jobs.append((sorted(paths, key=lambda p: importers.lang_of_name(p.name) != "ko"), slug))
    return jobs, problems


def _one(job: tuple[list[str], str, dict[str, Any]]) -> importers.Publication | Problem:
    paths, slug, opts = job
    sources = []
    for path in paths:
        try:
            sources.append((path, textio.read_bytes(path)))
        except OSError as exc:
            return Problem(path, 0, "import-read", f"cannot read the file: {exc.strerror}", "error")
    return importers.import_publication(sources, opts["type"], slug, opts["date"], issue=opts["issue"],
                                        event=opts["event"], authors=opts["authors"], original=opts["original"],
                                        prefix=opts.get("prefix", ""))


def _write(pub: importers.Publication, docs: str, dry_run: bool) -> list[Problem]:
    if not pub.ok:
        return []
    if dry_run:
        for rel, content in pub.files.items():
            if isinstance(content, str):
                print(f"===== {rel}\n{content}")
            else:
                print(f"===== {rel} ({len(content):,} bytes)")
        return []
    try:
        textio.write_new_files(docs, pub.files)
    except FileExistsError as exc:
        return [write_problem(exc, docs, "import-exists")]
    except OSError as exc:
        return [write_problem(exc, docs, "import-write")]
    return []


def run(args: argparse.Namespace) -> int:
    parsed = _parse(args.words)
    if isinstance(parsed, str):
        print(parsed, file=sys.stderr)
        return EXIT_ERROR
    sources, ptype, slug = parsed
    docs = docs_folder(args)
    if isinstance(docs, Problem) and not args.dry_run:
        print(docs.format(), file=sys.stderr)
        return EXIT_ERROR
    args.docs = docs if isinstance(docs, str) else DOCS
    try:
        date = parse_date(args.date)
    except ValueError as exc:
        return fail("import", str(exc), "date")
    opts = {"type": ptype, "date": date, "issue": args.issue, "event": args.event, "authors": args.authors,
            "original": args.original, "prefix": textio.display_path(args.docs).rstrip("/") + "/"}
    if slug is None:
        if len(sources) != 1 or not Path(sources[0]).is_dir():
            return fail("import", "give a SLUG for a single publication, or one FOLDER for a batch; "
                        f"usage: {USAGE}", "import-usage")
        return _batch(Path(sources[0]), opts, args)
    try:
        scaffold.folder_for(ptype, slug, date, issue=args.issue, event=args.event)
    except ValueError as exc:
        return fail("import", str(exc), "path")
    for s in sources:
        if Path(s).is_dir():
            print(f"{s}: error: a folder is imported as a batch: cityvoices import FOLDER TYPE "
                  "(without a slug) [import-usage]", file=sys.stderr)
            return EXIT_ERROR
    result = _one((sources, slug, opts))
    if isinstance(result, Problem):
        print(result.format(), file=sys.stderr)
        return EXIT_ERROR
    problems = list(result.problems) + _write(result, args.docs, args.dry_run)
    if result.ok and not args.dry_run and not problems[len(result.problems):]:
        for rel in result.files:
            if rel.endswith(".md"):
                print(Path(args.docs) / rel)
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    errors = [p for p in problems if p.severity == "error"]
    findings = [p for p in problems if p.severity == "warning"]
    images = sum(1 for rel in result.files if "/images/" in rel)
    written = 0 if errors else sum(1 for rel in result.files if rel.endswith(".md") and "/index." in rel)
    print(f"{written} file(s), {images} image(s), {len(problems)} note(s) to check, "
          f"{len(findings) + len(errors)} problem(s)"
          + (f"; report: {Path(args.docs) / result.folder / importers.REPORT}" if not errors and not args.dry_run
             else ""), file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if problems else EXIT_CLEAN


def _batch(folder: Path, opts: dict[str, Any], args: argparse.Namespace) -> int:
    jobs, refused = _jobs_of_folder(folder)
    rows: list[tuple[str, str, str]] = []
    for p in refused:
        print(p.format(), file=sys.stderr)
        rows.append((p.path, "-", "error: " + p.message.split(";")[0]))
    work = [([str(p) for p in paths], slug, opts) for paths, slug in jobs]
    show = args.progress or sys.stderr.isatty()
    from tqdm import tqdm

    bar = tqdm(total=len(work), desc="import", unit="file", file=sys.stderr, disable=not show, leave=False)
    jobs_n = max(1, args.jobs or os.cpu_count() or 1)
    results: list[importers.Publication | Problem] = []
    if jobs_n == 1 or len(work) <= 1:
        for job in work:
            results.append(_one(job))
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=min(jobs_n, len(work))) as pool:
            for res in pool.map(_one, work):
                results.append(res)
                bar.update()
    bar.close()
    errors = len(refused)
    findings = 0
    for job, res in zip(work, results):
        name = ", ".join(Path(p).name for p in job[0])
        if isinstance(res, Problem):
            print(res.format(), file=sys.stderr)
            rows.append((name, "-", "error: " + res.message))
            errors += 1
            continue
        problems = list(res.problems) + _write(res, args.docs, args.dry_run)
        for p in problems:
            if p.severity in ("error", "warning"):
                print(p.format(), file=sys.stderr)
        errs = [p for p in problems if p.severity == "error"]
        warns = [p for p in problems if p.severity == "warning"]
        if errs:
            errors += 1
            rows.append((name, res.folder, f"error: {errs[0].message.split(';')[0]} [{errs[0].code}]"))
            continue
        findings += bool(warns)
        st = res.stats
        counts = "/".join(str(st[lang][k]) for lang in ("ko", "en") for k in ("paragraphs", "notes", "figures"))
        rows.append((name, res.folder, f"{'dry run' if args.dry_run else 'written'} ({res.layout}; ko/en "
                                       f"paragraphs, notes, figures {counts}; {len(warns)} finding(s))"))
    width = max((len(r[0]) for r in rows), default=6)
    print(f"\n{'source':<{width}}  publication  result", file=sys.stderr)
    for src, pub, status in rows:
        print(f"{src:<{width}}  {pub}  {status}", file=sys.stderr)
    done = sum(1 for r in rows if not r[2].startswith("error"))
    print(f"{done} of {len(rows)} imported, {errors} error(s), {findings} with findings", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if findings else EXIT_CLEAN
