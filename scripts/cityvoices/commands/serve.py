"""``cityvoices serve``: preview the site; a saved edit shows in seconds.

Each language is built in this process into a temporary folder, and built
again after every saved change through the warm-build cache
(``.cache/cityvoices/``, the same one ``cityvoices build`` uses): only the
pages whose inputs changed are rendered (the edited publication's pages in
both languages, and the pages that list publications), everything else is
taken from the cache, and the search index, listings, feeds, people and tag
pages are made afresh, so nothing the reader sees is stale.  A change to
mkdocs.yml or the theme renders every page again.  The PDFs and EPUBs are
made after the browser has reloaded the pages, in a process of their own (a
request for one waits until it is made), so an edit shows without waiting for them; under ``--strict``
their warnings are reported but do not stop the preview.  The MkDocs side is
:class:`cityvoices.integrations.engine.ServeSession`.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile

from cityvoices.commands.build import add_feature_arguments, feature_overrides
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, Problem


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve", help="preview the site; an edit renders again only the pages it touches (warm-build cache)",
        description="Build the site, serve it on 127.0.0.1 and, after every saved change, build it again "
                    "through the warm-build cache (only the pages the change touches are rendered; the search "
                    "index, listings and feeds are fresh), then reload the browser.")
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

    def stop(_signum: int, _frame: object) -> None:  # `kill`: end as Ctrl-C does, temporary folder removed
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    work = tempfile.mkdtemp(prefix="cityvoices-serve-")
    session = None
    try:
        session = engine.ServeSession(args.config_file, work, host=host, port=int(port), strict=args.strict,
                                      features=feature_overrides(args))
        try:
            session.full_build()
            session.serve()
        except KeyboardInterrupt:
            pass
        finally:
            session.close(wait=False)  # PDFs nobody will read are stopped
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return EXIT_CLEAN
