"""``cityvoices``: one thin command with a subcommand per capability.

Each subcommand lives in its own module under ``cityvoices.commands`` and
exposes ``register(subparsers)``; the module's handler returns an exit code:
0 clean, 1 findings, 2 errors.  Adding a capability never edits this file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from cityvoices import __version__, commands
from cityvoices.problems import EXIT_ERROR, EXIT_INTERRUPTED, CityVoicesError, Problem


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv`` naming a subcommand, only that command's
    module is imported (each language process of a build starts this CLI, and
    importing every command, benchmark and importer cost more than MkDocs' own
    imports)."""
    parser = argparse.ArgumentParser(
        prog="cityvoices",
        description="Publishing tools for CityVoices (bilingual Korean/English).",
        epilog="Exit codes: 0 clean, 1 findings, 2 errors.",
    )
    parser.add_argument("--version", action="version", version=f"cityvoices {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = [info.name for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name)
             if not info.name.startswith("_")]
    first = next((a for a in argv or () if not a.startswith("-")), None)
    wanted = [n for n in names if n.rstrip("_") == first]  # import_.py is `cityvoices import`
    for name in wanted or names:
        module = importlib.import_module(f"cityvoices.commands.{name}")
        module.register(sub)
    return parser


def _problem(exc: BaseException) -> Problem:
    """A failure no command caught, as ``path:line: error: message [code]``
    (a traceback is a bug: every command's I/O errors end up here)."""
    if isinstance(exc, CityVoicesError):
        return exc.problem
    if isinstance(exc, UnicodeError):
        where = getattr(exc, "filename", None) or "<input>"
        return Problem(str(where), 0, "encoding", f"cannot decode or encode text: {exc}", "error")
    if isinstance(exc, RecursionError):
        return Problem("<input>", 0, "too-deep", "the input nests too deeply to be processed "
                       "(a list or quote nested hundreds of levels?)", "error")
    if isinstance(exc, OSError):
        where = exc.filename or "<file>"
        if exc.filename2:
            where = f"{exc.filename} -> {exc.filename2}"
        return Problem(str(where), 0, "os-error", exc.strerror or str(exc), "error")
    raise exc


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(args.func(args) or 0)
    except (CityVoicesError, OSError, RecursionError, UnicodeError) as exc:
        print(_problem(exc).format(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        # every command cleans up in its own `finally`; here only the exit code
        print("cityvoices: error: interrupted [interrupted]", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
