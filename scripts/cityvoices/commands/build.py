"""``cityvoices build``: the site, with each language built in its own process.

mkdocs-static-i18n builds the languages one after another in one process.
Here every language is built by its own MkDocs process into a temporary
folder next to the site folder (the same MkDocs, plugins, hooks and
configuration; only the language differs), and the trees are merged and
swapped into place, so a failed build leaves the previous site untouched.
The shared root files (search index, sitemap) are combined as the serial
build would (:mod:`cityvoices.buildpar`).

``--serial`` runs the plain ``mkdocs build`` instead (same output).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityvoices import buildpar, textio
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR

SCRIPTS = str(Path(__file__).resolve().parents[2])


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "build", help="build the site, languages in parallel",
        description="Build the site with MkDocs, one process per language, and merge the result "
                    "into the site folder (replaced only when every language built). "
                    "Exit codes: 0 built, 2 the build failed (nothing replaced).")
    add_build_arguments(p)
    p.set_defaults(func=run)


def add_build_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs configuration (default mkdocs.yml)")
    p.add_argument("-d", "--site-dir", default=None, help="output folder (default: site_dir of the configuration)")
    p.add_argument("-s", "--strict", action="store_true", help="fail on any warning, as mkdocs build --strict")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("--serial", action="store_true", help="one process, languages one after another (plain mkdocs build)")
    p.add_argument("--jobs", type=int, default=0, help="parallel processes (default: one per language)")
    p.add_argument("--stats", default=None, metavar="FILE",
                   help="write timings and peak memory of every process as JSON to FILE")
    p.add_argument("--lang", dest="child_lang", default=None, help=argparse.SUPPRESS)


# -- one language, in this process ---------------------------------------------------------

def _setup_logging(quiet: bool) -> None:
    # What `mkdocs build` does: warnings and errors on stderr (and --strict
    # counts them inside mkdocs.commands.build.build).
    # Quiet hides warnings from the screen only: the logger stays at WARNING,
    # so that --strict still counts them (`mkdocs build -q --strict` raises
    # the logger's level instead and lets warnings through unseen).
    logger = logging.getLogger("mkdocs")
    handler = next((h for h in logger.handlers if getattr(h, "_cityvoices", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._cityvoices = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def load_config(config_file: str, site_dir: str | None = None, strict: bool = False):
    from mkdocs.config import load_config as _load

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    kwargs = {"config_file": config_file, "strict": strict or None}
    if site_dir:
        kwargs["site_dir"] = site_dir
    return _load(**{k: v for k, v in kwargs.items() if v is not None})


def languages(config) -> list[tuple[str, bool]]:
    """``(locale, is_default)`` of every language the i18n plugin builds."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return []
    return [(lang.locale, bool(lang.default)) for lang in plugin.config.languages if lang.build]


def select_language(config, lang: str) -> None:
    """Make the i18n plugin build ``lang`` only.

    The plugin reads ``current_language`` in ``on_config`` (set before the
    build) and builds the other languages from ``on_post_build`` unless it is
    already ``building``; every language stays configured, so the language
    switcher, hreflang alternates and fallbacks are those of a full build."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        raise ValueError("the configuration has no i18n plugin")
    plugin.current_language = lang
    plugin.building = True


def build_one(config_file: str, lang: str, site_dir: str, strict: bool, quiet: bool) -> int:
    """Build one language into ``site_dir`` in this process (the child side)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    _setup_logging(quiet)
    try:
        config = load_config(config_file, site_dir, strict)
        select_language(config, lang)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
            # what static-i18n does after its last language: rewrite the root
            # search index from the entries it stacked (this language's only;
            # the parent combines the languages' indexes)
            config.plugins["i18n"].reconfigure_search_index(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, MkDocsException) as exc:
        print(f"ERROR   -  [{lang}] {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN


# -- several languages, one process each ---------------------------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    env["PYTHONPATH"] = SCRIPTS + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _tree(root: Path) -> dict[str, Path]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = path
    return out


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def merge_trees(jobs: list[buildpar.LangJob], dest: Path) -> list[str]:
    """Merge the language trees into the default language's folder (moving
    files, no copies) and return it; the caller swaps it into place.
    Returns the root files two builds wrote differently (kept: default's)."""
    default = next(j for j in jobs if j.default)
    trees = {j.lang: _tree(Path(j.out_dir)) for j in jobs}
    seen: dict[str, int] = {}
    for tree in trees.values():
        for rel in tree:
            seen[rel] = seen.get(rel, 0) + 1
    digests = {lang: {rel: (_digest(p) if seen[rel] > 1 else "") for rel, p in tree.items()}
               for lang, tree in trees.items()}
    plan = buildpar.plan_merge(digests, default.lang)
    root = Path(default.out_dir)
    for rel, lang in plan.take.items():
        if lang == default.lang:
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(trees[lang][rel], target)
    others = [j.lang for j in jobs if not j.default]
    for rel in plan.combine:
        texts = [trees[j.lang][rel].read_text(encoding="utf-8") for j in jobs if rel in trees[j.lang]]
        if rel.endswith("search_index.json"):
            merged = buildpar.merge_search_index(texts, others)
        else:
            merged = buildpar.merge_sitemaps(texts)
        textio.atomic_write(root / rel, merged.encode("utf-8"))
    for rel in plan.derived:
        source = buildpar.DERIVED[rel]
        data = (root / source).read_bytes()
        textio.atomic_write(root / rel, gzip.compress(data, mtime=0))
    return plan.conflicts


def swap_into_place(new: Path, dest: Path) -> None:
    """Replace ``dest`` by ``new`` with two renames (the old tree is deleted after)."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
    os.replace(new, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _reap(procs: dict[int, tuple[str, subprocess.Popen, float]], stats: dict) -> tuple[str, int]:
    pid, status, usage = os.wait4(-1, 0)
    lang, proc, t0 = procs.pop(pid)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stats["processes"][lang] = {"seconds": round(time.perf_counter() - t0, 3),
                                "max_rss_bytes": usage.ru_maxrss * 1024,
                                "returncode": proc.returncode}
    return lang, proc.returncode


def build_parallel(config_file: str, site_dir: str | None, *, strict: bool = False, quiet: bool = False,
                   jobs: int = 0, only: list[str] | None = None, stats_out: dict | None = None) -> int:
    t0 = time.perf_counter()
    config = load_config(config_file, site_dir, strict)
    dest = Path(config.site_dir).resolve()
    langs = languages(config)
    if not langs:
        raise SystemExit("cityvoices build: the configuration has no i18n languages to build")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.build-", dir=dest.parent))
    plan = buildpar.plan_jobs(langs, str(tmp), only)
    stats: dict = {"processes": {}, "mode": "parallel"}
    procs: dict[int, tuple[str, subprocess.Popen, float]] = {}
    logs: dict[str, Path] = {}
    width = jobs if jobs > 0 else len(plan)
    failed: list[str] = []
    try:
        queue = list(plan)
        while queue or procs:
            while queue and len(procs) < width:
                job = queue.pop(0)
                log_path = tmp / f"{job.lang}.log"
                logs[job.lang] = log_path
                cmd = [sys.executable, "-m", "cityvoices", "build", "--lang", job.lang,
                       "-f", str(Path(config_file).resolve()), "-d", job.out_dir]
                if strict:
                    cmd.append("--strict")
                if quiet:
                    cmd.append("--quiet")
                with open(log_path, "wb") as log:
                    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=_env(),
                                            cwd=str(Path(config_file).resolve().parent))
                procs[proc.pid] = (job.lang, proc, time.perf_counter())
            lang, code = _reap(procs, stats)
            text = logs[lang].read_text(encoding="utf-8", errors="replace").strip()
            if text:
                print("\n".join(f"[{lang}] {line}" for line in text.splitlines()), file=sys.stderr)
            if code != 0:
                failed.append(lang)
        if failed:
            print(f"cityvoices build: the {', '.join(failed)} build failed; {dest} was not changed",
                  file=sys.stderr)
            return EXIT_ERROR
        t1 = time.perf_counter()
        conflicts = merge_trees(plan, dest)
        for path in conflicts:
            print(f"WARNING -  cityvoices build: {path} differs between the language builds; "
                  f"kept the default language's", file=sys.stderr)
        swap_into_place(Path(next(j for j in plan if j.default).out_dir), dest)
        stats["merge_seconds"] = round(time.perf_counter() - t1, 3)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    import resource

    stats["self_max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    stats["max_rss_bytes_sum"] = sum(p["max_rss_bytes"] for p in stats["processes"].values())
    if stats_out is not None:
        stats_out.update(stats)
    if not quiet:
        per = ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in stats["processes"].items())
        print(f"INFO    -  Documentation built in {stats['seconds']:.2f} seconds ({per}) into {dest}",
              file=sys.stderr)
    return EXIT_CLEAN


def build_serial(config_file: str, site_dir: str | None, *, strict: bool, quiet: bool) -> int:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", config_file]
    if site_dir:
        cmd += ["-d", site_dir]
    if strict:
        cmd.append("--strict")
    elif quiet:
        cmd.append("-q")
    return EXIT_CLEAN if subprocess.call(cmd, env=_env()) == 0 else EXIT_ERROR


def run(args: argparse.Namespace) -> int:
    if not Path(args.config_file).is_file():
        print(f"cityvoices build: {args.config_file}: no such configuration file", file=sys.stderr)
        return EXIT_ERROR
    if args.child_lang:
        return build_one(args.config_file, args.child_lang, args.site_dir, args.strict, args.quiet)
    if args.serial:
        t0 = time.perf_counter()
        code = build_serial(args.config_file, args.site_dir, strict=args.strict, quiet=args.quiet)
        stats = {"mode": "serial", "seconds": round(time.perf_counter() - t0, 3)}
    else:
        stats = {}
        code = build_parallel(args.config_file, args.site_dir, strict=args.strict, quiet=args.quiet,
                              jobs=args.jobs, stats_out=stats)
    if args.stats:
        textio.atomic_write(args.stats, json.dumps(stats, indent=2).encode("utf-8"))
    return code
