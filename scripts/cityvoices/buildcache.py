"""The warm-build cache: what a page's key is made of, and the file format
of a cached page (pure functions), plus the one store that reads and writes
``.cache/cityvoices/`` (:class:`Store`).

A page's output is cached under a key: a content hash of everything it
depends on (:func:`page_key`).

- The **site digest** (:func:`site_digest`, once per language build): the
  configuration file and this run's switches, the theme's templates (our
  ``overrides/`` file by file, Material by its version), the code (this
  package and the hooks file, file by file), the library versions, the
  language, and the map of every file of the site (source path to output
  path: a page added or removed, a translation added, changes it).
- The **shared digest** (:func:`shared_digest`): what pages show of other
  publications: the front matter of every source, and whatever else an
  integration module declares it shows across pages (``cache_shared``).
  A title, a date or a tag changes it.
- The page's **own inputs** (:func:`page_inputs`, :func:`inputs_of`): a page
  in a publication's folder (``…/index.ko.md``, its translation, its images,
  a stand-in, a side-by-side page) depends on the files of that folder; any
  other page (home, listings, issue, people and tag pages, the guide) on the
  files outside every publication folder: what it shows of a publication is
  its front matter and the ``cache_shared`` data (reading time, thumbnail),
  so a body edit renders only the edited publication's pages.  A page that
  a module says reads every publication's text (``cache_reads_all``: the
  translation status) depends on every file.

Nothing about a page is cached that the key does not cover, and a change
that does not touch a key leaves the page's cached output in use.

An entry (:func:`pack` / :func:`unpack`) holds the page's HTML and the
per-page data other parts of the build read (front matter, title, search
entries, anchors, the messages its rendering logged).  It carries its own
length and checksum: a damaged or partial entry is detected and ignored (the
page is rendered afresh), never used.  Entries are written atomically (a
temporary file renamed into place).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from cityvoices import textio

#: Bumped whenever the format or the meaning of a key changes.
FORMAT = 2
MAGIC = b"CVCACHE1\n"
#: Where the cache lives, relative to the folder of mkdocs.yml (ignored by git).
CACHE_DIR = Path(".cache") / "cityvoices"


class CorruptEntry(ValueError):
    """A cache entry that cannot be trusted (truncated, altered, another format)."""


# -- digests ------------------------------------------------------------------------------------

def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, (bytes, bytearray)):
        return hashlib.blake2b(value, digest_size=16).hexdigest()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return repr(value)


def canonical(value: Any) -> bytes:
    """One byte string per value: JSON with sorted keys (dates, sets, bytes
    and paths spelled out)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_json_default).encode("utf-8")


def digest(*parts: Any) -> str:
    """A content hash of ``parts`` (bytes and text as they are, anything
    else by :func:`canonical`), each part length-prefixed."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8") if isinstance(part, str) \
            else canonical(part)
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def site_digest(*, config_text: str, features: Mapping[str, bool], lang: str, theme: Mapping[str, str],
                code: Mapping[str, str], versions: Mapping[str, str], files: Iterable[tuple],
                extra: Mapping[str, Any] | None = None) -> str:
    """What every page of one language build depends on: ``theme`` and
    ``code`` map file names to their digests, ``files`` is the site's file
    map (source path, output path, kind), ``extra`` any other setting of the
    run (the serve URL)."""
    return digest("site", FORMAT, config_text, dict(features), lang, dict(theme), dict(code), dict(versions),
                  sorted(tuple(f) for f in files), dict(extra or {}))


def shared_digest(front_matter: Mapping[str, str], declared: Mapping[str, Any] | None = None) -> str:
    """What pages show of other publications: the front matter block of
    every source (``{source path: front matter text}``) and what modules
    declare (``{module: data}``)."""
    return digest("shared", dict(front_matter), dict(declared or {}))


def publication_folders(sources: Iterable[str]) -> frozenset[str]:
    """The folders holding a publication (the folder of each of its sources)."""
    return frozenset(posixpath.dirname(s) for s in sources if posixpath.dirname(s))


def _owner(path: str, folders: frozenset[str]) -> str | None:
    """The deepest publication folder holding ``path`` (``None``: none)."""
    d = posixpath.dirname(path)
    while d:
        if d in folders:
            return d
        d = posixpath.dirname(d)
    return None


@dataclass(frozen=True)
class Inputs:
    """What a page's own inputs can be (:func:`page_inputs`): the digest of
    each publication folder's files, of the files outside every publication
    folder (``rest``), and of every file (``whole``)."""

    per_folder: Mapping[str, str]
    rest: str
    whole: str


def in_publication(path: str, folders: frozenset[str]) -> bool:
    """Is ``path`` inside a publication's folder?"""
    return _owner(path, folders) is not None


def page_inputs(tree: Mapping[str, str], folders: frozenset[str]) -> Inputs:
    """``tree`` maps every file of the docs folder to its content digest."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    rest: list[tuple[str, str]] = []
    for path in sorted(tree):
        owner = _owner(path, folders)
        if owner is not None:
            grouped.setdefault(owner, []).append((path, tree[path]))
        else:
            rest.append((path, tree[path]))
    per_folder = {folder: digest("folder", items) for folder, items in grouped.items()}
    return Inputs(per_folder, digest("rest", rest), digest("tree", sorted(tree.items())))


def inputs_of(src_uri: str, folders: frozenset[str], inputs: Inputs, *, reads_all: bool = False) -> str:
    """The own-inputs digest of the page made from ``src_uri``: its
    publication folder's files; a page outside every publication folder
    (home, listings, issue, people and tag pages, the guide) the files
    outside them (what it shows of publications is their front matter and
    the declared ``cache_shared`` data); ``reads_all``: every file (a page
    made from every publication's text, the translation status)."""
    if reads_all:
        return inputs.whole
    owner = _owner(src_uri, folders)
    return inputs.per_folder.get(owner, inputs.rest) if owner is not None else inputs.rest


def shown_of(src_uri: str, folders: frozenset[str], shared: str, views: Mapping[str, str], *,
             reads_all: bool = False) -> str:
    """The digest of what the page made from ``src_uri`` shows of other
    publications: for a page in a publication's folder, the view its modules
    declared for that folder (``views``: ``{folder: digest}``); for any other
    page, or a folder without a view, every publication's front matter and
    the declared shared data (``shared``)."""
    owner = None if reads_all else _owner(src_uri, folders)
    view = views.get(owner) if owner is not None else None
    return view if view is not None else shared


def page_key(site: str, shared: str, inputs: str, src_uri: str, dest_uri: str) -> str:
    """The key of one page's output."""
    return digest("page", FORMAT, site, shared, inputs, src_uri, dest_uri)


# -- entries -------------------------------------------------------------------------------------

def _dc_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def encode(value: Any, types: Mapping[str, type] | None = None) -> Any:
    """``value`` as JSON data that :func:`decode` turns back into an equal
    value (dates, datetimes, tuples and non-text keys survive; so do the
    dataclasses named in ``types``, ``{module.Class: class}``, by their
    fields)."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, _dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, _dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, types) for v in value]}
    if isinstance(value, list):
        return [encode(v, types) for v in value]
    if isinstance(value, Mapping):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v, types) for k, v in value.items()}
        return {"$items": [[encode(k, types), encode(v, types)] for k, v in value.items()]}
    if types and dataclasses.is_dataclass(value) and types.get(_dc_name(type(value))) is type(value):
        return {"$dc": [_dc_name(type(value)), {f.name: encode(getattr(value, f.name), types)
                                                for f in dataclasses.fields(value) if f.init}]}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(value: Any, types: Mapping[str, type] | None = None) -> Any:
    """The value :func:`encode` was given (a dataclass only of ``types``:
    nothing else is ever constructed)."""
    if types is not None:
        return _decode_typed(value, types)
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        return _untag({k: decode(v) for k, v in value.items()})
    return value


def _untag(value: dict) -> Any:
    """One JSON object :func:`encode` made, its members already decoded:
    a tagged value (a date, a tuple …) or the object itself."""
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "$datetime":
            return _dt.datetime.fromisoformat(inner)
        if tag == "$date":
            return _dt.date.fromisoformat(inner)
        if tag == "$tuple":
            return tuple(inner)
        if tag == "$items":
            return {k: v for k, v in inner}
    return value


def loads(data: bytes | str | memoryview) -> Any:
    """``decode(json.loads(data))`` in one pass (the tags are read as the
    parser makes each object)."""
    if isinstance(data, memoryview):
        data = data.tobytes()
    return json.loads(data, object_hook=_untag)


def _decode_typed(value: Any, types: Mapping[str, type]) -> Any:
    if isinstance(value, list):
        return [_decode_typed(v, types) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag == "$dc":
                cls = types.get(inner[0])
                if cls is None:
                    raise TypeError(f"not a cached type: {inner[0]!r}")
                return cls(**{k: _decode_typed(v, types) for k, v in inner[1].items()})
            if tag == "$tuple":
                return tuple(_decode_typed(v, types) for v in inner)
            if tag == "$items":
                return {_decode_typed(k, types): _decode_typed(v, types) for k, v in inner}
            if tag in ("$datetime", "$date"):
                return decode(value)
        return {k: _decode_typed(v, types) for k, v in value.items()}
    return value


def cacheable(value: Any) -> bool:
    """Can ``value`` be cached exactly (:func:`encode` knows every part)?"""
    try:
        encode(value)
    except TypeError:
        return False
    return True


@dataclass
class Entry:
    """One cached page: its key, its HTML (``None``: the page wrote no
    file), and its per-page data (typed JSON, :func:`encode`)."""

    key: str
    html: bytes | None
    data: dict[str, Any] = field(default_factory=dict)


def _check(payload: bytes | memoryview, html: bytes | memoryview) -> int:
    """A CRC-32 of an entry's body: finds a damaged entry (it is no seal)."""
    import zlib

    return zlib.crc32(html, zlib.crc32(payload))


def pack(entry: Entry) -> bytes:
    """The bytes of an entry file: a magic line, a JSON header line (format,
    key, lengths, checksum), the data, the HTML."""
    payload = json.dumps(encode(entry.data), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    html = entry.html or b""
    head = {"format": FORMAT, "key": entry.key, "data": len(payload),
            "html": None if entry.html is None else len(html), "check": _check(payload, html)}
    return MAGIC + json.dumps(head, separators=(",", ":")).encode("ascii") + b"\n" + payload + html


def unpack(blob: bytes) -> Entry:
    """The entry in ``blob``; :class:`CorruptEntry` if anything about it is off."""
    if not blob.startswith(MAGIC):
        raise CorruptEntry("not a cache entry (no header)")
    end = blob.find(b"\n", len(MAGIC))
    if end < 0:
        raise CorruptEntry("truncated header")
    try:
        head = json.loads(blob[len(MAGIC):end])
        if head.get("format") != FORMAT:
            raise CorruptEntry(f"format {head.get('format')!r}, not {FORMAT}")
        n_data, n_html = int(head["data"]), head["html"]
        body = memoryview(blob)[end + 1:]  # no copies: the pages are most of the bytes
        if len(body) != n_data + (n_html or 0):
            raise CorruptEntry(f"{len(body)} bytes where the header says {n_data + (n_html or 0)} (truncated?)")
        payload, html = body[:n_data], body[n_data:]
        if _check(payload, html) != head["check"]:
            raise CorruptEntry("checksum mismatch")
        data = loads(payload)
        html = html.tobytes() if n_html is not None else None
    except CorruptEntry:
        raise
    except (ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise CorruptEntry(f"unreadable ({exc})") from None
    if not isinstance(data, dict) or not isinstance(head.get("key"), str):
        raise CorruptEntry("unexpected content")
    return Entry(head["key"], html, data)


# -- the store (the one place reading and writing the cache folder) ----------------------------

class Store:
    """The cached pages of one language: one entry file per page, named by a
    hash of its source path (a page's newer output replaces its older one)."""

    def __init__(self, root: str | os.PathLike, lang: str):
        self.root = Path(root)
        self.dir = self.root / "pages" / lang
        self.damaged: list[tuple[str, str]] = []  # (entry file, reason)

    def path(self, src_uri: str) -> Path:
        return self.dir / f"{digest('name', src_uri)}.page"

    def load(self, src_uri: str, key: str) -> Entry | None:
        """The cached entry of ``src_uri`` if it has ``key``; ``None`` for a
        miss, a stale entry, or a damaged one (recorded in :attr:`damaged`)."""
        path = self.path(src_uri)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.damaged.append((str(path), f"unreadable ({exc.strerror})"))
            return None
        try:
            entry = unpack(blob)
        except CorruptEntry as exc:
            self.damaged.append((str(path), str(exc)))
            return None
        return entry if entry.key == key else None

    def prune(self, kept: Iterable[str]) -> int:
        """Remove the entries of pages other than ``kept`` (source paths: the
        pages of this build; a deleted or renamed page's entry would stay
        forever).  Returns how many were removed."""
        names = {self.path(src).name for src in kept}
        removed = 0
        try:
            listed = list(os.scandir(self.dir))
        except FileNotFoundError:
            return 0
        for item in listed:
            if item.name.endswith(".page") and item.name not in names and item.is_file(follow_symlinks=False):
                try:
                    os.remove(item.path)
                    removed += 1
                except FileNotFoundError:
                    pass
        return removed

    def save(self, src_uri: str, entry: Entry) -> None:
        """Write the entry atomically (a temporary file renamed over the old
        one; no fsync: a file cut short by a crash fails its checksum)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.path(src_uri)
        textio.replace_file(path, pack(entry), fsync=False)


class Memo:
    """Results of pure functions kept between builds, by a key the caller
    makes of everything the result depends on (a content hash of the
    inputs): one JSON file per ``name``, valid for one ``version`` (the
    code's digest: other code, an empty memo).  Values are :func:`encode`d
    (``types``: the dataclasses they may hold).  :meth:`save` writes the
    entries asked for or added in this run (the others are dropped), and
    only if something changed.  A damaged file is an empty memo."""

    def __init__(self, root: str | os.PathLike, name: str, version: str, types: Iterable[type] = (),
                 plain: bool = False):
        self.plain = plain
        self.path = Path(root) / "memo" / f"{name}.json"
        self.version = version
        self.types = {_dc_name(t): t for t in types}
        self._old: dict[str, Any] | None = None
        self._new: dict[str, Any] = {}
        self._added = False
        self.hits = self.misses = 0

    def _load(self) -> dict[str, Any]:
        if self._old is None:
            self._old = {}
            try:
                data = json.loads(self.path.read_bytes())
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") == self.version \
                    and isinstance(data.get("entries"), dict):
                self._old = data["entries"]
        return self._old

    def get(self, key: str) -> Any:
        """The value kept under ``key`` (a fresh copy), or ``None``."""
        raw = self._new.get(key)
        if raw is None:
            raw = self._load().get(key)
        if raw is None:
            self.misses += 1
            return None
        if self.plain:
            self._new[key] = raw
            self.hits += 1
            return raw
        try:
            value = decode(raw, self.types)
        except (TypeError, ValueError, KeyError, IndexError):
            self.misses += 1
            return None
        self._new[key] = raw
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` (a value :func:`encode` cannot spell is not kept)."""
        try:
            self._new[key] = value if self.plain else encode(value, self.types)
        except TypeError:
            return
        self._added = True

    def save(self) -> None:
        if not self._added and self._new.keys() == self._load().keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"format": FORMAT, "version": self.version, "entries": self._new}
        textio.atomic_write(self.path, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        self._old, self._added = dict(self._new), False


class Kept:
    """One value of plain data (dicts, lists, strings, numbers) kept between
    builds for one ``version`` (the code's digest): ``<root>/kept/<name>``
    in :mod:`marshal`'s format, read back in a fraction of JSON's time and
    never executing anything, behind a header line (magic, version, length,
    CRC-32).  A missing, stale or damaged file reads as ``None``."""

    MAGIC = b"CVKEPT1 "

    def __init__(self, root: str | os.PathLike, name: str, version: str):
        self.path = Path(root) / "kept" / name
        self.version = version

    def load(self) -> Any:
        import marshal
        import zlib

        try:
            blob = self.path.read_bytes()
        except OSError:
            return None
        end = blob.find(b"\n")
        if not blob.startswith(self.MAGIC) or end < 0:
            return None
        try:
            version, length, crc = blob[len(self.MAGIC):end].decode("ascii").split(" ")
            body = memoryview(blob)[end + 1:]  # no copy of a file of 100 MB and more
            if version != self.version or len(body) != int(length) or zlib.crc32(body) != int(crc):
                return None
            return marshal.loads(body)
        except (ValueError, EOFError, TypeError, UnicodeError):
            return None

    def save(self, value: Any) -> None:
        """Write ``value`` atomically (no fsync: a file cut short fails its length or CRC)."""
        import marshal
        import zlib

        body = marshal.dumps(value)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        head = f"{self.version} {len(body)} {zlib.crc32(body)}\n".encode("ascii")
        textio.replace_file(self.path, (self.MAGIC + head, body), fsync=False)
