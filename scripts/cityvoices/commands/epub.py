"""``cityvoices epub``: EPUB 3 editions of every publication (each language)
and of every CityVoices issue (each language).  A thin shell over
:func:`cityvoices.epub.runner.build_epubs`."""

from __future__ import annotations

import argparse

from cityvoices import urls
from cityvoices.commands.pdf import add_edition_arguments, run_edition
from cityvoices.epub import runner


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "epub",
        help="make the EPUB editions (per language, whole issues)",
        description=(
            "Make an EPUB 3 of every publication in each language, plus one per CityVoices issue "
            "and language (cover, contents, its articles in order), from the same print HTML as the "
            "PDFs: footnotes as pop-ups, figures with captions, tables, no embedded fonts. An EPUB is "
            "made again only when its Markdown, the files of its publication folder, the site's "
            "Markdown settings or this tool changed (cache in .cache/epub/); two runs give "
            "byte-identical files. Exit codes: 0 clean, 1 warnings, 2 an EPUB failed (the others are "
            "still made; a failed EPUB never replaces a good one)."
        ),
    )
    add_edition_arguments(p, what="EPUB", folder=urls.EPUB_DIR)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return run_edition(args, runner.build_epubs, what="EPUB", folder=urls.EPUB_DIR, suffix=runner.SUFFIX,
                       plan_key=runner.current_plan_key)
