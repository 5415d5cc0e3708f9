"""The catalogue of publications: pairs Korean and English files, reads their
front matter, and answers listing questions.  Pure: it takes ``(src_uri,
text)`` pairs, so the MkDocs hook, the CLI and the PDF builder share it.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from cityvoices import frontmatter, i18n
from cityvoices.problems import Problem

SUFFIX_RE = re.compile(r"^(?P<stem>.+?)\.(?P<lang>ko|en)\.md$")
SECTIONS = {"cityvoices": "article", "newsletters": "newsletter", "reports": "report"}


@dataclass
class Version:
    """One language version of a publication."""

    lang: str
    src_uri: str
    meta: dict[str, Any]
    fm_lines: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or "")

    @property
    def date(self) -> _dt.date | None:
        return frontmatter.date_of(self.meta)


@dataclass
class Publication:
    key: str  # e.g. cityvoices/2014-1/seoul-congress-2013 (folder, or stem for loose files)
    versions: dict[str, Version] = field(default_factory=dict)

    @property
    def primary(self) -> Version:
        return self.versions.get(i18n.DEFAULT_LANG) or next(iter(self.versions.values()))

    @property
    def type(self) -> str:
        return str(self.primary.meta.get("type") or "page")

    @property
    def date(self) -> _dt.date:
        return self.primary.date or _dt.date.min

    @property
    def issue(self) -> str | None:
        val = self.primary.meta.get("issue")
        return str(val) if val is not None else None

    @property
    def section(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def is_publication(self) -> bool:
        return self.type in ("article", "newsletter", "report")

    def version(self, lang: str) -> Version:
        """The version to show to a reader of ``lang`` (falls back to the other)."""
        return self.versions.get(lang) or self.primary

    def url(self, lang: str) -> str:
        """Site-relative URL of the ``lang`` page (``en/`` prefix for English)."""
        return page_url(self.version(lang).src_uri, lang)


def split_lang(src_uri: str) -> tuple[str, str] | None:
    """``a/b/index.ko.md`` -> (``a/b/index``, ``ko``)."""
    m = SUFFIX_RE.match(src_uri)
    return (m.group("stem"), m.group("lang")) if m else None


def publication_key(src_uri: str) -> str | None:
    parts = split_lang(src_uri)
    if not parts:
        return None
    stem = parts[0]
    return stem[: -len("/index")] if stem.endswith("/index") else ("" if stem == "index" else stem)


def page_url(src_uri: str, lang: str) -> str:
    """Directory URL of a page in ``lang`` (``use_directory_urls``)."""
    key = publication_key(src_uri)
    if key is None:
        key = posixpath.splitext(src_uri)[0]
    prefix = "" if lang == i18n.DEFAULT_LANG else f"{lang}/"
    return f"{prefix}{key}/" if key else prefix


@dataclass
class Catalog:
    publications: dict[str, Publication] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def all(self, ptype: str | None = None) -> list[Publication]:
        pubs = [p for p in self.publications.values() if p.is_publication]
        if ptype:
            pubs = [p for p in pubs if p.type == ptype]
        return sorted(pubs, key=lambda p: (p.date, p.key), reverse=True)

    def issues(self) -> list[tuple[str, list[Publication]]]:
        """CityVoices issues, newest first, each with its articles."""
        groups: dict[str, list[Publication]] = {}
        for pub in self.all("article"):
            groups.setdefault(pub.issue or "?", []).append(pub)
        return sorted(groups.items(), key=lambda kv: max(p.date for p in kv[1]), reverse=True)

    def by_src(self, src_uri: str) -> Publication | None:
        key = publication_key(src_uri)
        return self.publications.get(key) if key is not None else None


#: Front matter parsed per file, reused while the file's text is unchanged
#: (YAML parsing is most of the catalogue's cost; every language build and
#: every rebuild under serve asks again for the same files).
_PARSED: dict[str, tuple[str, Any]] = {}


def _parse(text: str, src_uri: str) -> Any:
    hit = _PARSED.get(src_uri)
    if hit is not None and (hit[0] is text or hit[0] == text):
        return hit[1]
    result = frontmatter.parse(text, src_uri)
    _PARSED[src_uri] = (text, result)
    return result


def build_catalog(files: Iterable[tuple[str, str]], *, validate: bool = True) -> Catalog:
    """Build the catalogue from ``(src_uri, text)`` pairs of Markdown files."""
    cat = Catalog()
    for src_uri, text in files:
        parts = split_lang(src_uri)
        if not parts:
            continue
        key = publication_key(src_uri)
        fm, probs = _parse(text, src_uri)
        cat.problems.extend(probs)
        in_section = src_uri.split("/", 1)[0] in SECTIONS and src_uri.count("/") >= 2
        if validate and not probs:
            cat.problems.extend(frontmatter.validate(fm, src_uri, require=in_section))
            expected = SECTIONS.get(src_uri.split("/", 1)[0])
            got = fm.data.get("type")
            if in_section and expected and got in frontmatter.TYPES and got != expected:
                cat.problems.append(Problem(src_uri, fm.lines.get("type", 1), "frontmatter-type-folder",
                                            f"front matter field 'type' is {got!r} but the file is in the "
                                            f"{src_uri.split('/', 1)[0]}/ folder, which holds {expected}s", "warning"))
        pub = cat.publications.setdefault(key, Publication(key))
        pub.versions[parts[1]] = Version(parts[1], src_uri, fm.data, fm.lines)
    return cat
