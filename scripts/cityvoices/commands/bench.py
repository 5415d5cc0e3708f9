"""``cityvoices bench NAME``: run one benchmark.

A dispatcher only: benchmarks live in ``cityvoices.bench`` (one module each,
with ``NAME``, ``add_arguments(parser)`` and ``run(args) -> int``), so adding
one never edits this file."""

from __future__ import annotations

import argparse

from cityvoices import bench
from cityvoices.problems import EXIT_ERROR


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("bench", help="run a benchmark and record it in BENCHMARKS.md",
                              description="Run a benchmark; each writes its own section of BENCHMARKS.md.")
    sub = p.add_subparsers(dest="bench", metavar="NAME")
    for name, module in bench.discover().items():
        doc = (module.__doc__ or "").strip().splitlines()
        sp = sub.add_parser(name, help=doc[0] if doc else None, description=module.__doc__)
        module.add_arguments(sp)
        sp.set_defaults(func=module.run)
    p.set_defaults(func=lambda args, _p=p: (_p.print_help(), EXIT_ERROR)[1])
