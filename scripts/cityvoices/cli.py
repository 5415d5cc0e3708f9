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
from cityvoices.problems import EXIT_ERROR, CityVoicesError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cityvoices",
        description="Publishing tools for CityVoices (bilingual Korean/English).",
        epilog="Exit codes: 0 clean, 1 findings, 2 errors.",
    )
    parser.add_argument("--version", action="version", version=f"cityvoices {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"cityvoices.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(args.func(args) or 0)
    except CityVoicesError as exc:
        print(exc.problem.format(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
