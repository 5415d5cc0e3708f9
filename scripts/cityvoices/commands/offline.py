"""``cityvoices offline``: the whole site as one zip that works from
``file://`` (navigation, images, search, PDFs).  A thin shell: it builds the
site into a temporary folder (:func:`cityvoices.commands.build.build_site`)
and writes the offline copy of it (:mod:`cityvoices.offline`).
``cityvoices build`` makes the same zip by itself (``extra.cityvoices.offline``)."""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

from cityvoices import offline, textio
from cityvoices.commands import build as cvbuild
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, Problem


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "offline",
        help="build an offline copy of the site (one zip, opens from file://)",
        description=(
            "Build the site and package it as one zip that readers unpack and open by double-clicking "
            f"{offline.TOP}/index.html: navigation, images, search and the PDFs work without a network or a "
            "server. Exit codes: 0 done, 2 the build failed (nothing is overwritten)."
        ),
    )
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    p.add_argument("-o", "--output", default=None,
                   help=f"the zip to write (default: <site_dir>/{offline.ZIP_PATH})")
    p.add_argument("--dir", default=None,
                   help="also keep the unpacked offline site in this folder (a new or empty folder, or one "
                        "written by this command before)")
    p.add_argument("--no-pdf", action="store_true", help="leave the PDFs and EPUBs out (extra.cityvoices.pdf: false)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cityvoices.integrations import engine

    settings = engine.load_site(args.config_file)
    out = Path(args.output) if args.output else settings.site_dir / offline.ZIP_PATH
    if args.dir:  # refuse before spending a build on it
        textio.check_output_dir(args.dir, protect=(settings.docs_dir, settings.config_file))
    if out.exists() and not offline.is_offline_zip(out):
        print(Problem(textio.display_path(out), 0, "output-not-ours", "exists and is not an offline copy "
                      "written by cityvoices; nothing was written", "error").format(), file=sys.stderr)
        return EXIT_ERROR
    overrides = {"offline": False}
    if args.no_pdf:
        overrides["pdf"] = False
    with tempfile.TemporaryDirectory(prefix="cv-offline-") as tmp:
        site = Path(tmp) / offline.TOP
        with redirect_stdout(io.StringIO()):
            code = cvbuild.build_site(str(settings.config_file), str(site), quiet=True, overrides=overrides)
        if code != EXIT_CLEAN:
            print(Problem(textio.display_path(settings.config_file), 0, "offline-build",
                          f"the site build failed; {textio.display_path(out)} was not changed", "error").format(),
                  file=sys.stderr)
            return EXIT_ERROR
        size = offline.write_zip(site, out)
        if args.dir:
            offline.write_dir(site, args.dir)
    print(f"{textio.display_path(out)}: offline copy, {size / 1e6:.1f} MB; unpack it and open "
          f"{offline.TOP}/index.html")
    return EXIT_CLEAN
