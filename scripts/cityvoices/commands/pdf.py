"""``cityvoices pdf``: PDF editions of every publication (each language,
bilingual) and of every CityVoices issue.  A thin shell over
:func:`cityvoices.pdf.runner.build_pdfs`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cityvoices import shards, textio
from cityvoices.pdf import runner
from cityvoices.problems import CityVoicesError, Problem


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
    add_edition_arguments(p, what="PDF", folder="pdf")
    p.set_defaults(func=run)


def selection(paths: list[str], docs_dir: Path, sources: list[tuple[str, str]], code: str = "pdf-path"):
    """``only(src_uri)`` for the PATH arguments; a path outside the docs
    folder, or one that matches no source, is a :class:`CityVoicesError`."""
    wanted = []
    for raw in paths:
        path = Path(os.path.abspath(raw))
        try:
            rel = path.relative_to(docs_dir).as_posix()
        except ValueError:
            raise CityVoicesError(raw, 0, f"not inside the docs folder {textio.display_path(docs_dir)}",
                                  code) from None
        rel = "" if rel == "." else rel

        def match(src: str, rel: str = rel) -> bool:
            return rel == "" or src == rel or src.startswith(rel.rstrip("/") + "/")

        if not any(match(src) for src, _ in sources):
            raise CityVoicesError(raw, 0, "matches no publication (no index.ko.md or index.en.md at or below it)",
                                  code)
        wanted.append(match)
    return lambda src: any(m(src) for m in wanted)


def add_edition_arguments(p: argparse.ArgumentParser, *, what: str, folder: str) -> None:
    """The arguments of ``cityvoices pdf`` and ``cityvoices epub``."""
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="only publications whose Markdown file is at or below PATH (default: all)")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    p.add_argument("-o", "--output", default=None,
                   help=f"folder for the {what}s (default: <site_dir>/{folder}; with --merge: none, only the "
                        "cache); a new or empty folder, or one cityvoices wrote")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel jobs (default: number of CPUs)")
    p.add_argument("--cache-dir", default=None, help=f"cache folder (default: .cache/{folder} next to mkdocs.yml)")
    p.add_argument("--shard", default=None, metavar="K/N",
                   help=f"make only part K of N of the {what}s (one part per machine of a CI matrix; every "
                        f"machine computes the same parts) and a shard manifest ({runner.SHARD_MANIFEST}) in "
                        "the output folder")
    p.add_argument("--merge", nargs="+", default=None, metavar="DIR",
                   help=f"put together the output folders of shards 1..N (--shard): check them (all shards, "
                        f"once each, from this checkout's sources, no file twice), then copy their {what}s "
                        "into the cache, where the next `cityvoices build` takes them from, and into -o "
                        "FOLDER when given")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")


def _shard(args: argparse.Namespace, folder: str) -> tuple[int, int] | None:
    if args.shard is None:
        return None
    try:
        return shards.parse(args.shard)
    except ValueError as exc:
        raise CityVoicesError("--shard", 0, str(exc), f"{folder}-shard") from None


def run_edition(args: argparse.Namespace, build, *, what: str, folder: str, pages: bool = False,
                suffix: str = ".pdf", plan_key=runner.current_plan_key) -> int:
    """Check the output folder, build (``build(sources, settings, out, …)``
    -> Result), print its problems and the count of files written; with
    ``--merge``, put the shards together instead (``plan_key(sources,
    settings, only=…)``: this checkout's plan, which the shards must match)."""
    from cityvoices.integrations import engine

    settings = engine.load_site(args.config_file)
    shard = _shard(args, folder)
    if args.merge is not None and shard is not None:
        raise CityVoicesError("--merge", 0, "--merge puts shards together; it takes no --shard", f"{folder}-shard")
    if args.merge is not None:
        out = Path(args.output) if args.output else None
    else:
        out = Path(args.output) if args.output else settings.site_dir / folder
    if out is not None:
        textio.check_output_dir(out, protect=(settings.docs_dir, settings.config_file))
    sources = runner.read_sources(settings)
    only = selection(args.paths, settings.docs_dir, sources, code=f"{folder}-path") if args.paths else None
    if args.merge is not None:
        cache = Path(args.cache_dir) if args.cache_dir else settings.root / ".cache" / folder
        result = runner.merge_shards([Path(d) for d in args.merge], out, cache, edition=folder, suffix=suffix,
                                     expect_plan=plan_key(sources, settings, only=only))
    else:
        result = build(sources, settings, out, cache_dir=args.cache_dir, workers=args.jobs,
                       progress=True if args.progress else None, only=only, shard=shard)
    if out is not None and (out.is_dir() or not result.failed):
        textio.mark_output_dir(out)
    for problem in dict.fromkeys(result.problems):
        print(problem.format(), file=sys.stderr)
    for name in dict.fromkeys(result.failed):
        where = out / name if out is not None else Path(name)
        kept = " (the earlier version is kept)" if out is not None and (out / name).exists() else ""
        print(Problem(textio.display_path(where), 0, f"{folder}-not-made", f"not made{kept}", "error").format(),
              file=sys.stderr)
    if not args.quiet:
        extra = f"; {sum(result.pages.values())} pages" if pages else ""
        where = textio.display_path(out) if out is not None else "the cache"
        if args.merge is not None:
            print(f"{len(result.made)} {what}(s) merged from {len(args.merge)} shard folder(s), "
                  f"{len(result.failed)} failed in their shards{extra}, into "
                  f"{where if out is None else where + ' and the cache'}")
        else:
            part = f" (shard {shard[0]}/{shard[1]})" if shard else ""
            # made + cached: the files written into the folder (names never collide)
            print(f"{len(result.made)} {what}(s) made, {len(result.cached)} unchanged (cache), "
                  f"{len(result.failed)} failed{extra}{part} in {where}")
    return result.exit_code


def run(args: argparse.Namespace) -> int:
    return run_edition(args, runner.build_pdfs, what="PDF", folder="pdf", pages=True)
