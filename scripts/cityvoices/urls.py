"""The site's URL scheme and every output name, in one place.

* pages: ``<key>/`` in Korean (the default language), ``en/<key>/`` in
  English, where ``key`` is the publication key
  (:func:`cityvoices.catalog.publication_key`);
* side-by-side pages: ``<key>/side-by-side/`` and ``en/<key>/side-by-side/``
  (:func:`side_by_side_url`);
* links between pages are relative (:func:`relative_url`), so the site works
  under any base URL and from ``file://``;
* downloads: ``pdf/<name>`` (:func:`pdf_name`, :func:`issue_pdf_name`), later
  ``epub/<name>`` (:func:`epub_name`).  Names come from the publication's
  full path and keep Hangul (NFC), so ``newsletters/2013-12/서울소식`` and
  ``…/부산소식`` never share a file; :func:`name_collisions` finds the
  names that still coincide (``a/b-c`` and ``a-b/c``) so that a run can
  refuse them before writing anything;
* every user-given path component (slug, issue, event …) is validated by
  :func:`safe_component`.

Pure: strings in, strings out.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import Iterable, Mapping
from urllib.parse import quote

from cityvoices import i18n, syntax
from cityvoices.problems import Problem

PDF_DIR = "pdf"
EPUB_DIR = "epub"

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
    rel = posixpath.relpath("/" + target, "/" + base if base.endswith("/") else posixpath.dirname("/" + base))
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel in (".", "./"):
        return "./"
    if ":" in rel.split("/", 1)[0]:
        rel = "./" + rel
    return rel


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


def pdf_path(name: str) -> str:
    """Site path of a PDF (``pdf/<name>``), the same for every language."""
    return f"{PDF_DIR}/{name}"


def epub_path(name: str) -> str:
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
