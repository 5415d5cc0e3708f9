"""``cityvoices new``: start a publication pair in the house layout."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
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
    p.add_argument("--docs", default="docs", help="docs folder (default: docs)")
    p.set_defaults(func=run)


def fail(command: str, message: str, code: str) -> int:
    """Print ``cityvoices <command>: error: message [code]``; the exit code for errors."""
    print(Problem(f"cityvoices {command}", 0, code, message, "error").format(), file=sys.stderr)
    return EXIT_ERROR


def parse_date(value: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise scaffold.ScaffoldError(f"--date {value!r}: write the date as YYYY-MM-DD") from None


def write(command: str, docs: str, files: dict[str, str]) -> int:
    """Write ``files`` under ``docs`` (all or none, never overwriting) and
    print their paths; an error message and exit code 2 otherwise."""
    try:
        for path in textio.write_new_files(docs, files):
            print(path)
    except FileExistsError as exc:
        return fail(command, str(exc), "exists")
    except OSError as exc:
        return fail(command, f"{exc.filename or docs}: cannot write: {exc.strerror}", "io")
    return EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    try:
        files = scaffold.new_publication(args.type, args.slug, parse_date(args.date), title_ko=args.title_ko,
                                         title_en=args.title_en, authors=args.authors, issue=args.issue,
                                         event=args.event, original=args.original)
    except ValueError as exc:
        return fail("new", str(exc), "new-input")
    return write("new", args.docs, files)
