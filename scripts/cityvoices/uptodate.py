"""The whole-site up-to-date check of ``cityvoices build``: before MkDocs is
even imported, is the output folder already what a build would write?

A successful build records a **stamp** in its output folder, next to the
output marker (:data:`STAMP`, written atomically, last):

- the **request**: the configuration file, the output folder, ``--strict``
  and this run's switches (``--no-pdf`` ...);
- the **environment**: the Python, its import path and the installed
  distributions (name and version of every ``*.dist-info``), the Debian
  package database's size and time (fonts, Chromium), ``SOURCE_DATE_EPOCH``;
- the **inputs**: every file of the docs folder, the theme folder, this
  package and the hooks, and ``mkdocs.yml``, each as (size, mtime_ns, ctime_ns, content
  digest), taken *before* the build ran;
- the **outputs**: every file and folder of the output folder (size,
  mtime_ns, ctime_ns, inode; its top-level dotfiles, ``.git``, are not ours);
  the ctime is left out for a file that has other hard links (a warm build's
  file shared with the site it replaced: removing that site, after the
  stamp, changes the file's ctime).

The next build (:func:`check`) is skipped only when all four are unchanged.
A file whose size or times differ is hashed again and counts as changed only
if its content did (a ``touch`` does not rebuild); a file modified or changed within
:data:`RACY_NS` of the scan that recorded it is always hashed again (its time
cannot tell a second edit in the same tick).  An output file edited,
replaced, added or deleted changes its record (ctime cannot be set back), so
a tampered output is rebuilt.  A configuration that reads the environment
(``!ENV``) or another file (``INHERIT``) is never skipped: no stamp is
written for it.

The output folder of a request is found without loading the configuration
through a hint in the cache folder (:func:`hint_path`); the hint is only a
pointer, the stamp in the output folder decides.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from cityvoices import buildcache, textio

FORMAT = 1
#: The stamp file, in the output folder beside :data:`cityvoices.textio.OUTPUT_MARKER`.
STAMP = ".cityvoices-stamp.json"
#: A file modified this close to (or after) the scan that recorded it is hashed again.
RACY_NS = 2_000_000_000
_SKIP_DIRS = ("__pycache__",)


@dataclass(frozen=True)
class Root:
    """One input of the build: a folder (every file below it) or one file."""

    label: str
    path: str
    tree: bool


def request(config_file: str | os.PathLike, site_dir: str | os.PathLike | None, *, strict: bool,
            overrides: Mapping[str, bool]) -> dict[str, Any]:
    """What a ``cityvoices build`` was asked for (the output does not depend
    on ``--serial``, ``--jobs`` or ``--quiet``)."""
    return {"format": FORMAT, "config": os.path.realpath(config_file),
            "site_dir": os.path.abspath(site_dir) if site_dir else None, "strict": bool(strict),
            "overrides": {k: bool(v) for k, v in sorted(overrides.items())}}


def roots_of(settings: Any) -> list[Root]:
    """The inputs of a build of ``settings`` (:class:`cityvoices.settings.SiteSettings`)."""
    roots = [Root("config", str(settings.config_file), False), Root("docs", str(settings.docs_dir), True),
             Root("code", str(Path(__file__).resolve().parent), True)]
    if settings.theme_dir is not None:
        roots.append(Root("theme", str(settings.theme_dir), True))
    roots += [Root(f"hook{i}", str(path), False) for i, path in enumerate(settings.hooks)]
    return roots


def hint_path(req: Mapping[str, Any]) -> Path:
    """Where the output folder of ``req`` is noted (the cache folder beside mkdocs.yml)."""
    base = Path(req["config"]).parent / buildcache.CACHE_DIR / "uptodate"
    return base / f"{buildcache.digest('request', dict(req))}.json"


def checkable(config_text: str) -> bool:
    """Can the inputs of this configuration be listed (no ``!ENV``, no ``INHERIT``)?"""
    return "!ENV" not in config_text and "INHERIT" not in config_text


def environment() -> str:
    """A digest of what the build runs on besides our files."""
    dists = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        dists.append([entry, sorted(n for n in names if n.endswith((".dist-info", ".egg-info", ".pth")))])
    try:
        st = os.stat("/var/lib/dpkg/status")
        dpkg = [st.st_size, st.st_mtime_ns]
    except OSError:
        dpkg = None
    return buildcache.digest("environment", FORMAT, sys.version, sys.executable, dists, dpkg,
                             os.environ.get("SOURCE_DATE_EPOCH"))


# -- inputs -------------------------------------------------------------------------------------

def _walk(root: str, *, skip_top_dots: bool = False, code: bool = False) -> Iterable[tuple[str, str, bool]]:
    """(relative path, path, is a folder) of everything below ``root``, in order."""
    for dirpath, dirs, names in os.walk(root):
        top = dirpath == root
        dirs[:] = sorted(d for d in dirs if not (code and d in _SKIP_DIRS) and not (top and skip_top_dots
                                                                                    and d.startswith(".")))
        rel_dir = "" if top else dirpath[len(root.rstrip(os.sep)) + 1:].replace(os.sep, "/") + "/"
        for d in dirs:
            yield rel_dir + d + "/", os.path.join(dirpath, d), True
        for name in sorted(names):
            if code and name.endswith((".pyc", ".tmp")):
                continue
            if top and skip_top_dots and name.startswith("."):
                continue
            yield rel_dir + name, os.path.join(dirpath, name), False


def _content(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return buildcache.digest(fh.read())
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def scan_inputs(roots: Iterable[Root], previous: Mapping[str, list] | None = None,
                previous_scan_ns: int = 0) -> dict[str, list]:
    """``{label:relative path: [size, mtime_ns, ctime_ns, content digest]}``
    of every input file; a digest is taken over from ``previous`` when the
    file's size and times are those recorded and the record is not racy."""
    previous = previous or {}
    out: dict[str, list] = {}
    for root in roots:
        items = _walk(root.path, code=root.label == "code") if root.tree else [("", root.path, False)]
        if root.tree and not os.path.isdir(root.path):
            out[f"{root.label}:"] = [-1, -1, -1, "missing"]
            continue
        for rel, path, is_dir in items:
            if is_dir:
                continue
            key = f"{root.label}:{rel}"
            try:
                st = os.stat(path)
            except OSError:
                out[key] = [-1, -1, -1, "missing"]
                continue
            sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns]
            if not stat.S_ISREG(st.st_mode):  # a named pipe or device is never opened (it would block)
                out[key] = sig + [f"special:{stat.S_IFMT(st.st_mode)}"]
                continue
            old = previous.get(key)
            if (old and len(old) == 4 and old[:3] == sig
                    and max(st.st_mtime_ns, st.st_ctime_ns) < previous_scan_ns - RACY_NS):
                out[key] = sig + [old[3]]
            else:
                out[key] = sig + [_content(path)]
    return out


def same_content(a: Mapping[str, list], b: Mapping[str, list]) -> bool:
    return a.keys() == b.keys() and all(a[k][3] == b[k][3] for k in a)


def same_times(a: Mapping[str, list], b: Mapping[str, list]) -> bool:
    return a.keys() == b.keys() and all(a[k][:3] == b[k][:3] for k in a)


# -- outputs ------------------------------------------------------------------------------------

def scan_outputs(site_dir: str | os.PathLike) -> dict[str, list]:
    """``{relative path: [size, mtime_ns, ctime_ns, inode]}`` of the output
    folder (folders end with ``/``; its top-level dotfiles are left out;
    ctime ``None`` for a file with other hard links, see :func:`same_outputs`,
    and :func:`linked_share`)."""
    out: dict[str, list] = {}
    root = os.fspath(site_dir)
    for rel, path, is_dir in _walk(root, skip_top_dots=True):
        try:
            st = os.lstat(path)
        except OSError:
            continue
        ctime = st.st_ctime_ns if is_dir or st.st_nlink == 1 else None
        out[rel] = [0 if is_dir else st.st_size, st.st_mtime_ns, ctime, st.st_ino]
    return out


def linked_share(outputs: Mapping[str, list]) -> float:
    """The share of the bytes of :func:`scan_outputs` in files with other
    hard links (after a warm build: kept from the site it replaced)."""
    total = linked = 0
    for rel, (size, _mtime, ctime, _ino) in outputs.items():
        if not rel.endswith("/"):
            total += size
            linked += size if ctime is None else 0
    return linked / total if total else 0.0


def same_outputs(now: Mapping[str, list], stamped: Any) -> bool:
    """Is the output folder as the stamp recorded it?  A ctime the stamp left
    out (the file had other hard links then) is not compared."""
    if not isinstance(stamped, dict) or now.keys() != stamped.keys():
        return False
    for rel, rec in now.items():
        old = stamped[rel]
        if not isinstance(old, list) or len(old) != 4 or old[0] != rec[0] or old[1] != rec[1] \
                or old[3] != rec[3] or old[2] is not None and old[2] != rec[2]:
            return False
    return True


# -- the stamp ----------------------------------------------------------------------------------

@dataclass
class Snapshot:
    """The inputs of a build, taken before it runs (:func:`before_build`)."""

    req: dict[str, Any]
    roots: list[Root]
    env: str
    inputs: dict[str, list]
    scanned_ns: int


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def read_stamp(site_dir: str | os.PathLike) -> dict | None:
    data = _read_json(Path(site_dir) / STAMP)
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def before_build(req: Mapping[str, Any], roots: list[Root], site_dir: str | os.PathLike) -> Snapshot | None:
    """The inputs as they are now (``None``: this configuration cannot be
    checked); digests are reused from the stamp of ``site_dir`` where the
    files' times say they did not change."""
    config = next((r.path for r in roots if r.label == "config"), None)
    try:
        text = Path(config).read_text(encoding="utf-8") if config else ""
    except (OSError, UnicodeError):
        return None
    if not checkable(text):
        return None
    old = read_stamp(site_dir) or {}
    scanned = time.time_ns()
    inputs = scan_inputs(roots, old.get("inputs"), int(old.get("scanned_ns") or 0))
    return Snapshot(dict(req), roots, environment(), inputs, scanned)


def known_digests(snap: Snapshot) -> dict[str, list]:
    """``{absolute path: [size, mtime_ns, ctime_ns, content digest]}`` of the
    regular input files of ``snap`` whose record is not racy: what the
    language processes of this build need not hash again
    (:func:`cityvoices.integrations.cache.seed_digests`)."""
    out: dict[str, list] = {}
    limit = snap.scanned_ns - RACY_NS
    roots = {root.label: root for root in snap.roots}
    for key, rec in snap.inputs.items():
        label, _, rel = key.partition(":")
        root = roots.get(label)
        if root is None or len(rec) != 4 or rec[0] < 0 or not isinstance(rec[3], str) \
                or rec[3].startswith(("special:", "unreadable:", "missing")) or max(rec[1], rec[2]) >= limit:
            continue
        path = os.path.join(root.path, *rel.split("/")) if root.tree else root.path
        out[os.path.abspath(path)] = rec
    return out


def record(snap: Snapshot, site_dir: str | os.PathLike, outputs: dict[str, list] | None = None) -> bool:
    """After a successful build into ``site_dir``: write its stamp and the
    request's hint.  Nothing is written (and ``False`` returned) if an input
    changed while the build ran.  ``outputs``: :func:`scan_outputs` of the
    tree the build put in place, taken before (a renamed folder keeps its
    records), else scanned here."""
    now = scan_inputs(snap.roots, snap.inputs, snap.scanned_ns)
    site = Path(site_dir)
    if not same_times(now, snap.inputs) or not same_content(now, snap.inputs):
        (site / STAMP).unlink(missing_ok=True)
        return False
    stamp = {"format": FORMAT, "request": snap.req, "environment": snap.env,
             "roots": [[r.label, r.path, r.tree] for r in snap.roots], "scanned_ns": snap.scanned_ns,
             "inputs": snap.inputs, "outputs": scan_outputs(site) if outputs is None else outputs}
    textio.atomic_write(site / STAMP, json.dumps(stamp, separators=(",", ":")).encode("utf-8"))
    hint = hint_path(snap.req)
    hint.parent.mkdir(parents=True, exist_ok=True)
    textio.atomic_write(hint, json.dumps({"site_dir": str(site.resolve())}).encode("utf-8"))
    return True


def forget(site_dir: str | os.PathLike) -> None:
    """The output folder is about to change (or did, without a stamp): drop its stamp."""
    try:
        (Path(site_dir) / STAMP).unlink(missing_ok=True)
    except OSError:
        pass


def check(req: Mapping[str, Any]) -> tuple[Path | None, str]:
    """Is the output of ``req`` up to date?  Returns (the output folder, ``""``)
    when it is, else (``None``, why not)."""
    hint = _read_json(hint_path(req))
    if not isinstance(hint, dict) or not isinstance(hint.get("site_dir"), str):
        return None, "no earlier build of this request"
    site = Path(hint["site_dir"])
    stamp = read_stamp(site)
    if stamp is None:
        return None, "the output folder has no stamp"
    if stamp.get("request") != dict(req):
        return None, "another request"
    if not textio.is_our_output(site):
        return None, "the output marker is missing"
    if stamp.get("environment") != environment():
        return None, "the Python environment changed"
    try:
        roots = [Root(str(label), str(path), bool(tree)) for label, path, tree in stamp["roots"]]
        inputs, scanned = stamp["inputs"], int(stamp["scanned_ns"])
    except (KeyError, TypeError, ValueError):
        return None, "an unreadable stamp"
    config = next((r.path for r in roots if r.label == "config"), None)
    if config is None or os.path.realpath(config) != req["config"]:
        return None, "another configuration file"
    now = scan_inputs(roots, inputs, scanned)
    if not same_content(now, inputs):
        return None, "an input changed"
    if not same_outputs(scan_outputs(site), stamp.get("outputs")):
        return None, "the output folder changed"
    return site, ""
