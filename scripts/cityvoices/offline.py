"""The offline copy of the site (opened from ``file://``): pure rewrites of a
built site's files, then one writer that applies them while it zips (or
copies) the site.  ``cityvoices offline`` builds a site for it;
``cityvoices build`` makes it from the site it just built
(``extra.cityvoices.offline``).

Why not Material's ``offline`` plugin: it adds ``https://unpkg.com/iframe-worker/shim``
to every page (a request outside the site, which also fails offline) and
switches off directory URLs, which our generated links (listings, language
links) are written for.  Material's JavaScript already switches to its
file:// mode by itself (it loads ``search/search_index.js``); what is missing
is done here:

* directory links (``../guide/``) become ``../guide/index.html``, in the
  pages and in the search index, because a browser shows a folder listing
  for a ``file://`` folder;
* ``search/search_index.js`` holds the index as a script;
* the Atom feeds (``feeds/*.xml``, :mod:`cityvoices.feeds`) lose their
  ``xml:base`` (the online address) and their links point at ``index.html``
  (:func:`rewrite_feed`), so a feed reader given the file finds the pages;
* the search worker: Chromium refuses ``new Worker(file:…)``; when the
  reader opens the search on a ``file://`` page, the worker's stand-in
  (``overrides/main.html``) loads our one shim,
  ``overrides/assets/javascripts/cv-offline.js``, which runs the worker in a
  same-origin iframe.

Only regular files inside the site go into the copy: a symlink, or a path
that resolves outside the site, is refused (:class:`CityVoicesError`).
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote
from typing import Callable, Iterator

from cityvoices import textio
from cityvoices.problems import CityVoicesError

ZIP_NAME = "cityvoices-offline.zip"
#: Where ``cityvoices build`` puts the zip in the site (the home pages link it).
ZIP_PATH = f"downloads/{ZIP_NAME}"
#: The folder inside the zip.
TOP = "cityvoices-offline"
HREF_RE = re.compile(r'(?P<attr>\s(?:href|src|action))="(?P<url>[^"]*)"')


def _is_relative(url: str) -> bool:
    return not re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)", url) and not url.startswith("/")


def file_url(url: str, page: str, is_dir: Callable[[str], bool]) -> str:
    """``url`` as written in the site page ``page`` (a path like
    ``en/guide/index.html``), with a folder target ending in ``index.html``.
    ``is_dir(site_path)`` tells whether a site path is a folder with an
    ``index.html`` (``""`` is the site's root)."""
    if not url or not _is_relative(url):
        return url
    path, sep, frag = url.partition("#")
    path, qsep, query = path.partition("?")
    if not path:
        return url
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target.startswith("../"):
        return url
    # links are percent-encoded (urls.href): the folder on disk is not
    if not is_dir("" if target == "." else unquote(target)):
        return url
    path = path.rstrip("/") + "/index.html" if path.rstrip("/") not in ("", ".") else "index.html"
    return path + (qsep + query if qsep else "") + (sep + frag if sep else "")


def rewrite_page(html: str, page: str, is_dir: Callable[[str], bool]) -> str:
    """Every relative link of a page made to work from ``file://``."""
    def sub(m: re.Match[str]) -> str:
        return f'{m.group("attr")}="{file_url(m.group("url"), page, is_dir)}"'

    return HREF_RE.sub(sub, html)


XML_BASE_RE = re.compile(r'\sxml:base="[^"]*"')


def rewrite_feed(xml: str, path: str, is_dir: Callable[[str], bool]) -> str:
    """An Atom feed of the site (at site path ``path``) for ``file://``: its
    links are relative to it; the online ``xml:base`` goes."""
    return rewrite_page(XML_BASE_RE.sub("", xml, count=1), path, is_dir)


def rewrite_search_index(data: str) -> str:
    """Locations ``a/b/`` / ``a/b/#x`` -> ``a/b/index.html`` / ``…#x``."""
    index = json.loads(data)
    for doc in index.get("docs", []):
        loc = doc.get("location", "")
        path, sep, frag = loc.partition("#")
        if path == "" or path.endswith("/"):
            path = path + "index.html"
        doc["location"] = path + (sep + frag if sep else "")
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def search_index_script(data: str) -> str:
    """What Material loads from ``file://``: the index as a global."""
    return f"var __index = {data}"




# --------------------------------------------------------------------------
# I/O: the rewrites applied to a built site, while zipping or copying it

def _site_files(site: Path) -> Iterator[tuple[str, Path]]:
    """Regular files of the site, sorted; a symlink or a path that resolves
    outside the site is an error (it could carry a file from elsewhere)."""
    real = os.path.realpath(site)
    for dirpath, dirs, names in os.walk(site):
        dirs.sort()
        for name in list(dirs) + sorted(names):
            path = Path(dirpath) / name
            rel = path.relative_to(site).as_posix()
            if path.is_symlink() or not os.path.realpath(path).startswith(real + os.sep):
                raise CityVoicesError(textio.display_path(path), 0, "is a symlink or leads outside the site; "
                                      "the offline copy takes only the site's own files", "offline-symlink")
            if name in names:
                yield rel, path


def feeds_dir(rel: str) -> bool:
    """Whether site path ``rel`` is one of the Atom feeds (``[en/]feeds/x.xml``)."""
    from cityvoices.urls import FEEDS_DIR

    parts = rel.split("/")
    return len(parts) >= 2 and parts[-2] == FEEDS_DIR


def offline_files(site: str | os.PathLike) -> Iterator[tuple[str, bytes]]:
    """``(site path, bytes)`` of the offline copy of a built site: pages and
    the search index rewritten for ``file://``, the index as a script; the
    zip itself, ``.gz`` twins and our output marker left out."""
    site = Path(site)

    def is_dir(rel: str) -> bool:
        return (site / rel).is_dir() and (site / rel / "index.html").is_file()

    for rel, path in _site_files(site):
        name = path.name
        if name.endswith(".gz") or name == ZIP_NAME or name == textio.OUTPUT_MARKER:
            continue
        data = path.read_bytes()
        if name.endswith(".html"):
            data = rewrite_page(data.decode("utf-8"), rel, is_dir).encode("utf-8")
        elif name.endswith(".xml") and feeds_dir(rel):
            data = rewrite_feed(data.decode("utf-8"), rel, is_dir).encode("utf-8")
        elif rel == "search/search_index.json":
            index = rewrite_search_index(data.decode("utf-8"))
            data = index.encode("utf-8")
            yield "search/search_index.js", search_index_script(index).encode("utf-8")
        elif rel == "search/search_index.js":
            continue  # written from the rewritten index above
        yield rel, data


def zip_bytes(site: str | os.PathLike) -> bytes:
    """The offline copy as one zip (every entry under ``cityvoices-offline/``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for rel, data in offline_files(site):
            zf.writestr(f"{TOP}/{rel}", data)
    return buf.getvalue()


def write_zip(site: str | os.PathLike, dest: str | os.PathLike) -> int:
    """Write the offline zip of ``site`` to ``dest`` (atomically); its size.
    An existing ``dest`` that is not an offline zip we wrote is refused."""
    dest = Path(dest)
    if dest.exists() and not is_offline_zip(dest):
        raise CityVoicesError(textio.display_path(dest), 0, "exists and is not an offline copy written by "
                              "cityvoices; nothing was written", "output-not-ours")
    data = zip_bytes(site)
    textio.atomic_write(dest, data)
    return len(data)


def is_offline_zip(path: str | os.PathLike) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return all(n.startswith(f"{TOP}/") for n in zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def write_dir(site: str | os.PathLike, dest: str | os.PathLike) -> None:
    """The unpacked offline copy in ``dest``, which must be ours
    (:func:`cityvoices.textio.check_output_dir`); its old files are replaced."""
    import shutil
    import tempfile

    dest = Path(dest)
    textio.check_output_dir(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    try:
        for rel, data in offline_files(site):
            out = new / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        textio.mark_output_dir(new)
        old = None
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.replace(dest, old)
        os.replace(new, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(new, ignore_errors=True)
