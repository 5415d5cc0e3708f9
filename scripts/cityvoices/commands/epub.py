"""``cityvoices epub``: EPUB 3 editions of every publication (each language)
and of every CityVoices issue (each language).  A thin shell over
:func:`cityvoices.epub.runner.build_epubs`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cityvoices import textio, urls
from cityvoices.commands.pdf import selection
from cityvoices.epub import runner
from cityvoices.problems import Problem


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
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="only publications whose Markdown file is at or below PATH (default: all)")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    p.add_argument("-o", "--output", default=None,
                   help=f"folder for the EPUBs (default: <site_dir>/{urls.EPUB_DIR}); a new or empty folder, "
                        "or one cityvoices wrote")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel jobs (default: number of CPUs)")
    p.add_argument("--cache-dir", default=None, help="cache folder (default: .cache/epub next to mkdocs.yml)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cityvoices.integrations import engine

    settings = engine.load_site(args.config_file)
    out = Path(args.output) if args.output else settings.site_dir / urls.EPUB_DIR
    textio.check_output_dir(out, protect=(settings.docs_dir, settings.config_file))
    sources = runner.read_sources(settings)
    only = selection(args.paths, settings.docs_dir, sources, code="epub-path") if args.paths else None
    result = runner.build_epubs(sources, settings, out, cache_dir=args.cache_dir, workers=args.jobs,
                                progress=True if args.progress else None, only=only)
    if out.is_dir():
        textio.mark_output_dir(out)
    for problem in dict.fromkeys(result.problems):
        print(problem.format(), file=sys.stderr)
    for name in result.failed:
        kept = " (the earlier version is kept)" if (out / name).exists() else ""
        print(Problem(textio.display_path(out / name), 0, "epub-not-made", f"not made{kept}", "error").format(),
              file=sys.stderr)
    if not args.quiet:
        # made + cached: the files written into the folder (names never collide)
        print(f"{len(result.made)} EPUB(s) made, {len(result.cached)} unchanged (cache), "
              f"{len(result.failed)} failed in {textio.display_path(out)}")
    return result.exit_code
