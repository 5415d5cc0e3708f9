"""The site's URL scheme and every output name, in one place.

* pages: ``<key>/`` in Korean (the default language), ``en/<key>/`` in
  English, where ``key`` is the publication key
  (:func:`cityvoices.catalog.publication_key`);
* side-by-side pages: ``<key>/side-by-side/`` and ``en/<key>/side-by-side/``
  (:func:`side_by_side_url`);
* links between pages are relative (:func:`relative_url`), so the site works
  under any base URL and from ``file://``;
* downloads: ``pdf/<name>`` (:func:`pdf_name`, :func:`issue_pdf_name`) and
  ``epub/<name>`` (:func:`epub_name`, :func:`issue_epub_name`).  Names come from the publication's
  full path and keep Hangul (NFC), so ``newsletters/2013-12/서울소식`` and
  ``…/부산소식`` never share a file; :func:`name_collisions` finds the
  names that still coincide (``a/b-c`` and ``a-b/c``) so that a run can
  refuse them before writing anything;
* generated pages: an issue's page ``<section>/<issue>/`` (:func:`issue_url`),
  one page per person ``authors/<slug>/`` and per tag ``tags/<slug>/``
  (:func:`person_url`, :func:`tag_url`, slugs from :func:`unique_slugs`),
  and the Atom feeds ``feeds/<name>.xml`` (:func:`feed_path`), each under
  the language's root;
* every user-given path component (slug, issue, event …) is validated by
  :func:`safe_component`.

Pure: strings in, strings out.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from typing import Iterable, Mapping
from urllib.parse import quote

from cityvoices import i18n, syntax
from cityvoices.problems import Problem

PDF_DIR = "pdf"
EPUB_DIR = "epub"
PEOPLE_DIR = "authors"
TAGS_DIR = "tags"
FEEDS_DIR = "feeds"
#: The feed of every publication type together (the others are named by section).
FEED_ALL = "all"
#: The editors' pages (path inside a language's tree): linked from the
#: footer ("For editors"), not from the readers' tabs.
GUIDE_PATH = "guide/"
STATUS_PATH = "status/"

# --------------------------------------------------------------------------
# Pages


def publication_key(src_uri: str) -> str | None:
    """``a/b/index.ko.md`` -> ``a/b``; ``a/X.en.md`` -> ``a/X``; the home page
    ``index.ko.md`` -> ``""``; ``None`` for a file without a language suffix.
    The one key rule: pages, pairing, PDFs and reports all use it."""
    parts = syntax.split_lang(src_uri)
    if not parts:
        return None
    stem = parts[0]
    if stem == "index":
        return ""
    return stem[: -len("/index")] if stem.endswith("/index") else stem


def page_url(src_uri: str, lang: str) -> str:
    """Site path of a page in ``lang`` (directory URLs): ``cityvoices/2014-1/x/``
    or ``en/cityvoices/2014-1/x/``."""
    key = publication_key(src_uri)
    if key is None:
        key = posixpath.splitext(src_uri)[0]
    prefix = "" if lang == i18n.DEFAULT_LANG else f"{lang}/"
    return f"{prefix}{key}/" if key else prefix


#: The last path segment of a publication's side-by-side page.
SIDE_BY_SIDE = "side-by-side"


def side_by_side_url(key: str, lang: str) -> str:
    """Site path of the side-by-side page of publication ``key`` in the
    ``lang`` site: ``cityvoices/2014-1/x/side-by-side/`` or
    ``en/cityvoices/2014-1/x/side-by-side/``."""
    prefix = "" if lang == i18n.DEFAULT_LANG else f"{lang}/"
    return f"{prefix}{key}/{SIDE_BY_SIDE}/" if key else f"{prefix}{SIDE_BY_SIDE}/"


def lang_root(lang: str) -> str:
    """Site path of a language's home (``""`` or ``en/``)."""
    return "" if lang == i18n.DEFAULT_LANG else f"{lang}/"


def relative_url(target: str, base: str) -> str:
    """URL of site path ``target`` as seen from the page at site path ``base``
    (both directory URLs like ``en/cityvoices/``).  A result whose first
    segment holds a ``:`` gets ``./`` in front, so a folder named
    ``javascript:…`` can never become a scheme."""
    start = base if base.endswith("/") else posixpath.dirname(base)
    t = [p for p in target.split("/") if p]
    s = [p for p in start.split("/") if p]
    if "." in t or ".." in t or "." in s or ".." in s:
        rel = posixpath.relpath("/" + target, "/" + start)  # what the fast path below computes
    else:
        i = 0
        while i < len(t) and i < len(s) and t[i] == s[i]:
            i += 1
        rel = "/".join([".."] * (len(s) - i) + t[i:]) or "."
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel in (".", "./"):
        return "./"
    if ":" in rel.split("/", 1)[0]:
        rel = "./" + rel
    return rel


def absolute_url(site_url: str, path: str) -> str:
    """``site_url`` + site path, percent-encoded; ``""`` without a site URL."""
    return site_url.rstrip("/") + "/" + href(path) if site_url else ""


def issue_url(section: str, issue: str, lang: str) -> str:
    """The page of a magazine issue: ``cityvoices/2014-1/`` / ``en/cityvoices/2014-1/``
    (the issue's folder, where its own page ``index.<lang>.md`` may live)."""
    return f"{lang_root(lang)}{section}/{_name_part(issue) or 'issue'}/"


def person_url(slug: str, lang: str) -> str:
    """A person's page (their writing and translations): ``authors/<slug>/``."""
    return f"{lang_root(lang)}{PEOPLE_DIR}/{slug}/"


def people_url(lang: str) -> str:
    return f"{lang_root(lang)}{PEOPLE_DIR}/"


def tag_url(slug: str, lang: str) -> str:
    """A tag's page: ``tags/<slug>/``."""
    return f"{lang_root(lang)}{TAGS_DIR}/{slug}/"


def tags_url(lang: str) -> str:
    return f"{lang_root(lang)}{TAGS_DIR}/"


def feed_path(lang: str, name: str = FEED_ALL) -> str:
    """An Atom feed: ``feeds/all.xml`` (every type), ``feeds/<section>.xml``."""
    return f"{lang_root(lang)}{FEEDS_DIR}/{_name_part(name) or FEED_ALL}.xml"


def identity(name: str) -> str:
    """When two written names are one name: NFC, spaces folded, case folded
    (``Kim  Gyeng`` is ``kim gyeng``)."""
    return " ".join(unicodedata.normalize("NFC", str(name)).split()).casefold()


def slug(name: str) -> str:
    """The URL part of a name or tag by the output-name rule (:func:`_name_part`:
    Hangul kept, NFC), lower case: ``Brenna Foster`` -> ``brenna-foster``,
    ``도시 간 협력`` -> ``도시-간-협력``; ``""`` when nothing is left."""
    return _name_part(" ".join(str(name).split())).lower()


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """``{identity: slug}`` for names given in priority order (earliest
    first), collision-free: the first name to claim a slug keeps it (so a
    page's URL does not change when a later name arrives); a later name with
    the same slug, or one with nothing left to slug (``…``), gets a suffix
    from a hash of its identity, which does not depend on the other names."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        ident = identity(name)
        if ident in out:
            continue
        base = slug(name)
        candidate = base
        size = 4
        while not candidate or candidate in taken:
            digest = hashlib.blake2b(ident.encode("utf-8"), digest_size=size).hexdigest()
            candidate = f"{base}-{digest}" if base else f"n-{digest}"
            size += 2
        out[ident] = candidate
        taken.add(candidate)
    return out


# --------------------------------------------------------------------------
# Output names

_UNSAFE_CHARS = re.compile(r"[^\w.-]+")


def _name_part(text: str) -> str:
    """One part of a file name: NFC, letters of any script (Hangul kept),
    digits, ``.``, ``_`` and ``-``; anything else (spaces, punctuation) becomes
    ``-``."""
    text = unicodedata.normalize("NFC", str(text))
    return _UNSAFE_CHARS.sub("-", text).strip("-.")


def _stem(key: str) -> str:
    parts = [_name_part(p) for p in key.strip("/").split("/")]
    return "-".join(p for p in parts if p) or "index"


def pdf_name(key: str, kind: str) -> str:
    """``cityvoices/2014-1/seoul-congress-2013`` + ``ko`` ->
    ``cityvoices-2014-1-seoul-congress-2013.ko.pdf``; ``kind`` is a language
    or ``bilingual``.  ``newsletters/2013-12/서울소식`` ->
    ``newsletters-2013-12-서울소식.ko.pdf``."""
    return f"{_stem(key)}.{kind}.pdf"


def issue_pdf_name(issue: str, lang: str) -> str:
    """The whole-issue PDF of CityVoices issue ``issue``."""
    return f"cityvoices-{_name_part(issue) or 'issue'}.{lang}.pdf"


def epub_name(key: str, lang: str) -> str:
    """The EPUB of a publication in ``lang`` (same stem as its PDF)."""
    return f"{_stem(key)}.{lang}.epub"


def issue_epub_name(issue: str, lang: str) -> str:
    """The whole-issue EPUB of CityVoices issue ``issue`` (same stem as its PDF)."""
    return f"cityvoices-{_name_part(issue) or 'issue'}.{lang}.epub"


def pdf_path(name: str) -> str:
    """Site path of a PDF (``pdf/<name>``), the same for every language."""
    return f"{PDF_DIR}/{name}"


def epub_path(name: str) -> str:
    """Site path of an EPUB (``epub/<name>``)."""
    return f"{EPUB_DIR}/{name}"


def href(path: str) -> str:
    """A site path as it goes into ``href``/``src``: percent-encoded UTF-8
    (Hangul names work in every browser and in the offline zip); ``%``
    escapes already there are kept, so it is safe to apply twice."""
    return quote(path, safe="/._-~#%")


def name_collisions(planned: Mapping[str, Iterable[str]] | Iterable[tuple[str, str]]) -> list[Problem]:
    """Names that would be written twice.

    ``planned``: ``(name, source)`` pairs, or ``{name: [sources]}``; names
    are compared as the file system will see them (NFC, case-folded, so
    ``A.pdf``/``a.pdf`` collide on macOS and Windows too).  One error per
    clash, naming every source, for the runner to refuse before writing."""
    items = planned.items() if isinstance(planned, Mapping) else planned
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, sources in items:
        for src in [sources] if isinstance(sources, str) else sources:
            key = unicodedata.normalize("NFC", name).casefold()
            groups.setdefault(key, []).append((name, src))
    out = []
    for entries in groups.values():
        srcs = list(dict.fromkeys(s for _n, s in entries))
        if len(srcs) < 2:
            continue
        names = sorted({n for n, _s in entries})
        out.append(Problem(srcs[0], 0, "output-name-collision",
                           f"{' and '.join(names)}: the same output file would be written for "
                           f"{', '.join(srcs)}; rename one of the folders", "error"))
    return out


# --------------------------------------------------------------------------
# Path components given by users

_COMPONENT_MAX = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Lower-case ASCII slugs, as ``cityvoices new`` makes them.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Issue and event ids (``2014-1``, ``2013-seoul-congress``).
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class UnsafePathError(ValueError):
    """A user-given path component that must not become a folder or file name."""


def safe_component(value: object, what: str, *, pattern: re.Pattern[str] | None = None,
                   example: str = "", rule: str = "") -> str:
    """``value`` if it is safe as one folder or file name, else
    :class:`UnsafePathError` saying why.  The one check for every
    user-given path component (slug, issue, event …): not empty, one
    component (no ``/`` or ``\\``), not ``.``/``..``, no leading dot (hidden),
    no ``:`` (a URL scheme or a Windows drive), no control characters, at
    most 100 characters, and, with ``pattern``, matching it."""
    hint = f" (e.g. {example})" if example else ""
    if not isinstance(value, str) or not value.strip():
        raise UnsafePathError(f"{what} is empty{hint}")
    shown = value if len(value) <= 60 else value[:57] + "..."
    if "/" in value or "\\" in value or value in (".", ".."):
        raise UnsafePathError(f"{what} {shown!r} must be one folder name, not a path{hint}")
    if value.startswith(".") or ":" in value or _CONTROL.search(value) or value != value.strip():
        raise UnsafePathError(f"{what} {shown!r}: no leading dot, colon, control character or surrounding "
                              f"spaces{hint}")
    if len(value) > _COMPONENT_MAX:
        raise UnsafePathError(f"{what} is longer than {_COMPONENT_MAX} characters")
    if pattern is not None and not pattern.match(value):
        rule = rule or ("lower-case letters, digits and hyphens" if pattern is SLUG_RE
                        else "letters, digits, '.', '_' and '-'")
        raise UnsafePathError(f"{what} {shown!r}: use {rule}{hint}")
    return value
