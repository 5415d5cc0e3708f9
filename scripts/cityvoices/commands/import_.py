"""``cityvoices import``: a raw bilingual dump becomes a draft pair.

Reads one text file in which Korean and English are interleaved (as copied
from a PDF or a .docx), splits it by language (:mod:`cityvoices.langsplit`),
puts each half into the house layout (:mod:`cityvoices.normalize`) and writes
``index.ko.md``/``index.en.md`` into a new publication folder.  Never
overwrites; reports every guess (joined paragraphs, header lines) and every
problem the normalizer could not fix, with the dump's line numbers.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import PurePath
from typing import Any

import yaml

from cityvoices import langsplit, pubtypes, scaffold, textio
from cityvoices.commands.new import fail, parse_date, write
from cityvoices.normalize import normalize_text
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, CityVoicesError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("import", help="turn a raw bilingual text dump into a draft ko/en pair",
                              description="Split interleaved Korean/English text into index.ko.md and "
                                          "index.en.md in the house layout. Never overwrites. Exit 0 clean, "
                                          "1 findings to check, 2 errors.")
    p.add_argument("source", help="the raw text file (UTF-8)")
    p.add_argument("type", choices=pubtypes.NAMES, help="publication type")
    p.add_argument("slug", help="folder name, e.g. seoul-congress-2013")
    p.add_argument("--date", default=_dt.date.today().isoformat(), help="YYYY-MM-DD (default: today)")
    p.add_argument("--issue", help="CityVoices issue (articles)")
    p.add_argument("--event", help="event folder (reports)")
    p.add_argument("--author", action="append", dest="authors", default=[], help="repeat for several")
    p.add_argument("--original", choices=("ko", "en"), default="ko")
    p.add_argument("--docs", default="docs", help="docs folder (default: docs)")
    p.add_argument("--dry-run", action="store_true", help="print the drafts, write nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        date = parse_date(args.date)
        folder = scaffold.folder_for(args.type, args.slug, date, issue=args.issue, event=args.event)
    except ValueError as exc:
        return fail("import", str(exc), "import-input")
    try:
        raw = textio.read_text_file(args.source)
    except CityVoicesError as exc:
        print(exc.problem.format(), file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        return fail("import", f"{args.source}: cannot read: {exc.strerror}", "io")
    row = pubtypes.get(args.type)
    split = langsplit.split_bilingual(raw.text, args.source)
    problems = list(split.problems)
    files: dict[str, str] = {}
    for lang in ("ko", "en"):
        meta: dict[str, Any] = {"title": split.titles[lang] or "TODO", "type": args.type, "date": date,
                                "authors": args.authors or ["TODO"], "original": args.original}
        if row and row.group_field == "issue" and args.issue:
            meta["issue"] = args.issue
        if row and row.group_field == "event" and args.event:
            meta["event"] = args.event
        rel = f"{folder}/index.{lang}.md"
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + split.texts[lang]
        result = normalize_text(text, PurePath(args.docs, rel).as_posix(), lang)
        problems.extend(result.problems)
        files[rel] = result.text
    if not args.dry_run:
        code = write("import", args.docs, files)
        if code != EXIT_CLEAN:
            return code
    else:
        for rel, text in files.items():
            print(f"===== {rel}\n{text}")
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    findings = [p for p in problems if p.severity in ("warning", "error")]
    print(f"{len(files)} file(s), {len(problems)} note(s) to check, {len(findings)} problem(s)", file=sys.stderr)
    return EXIT_FINDINGS if problems else EXIT_CLEAN
