"""``cityvoices normalize PATH...``: bring footnotes and captions into the
house layout.  A thin shell over :func:`cityvoices.normalize.normalize_text`:
it reads, diffs and writes; every decision is made in the pure function."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from cityvoices import textio
from cityvoices.normalize import normalize_text
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, CityVoicesError, Problem


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "normalize",
        help="bring footnotes and captions into the house layout",
        description=(
            "Rewrite Markdown files so footnotes are [^n] with definitions at the end and "
            "captions are /// figure-caption and /// table-caption blocks. Folders are searched "
            "for *.md recursively. Exit codes: 0 clean or fixed, 1 would change (--check/--diff), "
            "2 problems found."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="Markdown files or folders")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; print a diff and exit 1 if a file is not in house layout")
    mode.add_argument("--diff", action="store_true", help="print the diff and write nothing")
    p.add_argument("--lang", choices=("ko", "en"), default=None,
                   help="language of the files (default: from .ko.md/.en.md, else guessed)")
    p.set_defaults(func=run)


def collect(paths: list[str]) -> tuple[list[Path], list[Problem]]:
    """Files named, plus ``*.md`` below folders (hidden folders skipped)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for f in sorted(path.rglob("*.md")):
                rel = f.relative_to(path).parts
                if f.is_file() and not any(part.startswith(".") for part in rel):
                    files.append(f)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, "not-found", "no such file or folder", "error"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"a/{name.lstrip('/')}", tofile=f"b/{name.lstrip('/')}",
    ))


def run(args: argparse.Namespace) -> int:
    files, problems = collect(args.paths)
    write = not (args.check or args.diff)
    changed = 0
    for path in files:
        name = str(path)
        try:
            tf = textio.read_text_file(path)
        except CityVoicesError as exc:
            problems.append(exc.problem)
            continue
        except OSError as exc:
            problems.append(Problem(name, 0, "io", f"cannot read the file: {exc.strerror}", "error"))
            continue
        result = normalize_text(tf.text, name, args.lang)
        problems.extend(result.problems)
        if not result.changed:
            continue
        changed += 1
        if write:
            textio.atomic_write(path, tf.encode(result.text))
        else:
            sys.stdout.write(unified_diff(tf.text, result.text, name))
    for p in problems:
        print(p.format(), file=sys.stderr)
    verb = "rewritten" if write else "would be changed"
    print(f"{len(files)} file(s) checked, {changed} {verb}, {len(problems)} problem(s)", file=sys.stderr)
    if problems:
        return EXIT_ERROR
    if changed and not write:
        return EXIT_FINDINGS
    return EXIT_CLEAN
