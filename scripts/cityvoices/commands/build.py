"""``cityvoices build``: the site, with each language built in its own process.

mkdocs-static-i18n builds the languages one after another in one process.
Here every language is built by its own process into a temporary folder next
to the site folder (the same MkDocs, plugins, hooks and configuration; only
the language differs), and the trees are merged (:mod:`cityvoices.buildpar`),
links to PDFs that could not be made are taken out, the offline copy is made
(``extra.cityvoices.offline``), and the result is put in place: a failed
build leaves the previous site untouched.

The site folder is ours only if it is new, empty or carries our marker
(``.cityvoices-output``); its dotfiles (``.git``, ``.nojekyll``) are kept, as
``mkdocs build -d`` keeps them.  ``--serial`` builds every language in this
process instead (same output).  The MkDocs side is
:mod:`cityvoices.integrations.engine`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityvoices import buildpar, settings as _settings, textio, uptodate
from cityvoices.problems import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, CityVoicesError, Problem

SCRIPTS = str(Path(__file__).resolve().parents[2])


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "build", help="build the site, languages in parallel",
        description="Build the site with MkDocs, one process per language, and merge the result "
                    "into the site folder (replaced only when every language built; a folder we did not "
                    "write is refused, its dotfiles are kept). Exit codes: 0 built, 2 the build failed "
                    "(nothing replaced; under --strict also on any warning) or a PDF could not be made "
                    "(the site is built without links to it), 130 interrupted.")
    add_build_arguments(p)
    p.set_defaults(func=run)


def add_feature_arguments(p: argparse.ArgumentParser) -> None:
    """``--no-pdf``, ``--no-search``, ``--no-offline``: this run's overrides
    of ``extra.cityvoices`` in mkdocs.yml."""
    for name, (_default, what) in _settings.FEATURES.items():
        p.add_argument(f"--no-{name}", dest=f"no_{name}", action="store_true",
                       help=f"this run without: {what} (extra.cityvoices.{name} in mkdocs.yml)")


def feature_overrides(args: argparse.Namespace) -> dict[str, bool]:
    return {name: False for name in _settings.FEATURES if getattr(args, f"no_{name}", False)}


def feature_flags(overrides: dict[str, bool]) -> list[str]:
    return [f"--no-{name}" for name, on in overrides.items() if not on]


def add_build_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs configuration (default mkdocs.yml)")
    p.add_argument("-d", "--site-dir", default=None, help="output folder (default: site_dir of the configuration)")
    p.add_argument("-s", "--strict", action="store_true", help="fail on any warning, as mkdocs build --strict")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("--serial", action="store_true", help="one process, languages one after another")
    p.add_argument("--jobs", type=int, default=0, help="parallel processes (default: one per language)")
    p.add_argument("--stats", default=None, metavar="FILE",
                   help="write wall and CPU time, per-phase times and peak memory of every process as JSON "
                        "to FILE (the format is in the editors' guide)")
    add_feature_arguments(p)
    p.add_argument("--lang", dest="child_lang", default=None, help=argparse.SUPPRESS)
    p.add_argument("--phase-stats", dest="phase_stats", default=None, help=argparse.SUPPRESS)
    p.add_argument("--digests", dest="digests", default=None, help=argparse.SUPPRESS)
    p.add_argument("--share-rows", dest="share_rows", default=None, help=argparse.SUPPRESS)
    p.add_argument("--previous", dest="previous", default=None, help=argparse.SUPPRESS)


# -- one language, in this process (the child) ------------------------------------------------

def build_one(args: argparse.Namespace) -> int:
    from cityvoices.integrations import engine

    engine.setup_logging(args.quiet)
    try:
        report = engine.build_language(args.config_file, args.child_lang, args.site_dir, strict=args.strict,
                                       features=feature_overrides(args), stats=args.phase_stats,
                                       digests=args.digests, share_rows=args.share_rows,
                                       previous=args.previous)
    except CityVoicesError as exc:
        print(exc.problem.format(), file=sys.stderr)
        return EXIT_ERROR
    # 1: built, but some outputs (PDFs) could not be made; the parent decides
    return EXIT_FINDINGS if report.failed else EXIT_CLEAN


# -- the parent --------------------------------------------------------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    env["PYTHONPATH"] = SCRIPTS + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _die_with_parent() -> None:
    # the child gets SIGTERM (its handler cleans up) when the parent dies, even by SIGKILL
    buildpar.die_with_parent(signal.SIGTERM)


class _Interrupted(Exception):
    def __init__(self, signum: int):
        self.signum = signum


def _raise_interrupt(signum: int, _frame) -> None:
    raise _Interrupted(signum)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_builds(dest: Path) -> None:
    """Remove ``.<site>.build-<pid>-*`` folders whose build process is gone
    (a build killed with SIGKILL cannot clean up after itself)."""
    for tmp in dest.parent.glob(f".{dest.name}.build-*"):
        parts = tmp.name[len(f".{dest.name}.build-"):].split("-", 1)
        if parts and parts[0].isdigit() and int(parts[0]) != os.getpid() and not _pid_alive(int(parts[0])):
            shutil.rmtree(tmp, ignore_errors=True)


def _retired(dest: Path) -> Path:
    """A free name for a tree this build retires next to ``dest``
    (``.<site>.old-<pid>-<n>``: what :func:`start_removal` removes)."""
    n = 0
    while os.path.lexists(path := dest.with_name(f".{dest.name}.old-{os.getpid()}-{n}")):
        n += 1
    return path


def retired_trees(dest: Path) -> list[Path]:
    """The trees builds retired next to ``dest`` and did not remove yet."""
    return sorted(p for p in dest.parent.glob(f".{dest.name}.old-*") if p.is_dir() and not p.is_symlink())


def remove_trees(trees: list[str | os.PathLike]) -> None:
    """Remove each tree (a symlink in it is removed, never followed)."""
    for tree in trees:
        shutil.rmtree(tree, ignore_errors=True)


_REMOVER = "import os, sys; os.nice(19); from cityvoices.commands.build import remove_trees; remove_trees(sys.argv[1:])"


def start_removal(dest: Path) -> subprocess.Popen | None:
    """Remove the retired trees next to ``dest`` in a process of its own at
    the lowest priority, which outlives this one (the command returns while
    the old site is being deleted; a build that starts meanwhile hands the
    same trees to another remover, which skips what is gone).  ``None``:
    there are none."""
    trees = retired_trees(dest)
    if not trees:
        return None
    return subprocess.Popen([sys.executable, "-c", _REMOVER, *map(str, trees)], env=_env(),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, close_fds=True)


#: A warm build leaves the tree it replaced (and its own leftovers) to a
#: remover that outlives it (:func:`start_removal`) when at least this share
#: of the new site's bytes are in hard links into it (so the old tree holds
#: little disk space until it is gone); otherwise it removes them at once.
KEEP_OLD_SHARE = 0.5


def place_into(new: Path, dest: Path, *, keep_old: bool = False) -> Path | None:
    """Put the built tree ``new`` in place of ``dest``: two renames, the old
    tree deleted after (``keep_old``: renamed to a name of
    :func:`_retired` and returned, for :func:`start_removal`).
    ``dest``'s top-level dotfiles (``.git``, ``.nojekyll``) move into the
    new tree unless the build wrote the same name."""
    textio.mark_output_dir(new)
    old = None
    if dest.exists():
        for entry in dest.iterdir():
            if entry.name == uptodate.STAMP:  # the old build's: it describes the old tree
                continue
            if entry.name.startswith(".") and not os.path.lexists(new / entry.name):
                os.replace(entry, new / entry.name)
        old = _retired(dest)
        os.replace(dest, old)
    os.replace(new, dest)
    if old is not None and not keep_old:
        shutil.rmtree(old, ignore_errors=True)
        return None
    return old


def _reap(procs: dict[int, tuple[str, subprocess.Popen, float]], stats: dict) -> tuple[str, int]:
    pid, status, usage = os.wait4(-1, 0)
    lang, proc, t0 = procs.pop(pid)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stats["processes"][lang] = {"seconds": round(time.perf_counter() - t0, 3),
                                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
                                "max_rss_bytes": usage.ru_maxrss * 1024,
                                "returncode": proc.returncode}
    return lang, proc.returncode


def _read_phases(path: Path, into: dict) -> None:
    """A child's per-phase figures (:mod:`cityvoices.integrations.timing`) into its entry."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # the child died before it could write them
    for key in ("pages", "phases", "events", "plugins", "hooks", "cache"):
        into[key] = data.get(key)


def _show_log(lang: str, text: str) -> None:
    """A child's log: our findings as they are, the generator's lines tagged
    with the language."""
    for line in text.splitlines():
        print(line if Problem.looks_formatted(line) else f"[{lang}] {line}", file=sys.stderr)


def _run_children(plan: list[buildpar.LangJob], config_file: Path, tmp: Path, *, strict: bool, quiet: bool,
                  width: int, overrides: dict[str, bool], stats: dict,
                  phases: bool = False, digests: Path | None = None,
                  previous: Path | None = None) -> tuple[list[str], list[str]]:
    """Run one child per language; returns (failed languages, languages with
    failed outputs).  ``phases``: each child times its phases
    (``stats["processes"][lang]["phases"]`` …); ``digests``: the inputs'
    content digests this process took (the children take them over);
    ``previous``: the site folder this build replaces (the children link the
    pages that did not change to its files)."""
    procs: dict[int, tuple[str, subprocess.Popen, float]] = {}
    logs: dict[str, Path] = {}
    failed: list[str] = []
    partial: list[str] = []
    queue = list(plan)
    try:
        while queue or procs:
            while queue and len(procs) < width:
                job = queue.pop(0)
                log_path = tmp / f"{job.lang}.log"
                logs[job.lang] = log_path
                cmd = [sys.executable, "-m", "cityvoices", "build", "--lang", job.lang,
                       "-f", str(config_file), "-d", job.out_dir, *feature_flags(overrides)]
                if strict:
                    cmd.append("--strict")
                if quiet:
                    cmd.append("--quiet")
                if phases:
                    cmd += ["--phase-stats", str(tmp / f"{job.lang}.stats.json")]
                if digests is not None:
                    cmd += ["--digests", str(digests)]
                # the side-by-side pages' rows: each language's cuts, for the other (integrations.sidebyside)
                cmd += ["--share-rows", str(tmp)]
                if previous is not None:
                    cmd += ["--previous", str(previous)]
                with open(log_path, "wb") as log:
                    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=_env(),
                                            cwd=str(config_file.parent), preexec_fn=_die_with_parent)
                procs[proc.pid] = (job.lang, proc, time.perf_counter())
            lang, code = _reap(procs, stats)
            if phases:
                _read_phases(tmp / f"{lang}.stats.json", stats["processes"][lang])
            text = logs[lang].read_text(encoding="utf-8", errors="replace").strip()
            if text:
                _show_log(lang, text)
            if code == EXIT_FINDINGS:
                partial.append(lang)
            elif code != EXIT_CLEAN:
                failed.append(lang)
    finally:
        for _lang, proc, _t0 in procs.values():  # interrupted: no child outlives us
            proc.terminate()
        for _lang, proc, _t0 in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return failed, partial


def build_site(config_file: str, site_dir: str | None, *, strict: bool = False, quiet: bool = False,
               serial: bool = False, jobs: int = 0, overrides: dict[str, bool] | None = None,
               stats_out: dict | None = None, timed: bool = False) -> int:
    """Build the site (see the module's docstring).  ``stats_out`` receives
    the figures of ``--stats``; ``timed``: with every process's per-phase
    times (:mod:`cityvoices.integrations.timing`)."""
    from cityvoices import offline
    from cityvoices.integrations import engine

    t0 = time.perf_counter()
    overrides = overrides or {}
    req = uptodate.request(config_file, site_dir, strict=strict, overrides=overrides)
    if overrides.get("cache", True):
        done, _why = uptodate.check(req)
        if done is not None:
            return _up_to_date(done, t0, quiet, stats_out)
    settings = engine.load_site(config_file, site_dir=site_dir, strict=strict, features=overrides)
    config_path = settings.config_file
    shown_config = textio.display_path(config_path)
    dest = settings.site_dir
    if not settings.languages:
        raise CityVoicesError(shown_config, 0, "the configuration has no i18n languages to build", "config")
    textio.check_output_dir(dest, protect=(settings.docs_dir, config_path))
    dest.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_builds(dest)
    keep_old, previous, outputs = False, None, None
    # what this build reads, as it is before it starts (the stamp written after it, uptodate)
    snap = uptodate.before_build(req, uptodate.roots_of(settings), dest) if settings.features.get("cache") else None
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.build-{os.getpid()}-", dir=dest.parent))
    stats: dict = {"processes": {}, "mode": "serial" if serial else "parallel"}
    handlers = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        plan = buildpar.plan_jobs(settings.languages, str(tmp))
        default = next(j for j in plan if j.default)
        if serial:
            engine.setup_logging(quiet)
            try:
                report = engine.build_all(config_path, default.out_dir, strict=strict, features=overrides,
                                          stats=tmp / "serial.stats.json" if timed else None)
            except engine.BuildError as exc:
                print(Problem(shown_config, 0, "build-failed", f"{exc.problem.message}; "
                              f"{textio.display_path(dest)} was not changed", "error").format(), file=sys.stderr)
                return EXIT_ERROR
            failed, partial = [], (["all"] if report.failed else [])
        else:
            width = jobs if jobs > 0 else len(plan)
            digests = None
            if snap is not None:
                digests = tmp / "digests.json"
                textio.atomic_write(digests, json.dumps(uptodate.known_digests(snap)).encode("utf-8"))
            previous = dest if textio.is_our_output(dest) else None
            failed, partial = _run_children(plan, config_path, tmp, strict=strict, quiet=quiet, width=width,
                                            overrides=overrides, stats=stats, phases=timed, digests=digests,
                                            previous=previous)
        if serial and timed:  # the phases of this process (every language, one after another)
            _read_phases(tmp / "serial.stats.json", stats)
        if failed:
            print(Problem(shown_config, 0, "build-failed", f"the {', '.join(failed)} build failed; "
                          f"{textio.display_path(dest)} was not changed", "error").format(), file=sys.stderr)
            return EXIT_ERROR
        t1, c1 = time.perf_counter(), time.process_time()
        root = Path(default.out_dir)
        if not serial:
            for path in buildpar.merge_trees(plan):
                print(Problem(shown_config, 0, "build-merge", f"{path} differs between the language builds; "
                              "kept the default language's", "warning").format(), file=sys.stderr)
        dropped = engine.finish_site(root, failed=bool(partial))
        if settings.features.get("offline"):
            offline.write_zip(root, root / offline.ZIP_PATH)
        # a warm build's new tree is mostly hard links into the old one: the old
        # tree and this build's leftovers are removed by a process of their
        # own once the site is in place (removing them here took seconds)
        reuse = not serial and previous is not None
        if snap is not None or reuse:  # the stamp's record of the outputs (the rename keeps it)
            outputs = uptodate.scan_outputs(root)
        keep_old = reuse and uptodate.linked_share(outputs) >= KEEP_OLD_SHARE
        place_into(root, dest, keep_old=keep_old)
        stats["merge_seconds"] = round(time.perf_counter() - t1, 3)
        stats["merge_cpu_seconds"] = round(time.process_time() - c1, 3)
    except _Interrupted as exc:
        print(Problem(shown_config, 0, "interrupted", f"stopped by signal {exc.signum}; "
                      f"{textio.display_path(dest)} was not changed", "error").format(), file=sys.stderr)
        return 128 + exc.signum
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        if keep_old:
            os.replace(tmp, _retired(dest))
            stats["old_site"] = "left to a remover"
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        start_removal(dest)  # also what an earlier remover, stopped, left
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    stats["self_cpu_seconds"] = round(time.process_time(), 3)
    import resource

    stats["self_max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    stats["max_rss_bytes_sum"] = sum(p["max_rss_bytes"] for p in stats["processes"].values())
    if stats_out is not None:
        stats_out.update(stats)
    if partial or dropped:
        print(Problem(shown_config, 0, "pdf-failed", f"the site was built into {textio.display_path(dest)}, "
                      f"but PDFs or EPUBs could not be made (listed above); {len(dropped)} link(s) to missing files "
                      "were left out of the pages", "error").format(), file=sys.stderr)
        return EXIT_ERROR
    if snap is not None:
        uptodate.record(snap, dest, outputs)
    if not quiet:
        per = ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in stats["processes"].items())
        print(f"INFO    -  Documentation built in {stats['seconds']:.2f} seconds"
              f"{f' ({per})' if per else ''} into {textio.display_path(dest)}", file=sys.stderr)
    return EXIT_CLEAN


def _up_to_date(dest: Path, t0: float, quiet: bool, stats_out: dict | None) -> int:
    """Nothing the build reads changed since it wrote ``dest``, nor did ``dest``."""
    import resource

    seconds = round(time.perf_counter() - t0, 3)
    if stats_out is not None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        stats_out.update({"processes": {}, "mode": "up-to-date", "up_to_date": True, "seconds": seconds,
                          "self_cpu_seconds": round(time.process_time(), 3), "self_max_rss_bytes": rss,
                          "max_rss_bytes_sum": 0})
    if not quiet:
        print(f"INFO    -  site up to date: nothing changed since the last build into {textio.display_path(dest)} "
              f"(checked in {seconds:.2f} seconds; nothing written)", file=sys.stderr)
    return EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    if args.child_lang:
        return build_one(args)
    stats: dict = {}
    code = build_site(args.config_file, args.site_dir, strict=args.strict, quiet=args.quiet, serial=args.serial,
                      jobs=args.jobs, overrides=feature_overrides(args), stats_out=stats, timed=bool(args.stats))
    if args.stats:
        textio.atomic_write(args.stats, json.dumps(stats, indent=2).encode("utf-8"))
    return code
