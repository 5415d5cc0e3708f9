"""``cityvoices pdf``: PDF editions of every publication (each language,
bilingual) and of every CityVoices issue.  A thin shell over
:func:`cityvoices.pdf.runner.build_pdfs`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cityvoices.pdf import runner


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "pdf",
        help="make the PDF editions (per language, bilingual, whole issues)",
        description=(
            "Render every publication to PDF with WeasyPrint, in each language and as one "
            "Korean-English edition, plus one PDF per CityVoices issue (cover, contents, running "
            "headers). A PDF is rendered again only when its Markdown, images, print style or this "
            "tool changed (cache in .cache/pdf/). Exit codes: 0 clean, 1 warnings, 2 a PDF failed "
            "(the others are still made; a failed PDF never replaces a good one)."
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="only publications whose Markdown file is at or below PATH (default: all)")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    p.add_argument("-o", "--output", default=None, help="folder for the PDFs (default: <site_dir>/pdf)")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel jobs (default: number of CPUs)")
    p.add_argument("--cache-dir", default=None, help="cache folder (default: .cache/pdf next to mkdocs.yml)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mkdocs.config import load_config

    cfg_path = Path(args.config_file).resolve()
    if not cfg_path.is_file():
        print(f"{args.config_file}: error: no such file (use -f to name the site's mkdocs.yml) [pdf-config]",
              file=sys.stderr)
        return 2
    cfg = load_config(str(cfg_path))
    settings = runner.settings_from_config(cfg)
    out = Path(args.output) if args.output else Path(cfg.site_dir) / "pdf"
    only = None
    if args.paths:
        docs = settings.docs_dir
        wanted = []
        for raw in args.paths:
            path = Path(raw).resolve()
            try:
                wanted.append(path.relative_to(docs).as_posix())
            except ValueError:
                print(f"{raw}: error: not inside the docs folder {docs} [pdf-path]", file=sys.stderr)
                return 2
        only = lambda src: any(w in (".", "") or src == w or src.startswith(w.rstrip("/") + "/")  # noqa: E731
                               for w in wanted)
    sources = runner.read_sources(settings.docs_dir)
    result = runner.build_pdfs(sources, settings, out, cache_dir=args.cache_dir, workers=args.jobs,
                               progress=True if args.progress else None, only=only)
    for problem in dict.fromkeys(result.problems):
        print(problem.format(), file=sys.stderr)
    for name in result.failed:
        kept = " (the earlier version is kept)" if (out / name).exists() else ""
        print(f"{out / name}: error: not made{kept} [pdf-not-made]", file=sys.stderr)
    if not args.quiet:
        pages = sum(result.pages.values())
        print(f"{len(result.made)} PDF(s) made, {len(result.cached)} unchanged (cache), "
              f"{len(result.failed)} failed; {pages} pages in {out}")
    return result.exit_code
