"""``cityvoices serve``: preview the site; a saved edit shows in seconds.

``mkdocs serve`` rebuilds both languages and every page on each save.  Here
each language is built once, in this process, and kept loaded (its
configuration, files, navigation and template environment).  When a
Markdown file is saved, only the pages made from that file are rendered
again (in the languages that show it: its own, and another language that
falls back to it), together with that language's listing pages, so that a
changed title or summary shows there too; then the browser reloads.  A new
or deleted file, or a change to mkdocs.yml or the theme overrides, rebuilds
everything.  The MkDocs side is :class:`cityvoices.integrations.engine.ServeSession`.

The search index and the sitemap are those of the last full build (press
Ctrl-C and start again, or touch mkdocs.yml, to refresh them).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile

from cityvoices.commands.build import add_feature_arguments, feature_overrides
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, Problem


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve", help="preview the site; an edit re-renders only its own pages",
        description="Build the site once, serve it on 127.0.0.1 and re-render only the pages of a saved "
                    "Markdown file (in the languages that show it), then reload the browser.")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs configuration (default mkdocs.yml)")
    p.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT",
                   help="address to serve on (default 127.0.0.1:8000)")
    p.add_argument("-s", "--strict", action="store_true", help="stop at the first build with a warning")
    add_feature_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cityvoices.integrations import engine

    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        print(Problem("--dev-addr", 0, "serve-address", f"must be IP:PORT, not {args.dev_addr!r}",
                      "error").format(), file=sys.stderr)
        return EXIT_ERROR
    engine.setup_logging(False)
    work = tempfile.mkdtemp(prefix="cityvoices-serve-")
    try:
        session = engine.ServeSession(args.config_file, work, host=host, port=int(port), strict=args.strict,
                                      features=feature_overrides(args))
        try:
            session.full_build()
            session.serve()
        finally:
            session.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return EXIT_CLEAN
