"""``cityvoices new``: start a publication pair in the house layout."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from typing import Any

from cityvoices import scaffold, textio
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("new", help="start a new publication (Korean and English files)",
                              description="Create docs/<section>/<group>/<slug>/index.ko.md, index.en.md "
                                          "and images/, with front matter that validates. Never overwrites.")
    p.add_argument("type", choices=sorted(scaffold.SECTION), help="publication type")
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


def run(args: argparse.Namespace) -> int:
    try:
        date = _dt.date.fromisoformat(args.date)
        files = scaffold.new_publication(args.type, args.slug, date, title_ko=args.title_ko,
                                         title_en=args.title_en, authors=args.authors, issue=args.issue,
                                         event=args.event, original=args.original)
    except ValueError as exc:
        print(f"cityvoices new: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        for path in textio.write_new_files(args.docs, files):
            print(path)
    except FileExistsError as exc:
        print(f"cityvoices new: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN
