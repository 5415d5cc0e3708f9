"""``cityvoices normalize PATH...``: bring footnotes and captions into the
house layout.  A thin shell over :func:`cityvoices.normalize.normalize_text`:
it reads, diffs and writes; every decision is made in the pure function.

It respects the file system: a read-only file (or a file in a read-only
folder) is reported, not rewritten; a symlinked ``.md`` is written through to
its target, so the link stays a link (inside a folder, only when the target
lies inside that folder; others are refused); a batch goes on past a file or folder it cannot read or write and
always ends with its summary.  Messages name files as given on the command
line (run it from the repository root: ``cityvoices normalize docs/…``).
"""

from __future__ import annotations

import argparse
import difflib
import os
import stat
import sys
from pathlib import Path

from cityvoices import textio
from cityvoices.normalize import normalize_text
from cityvoices.problems import CityVoicesError, Problem, exit_code


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "normalize",
        help="bring footnotes and captions into the house layout",
        description=(
            "Rewrite Markdown files so footnotes are [^n] with definitions at the end and "
            "captions are /// figure-caption and /// table-caption blocks. Folders are searched "
            "for *.md recursively. Exit codes: 0 clean or fixed, 1 findings (a file would change "
            "under --check/--diff, or something to fix by hand, such as an orphan caption), 2 errors "
            "(a file that cannot be read or written)."
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


def _error(path: object, code: str, message: str, line: int = 0) -> Problem:
    return Problem(str(path), line, code, message, "error")


def collect(paths: list[str]) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    """``(path as named, file to write)`` for the files named and the
    ``*.md`` below folders (hidden folders skipped), each file once.  Folders
    are walked by :func:`cityvoices.textio.walk_docs`, the build's walker: a
    link leading out of the folder (file or folder) is refused, and so is a
    folder that cannot be read, each with a message."""
    found: list[tuple[Path, Path]] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files, found_problems = textio.walk_docs(path, path.as_posix().rstrip("/") + "/", skip_hidden=True,
                                                     where=path.as_posix())
            problems.extend(found_problems)
            for rel, f in files:
                if rel.endswith(".md"):
                    found.append((path / rel, Path(os.path.realpath(f))))
        elif path.is_file():
            found.append((path, path.resolve()))
        else:
            problems.append(_error(path, "not-found", "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for shown, target in found:
        if target not in seen:
            seen.add(target)
            unique.append((shown, target))
    return unique, problems


_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def read_only(path: Path) -> str:
    """Why ``path`` must not be rewritten ("" when it may): the file or its
    folder is read-only (by its mode, which also holds for root, or for us)."""
    try:
        if not os.stat(path).st_mode & _WRITE_BITS or not os.access(path, os.W_OK):
            return "is read-only"
        folder = path.parent
        if not os.stat(folder).st_mode & _WRITE_BITS or not os.access(folder, os.W_OK | os.X_OK):
            return f"is in a read-only folder ({folder})"
    except OSError as exc:
        return f"cannot be checked for writing ({exc.strerror})"
    return ""


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"a/{name.lstrip('/')}", tofile=f"b/{name.lstrip('/')}",
    ))


def run(args: argparse.Namespace) -> int:
    files, problems = collect(args.paths)
    write = not (args.check or args.diff)
    changed = 0
    for path, target in files:
        name = str(path)
        try:
            tf = textio.read_text_file(target)
        except CityVoicesError as exc:
            p = exc.problem
            problems.append(Problem(name, p.line, p.code, p.message, p.severity))
            continue
        except OSError as exc:
            problems.append(_error(name, "io", f"cannot read the file: {exc.strerror}"))
            continue
        result = normalize_text(tf.text, name, args.lang)
        problems.extend(result.problems)
        if not result.changed:
            continue
        changed += 1
        if not write:
            sys.stdout.write(unified_diff(tf.text, result.text, name))
            continue
        ro = read_only(target)
        if ro:
            problems.append(_error(name, "read-only", f"{ro}: not rewritten (make it writable, or run "
                                   "'cityvoices normalize --diff' to see the changes)"))
            changed -= 1
            continue
        try:
            textio.atomic_write(target, tf.encode(result.text))
        except OSError as exc:
            problems.append(_error(name, "io", f"cannot write the file: {exc.strerror}; it was left as it was"))
            changed -= 1
    for p in problems:
        print(p.format(), file=sys.stderr)
    verb = "rewritten" if write else "would be changed"
    print(f"{len(files)} file(s) checked, {changed} {verb}, {len(problems)} problem(s)", file=sys.stderr)
    return exit_code(problems, findings=bool(changed and not write))
