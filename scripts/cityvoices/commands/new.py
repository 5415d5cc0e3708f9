"""``cityvoices new``: start a publication pair in the house layout."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path
from typing import Any

from cityvoices import pubtypes, scaffold, textio
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, Problem


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("new", help="start a new publication (Korean and English files)",
                              description="Create docs/<section>/<group>/<slug>/index.ko.md, index.en.md "
                                          "and images/, with front matter that validates. Never overwrites.")
    p.add_argument("type", choices=pubtypes.NAMES, help="publication type")
    p.add_argument("slug", help="folder name, e.g. seoul-congress-2013")
    p.add_argument("--title-ko", required=True)
    p.add_argument("--title-en", required=True)
    p.add_argument("--author", action="append", required=True, dest="authors", help="repeat for several")
    p.add_argument("--date", default=_dt.date.today().isoformat(), help="YYYY-MM-DD (default: today)")
    p.add_argument("--issue", help="CityVoices issue, e.g. 2014-1 (articles)")
    p.add_argument("--event", help="event folder, e.g. 2013-seoul-congress (reports)")
    p.add_argument("--original", choices=("ko", "en"), default="ko", help="language of the original")
    p.add_argument("--docs", default=None, help="docs folder (default: docs, which must exist: run from the "
                                                 "repository root)")
    p.set_defaults(func=run)


def fail(command: str, message: str, code: str) -> int:
    """Print ``cityvoices <command>: error: message [code]``; the exit code
    for errors.  Only for arguments, where no file is involved (a file is
    named by a :class:`Problem` of its own: :func:`write_problem`)."""
    print(Problem(f"cityvoices {command}", 0, code, message, "error").format(), file=sys.stderr)
    return EXIT_ERROR


def parse_date(value: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise scaffold.ScaffoldError(f"--date {value!r}: write the date as YYYY-MM-DD") from None


#: The docs folder when --docs is not given.
DOCS = "docs"


def docs_folder(args: argparse.Namespace) -> str | Problem:
    """``--docs``, or ``docs`` when it is not given; that one must exist (a
    command run from the wrong folder would otherwise start a docs/ tree
    there): an error :class:`Problem` when it does not."""
    if args.docs:
        return args.docs
    if Path(DOCS).is_dir():
        return DOCS
    return Problem(DOCS, 0, "new-docs", "no such folder here: run the command from the repository root "
                   "(where docs/ is), or name the docs folder with --docs; nothing was written", "error")


def write_problem(exc: OSError, docs: str, code: str) -> Problem:
    """``path: error: …`` for a failed :func:`textio.write_new_files`."""
    if isinstance(exc, FileExistsError):
        return Problem(exc.filename or docs, 0, code, f"{exc.strerror} (nothing is ever overwritten)", "error")
    return Problem(textio.display_path(exc.filename or docs), 0, code,
                   f"cannot write: {exc.strerror or exc}; nothing was written", "error")


def write(command: str, docs: str, files: dict[str, str]) -> int:
    """Write ``files`` under ``docs`` (all or none, never overwriting) and
    print their paths; an error message and exit code 2 otherwise."""
    try:
        for path in textio.write_new_files(docs, files):
            print(path)
        return EXIT_CLEAN
    except FileExistsError as exc:
        problem = write_problem(exc, docs, "exists")
    except OSError as exc:
        problem = write_problem(exc, docs, "io")
    print(problem.format(), file=sys.stderr)
    return EXIT_ERROR


def run(args: argparse.Namespace) -> int:
    try:
        files = scaffold.new_publication(args.type, args.slug, parse_date(args.date), title_ko=args.title_ko,
                                         title_en=args.title_en, authors=args.authors, issue=args.issue,
                                         event=args.event, original=args.original)
    except ValueError as exc:
        return fail("new", str(exc), "new-input")
    docs = docs_folder(args)
    if isinstance(docs, Problem):
        print(docs.format(), file=sys.stderr)
        return EXIT_ERROR
    return write("new", docs, files)
