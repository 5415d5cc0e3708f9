"""Benchmarks run by ``cityvoices bench NAME``.

Each module in this package (not starting with ``_``) is one benchmark and
exposes ``NAME``, ``add_arguments(parser)`` and ``run(args) -> int``.  The
shared helpers here write a benchmark's section of ``BENCHMARKS.md`` and
measure time and peak memory the same way for every benchmark.
"""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import platform
import re
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from cityvoices import textio


def discover() -> dict[str, ModuleType]:
    """``{NAME: module}`` for every benchmark module in this package."""
    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        # a benchmark that does not import is a bug, not something to skip
        module = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(module, attr) for attr in ("NAME", "add_arguments", "run")):
            found[module.NAME] = module
    return found


def repo_root(start: Path | None = None) -> Path:
    """The nearest folder above ``start`` (default: cwd) with ``mkdocs.yml`` or ``.git``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").exists() or (folder / ".git").exists():
            return folder
    return here


def replace_section(document: str, name: str, markdown_text: str) -> str:
    """``document`` with its ``## name`` section (up to the next ``## `` heading
    or the end) replaced by ``markdown_text``; appended when absent."""
    body = markdown_text.strip("\n")
    section = f"## {name}\n\n{body}\n"
    heading = re.compile(rf"^## {re.escape(name)}[ \t]*$", re.M)
    m = heading.search(document)
    if not m:
        if not document.strip():
            document = "# Benchmarks\n\nWritten by `cityvoices bench NAME`; each section belongs to one benchmark.\n"
        return document.rstrip("\n") + "\n\n" + section
    nxt = re.compile(r"^## ", re.M).search(document, m.end())
    end = nxt.start() if nxt else len(document)
    tail = document[end:]
    return document[: m.start()] + section + ("\n" + tail if tail else "")


def write_section(path: str | os.PathLike, name: str, markdown_text: str) -> None:
    """Write or replace the ``## name`` section of ``path`` (``BENCHMARKS.md``),
    keeping every other section, the encoding and the line endings."""
    path = Path(path)
    if path.exists():
        tf = textio.read_text_file(path)
    else:
        tf = textio.TextFile("")
    textio.atomic_write(path, tf.encode(replace_section(tf.text, name, markdown_text)))


def add_output_arguments(parser: Any, workdir_help: str = "where to generate archives (default: a temp folder)") -> None:
    """``--workdir``, ``--output`` and ``--no-write``: every archive benchmark's."""
    parser.add_argument("--workdir", default=None, help=workdir_help)
    parser.add_argument("--output", default=None, help="BENCHMARKS.md to update (default: repository root)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")


def archive_sizes(args: Any, example: str = "100,500") -> list[int]:
    """``--sizes`` as numbers, ``--workdir`` checked: a :class:`CityVoicesError` naming the bad one."""
    from cityvoices.problems import CityVoicesError

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or any(n < 1 for n in sizes):
        raise CityVoicesError("--sizes", 0, f"needs positive numbers, like {example}, not {args.sizes!r}",
                              "bench-args")
    if args.workdir and not Path(args.workdir).is_dir():
        raise CityVoicesError(args.workdir, 0, "--workdir: no such folder", "bench-args")
    return sizes


def add_archive_arguments(parser: Any, *, rounds: int, rounds_help: str, sizes: str = "2000") -> None:
    """``--sizes``, ``--seed``, ``--rounds`` and the output arguments of a
    benchmark that builds synthetic archives with and without a feature."""
    parser.add_argument("--sizes", default=sizes,
                        help=f"archive sizes in publications, comma-separated (default {sizes})")
    parser.add_argument("--seed", type=int, default=2013, help="random seed of the generator")
    parser.add_argument("--rounds", type=int, default=rounds, help=f"{rounds_help} (default {rounds})")
    add_output_arguments(parser)


def measure_sizes(args: Any, prefix: str, measure: Callable[[int, int, Path, int], dict],
                  example: str = "100,500") -> tuple[list[dict], list[float]]:
    """``measure(n, seed, work folder, rounds)`` for each of ``--sizes`` in a
    temporary folder (removed after); the rows and the load average after each."""
    import shutil
    import tempfile

    sizes = archive_sizes(args, example)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=args.workdir))
    rows, load = [], []
    try:
        for n in sizes:
            t0 = time.perf_counter()
            rows.append(measure(n, args.seed, work, args.rounds))
            load.append(os.getloadavg()[0])
            print(f"N={n}: done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows, load


def archive_notes(args: Any, load: list[float], command: str, *, build_extra: str = "",
                  compare: str = "compare the ratios") -> list[str]:
    """The archive and machine lines under a :func:`measure_sizes` benchmark's table."""
    return [f"- Archive: N publications from `cityvoices.synth` (seed {args.seed}), each in Korean and English "
            f"(as `cityvoices bench build`); `cityvoices build --no-pdf --no-offline`{build_extra}.",
            f"- Machine: {machine().replace(', one process, one thread', '')}, shared with other work "
            f"(load average {', '.join(f'{x:.1f}' for x in load)} at the end of each size: {compare}); "
            f"command: `cityvoices bench {command} --sizes {args.sizes} --rounds {args.rounds}`."]


def publish(args: Any, name: str, text: str) -> None:
    """Print a benchmark's section and, unless ``--no-write``, write it into
    ``--output`` (default: the repository's BENCHMARKS.md)."""
    print(text)
    if not args.no_write:
        path = args.output or (repo_root(Path(__file__).resolve().parents[3]) / "BENCHMARKS.md")
        write_section(path, name, text)
        print(f"updated the '## {name}' section of {path}")


@dataclass
class Measurement:
    seconds: float
    peak_bytes: int | None = None
    result: Any = None


def timed(fn: Callable[[], Any], repeat: int = 1) -> Measurement:
    """Best wall time of ``repeat`` runs of ``fn`` (garbage collected before each)."""
    best = float("inf")
    result = None
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return Measurement(best, None, result)


def peak_memory(fn: Callable[[], Any]) -> Measurement:
    """Peak Python heap allocated *by* ``fn`` (tracemalloc; slower, so time it
    separately with :func:`timed`)."""
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] - base
    if not was_tracing:
        tracemalloc.stop()
    return Measurement(seconds, peak, result)


def max_rss_bytes() -> int | None:
    """High-water resident set size of this process so far."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def machine() -> str:
    """One line describing where a benchmark ran."""
    return (f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPU(s), one process, one thread")
