"""The catalogue of publications: pairs Korean and English files, reads their
front matter, and answers listing questions.  Pure: it takes ``(src_uri,
text)`` pairs, so the MkDocs hook, the CLI and the PDF builder share it.

Pairing has one key rule, :func:`publication_key` (from :mod:`cityvoices.urls`):
``x/index.ko.md`` and ``x/index.en.md`` are publication ``x``; loose files
``x/A.ko.md``/``x/A.en.md`` are ``x/A``; the home page is ``""``.

Issue titles have one rule, :func:`issue_title`: the issue's own page
(``cityvoices/<issue>/index.<lang>.md``, ``type: issue``) when it sets
``issue_title``, else the earliest-dated article of the issue (then the
first by folder) whose version in the reader's language sets
``issue_title``; when two of them set different titles, the catalogue warns.

An issue's contents have one order, :meth:`Catalog.contents`: front matter
``order`` (1, 2, 3 …) first, then by date, then by folder.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from cityvoices import buildcache, frontmatter, i18n, mdscan, pubtypes, syntax
from cityvoices.problems import Problem
from cityvoices.urls import page_url, publication_key  # noqa: F401  (re-exported: the key and URL rules)

split_lang = syntax.split_lang  # re-exported: the language-suffix rule


@dataclass
class Version:
    """One language version of a publication."""

    lang: str
    src_uri: str
    meta: dict[str, Any]
    fm_lines: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return frontmatter.text(self.meta, "title")

    @property
    def date(self) -> _dt.date | None:
        return frontmatter.date_of(self.meta)

    @property
    def cover(self) -> str:
        """The ``cover`` image, relative to the file's folder (``""``: none)."""
        return frontmatter.path_of(self.meta, "cover")


@dataclass
class Publication:
    key: str  # e.g. cityvoices/2014-1/seoul-congress-2013 (folder, or stem for loose files)
    versions: dict[str, Version] = field(default_factory=dict)

    @property
    def primary(self) -> Version:
        return self.versions.get(i18n.DEFAULT_LANG) or next(iter(self.versions.values()))

    @property
    def type(self) -> str:
        value = self.primary.meta.get("type")
        return value if isinstance(value, str) and value else "page"

    @property
    def pubtype(self) -> pubtypes.PubType | None:
        return pubtypes.get(self.type)

    @property
    def date(self) -> _dt.date:
        return self.primary.date or _dt.date.min

    @property
    def issue(self) -> str | None:
        return frontmatter.text(self.primary.meta, "issue") or None

    @property
    def section(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def is_publication(self) -> bool:
        return pubtypes.is_publication(self.type)

    def group_key(self) -> str:
        """The group this publication is listed under (its type's rule):
        the issue, the month folder (``YYYY-MM``) or the event folder."""
        row = self.pubtype
        parts = self.key.split("/")
        if row is not None and row.group == pubtypes.BY_ISSUE:
            return frontmatter.text(self.primary.meta, row.group) or "?"
        if len(parts) > 2:
            return parts[1]
        if row is not None and row.group == pubtypes.BY_MONTH:
            return self.date.strftime("%Y-%m")
        return self.key

    def version(self, lang: str) -> Version:
        """The version to show to a reader of ``lang`` (falls back to the other)."""
        return self.versions.get(lang) or self.primary

    def url(self, lang: str) -> str:
        """Site-relative URL of the ``lang`` page (``en/`` prefix for English)."""
        return page_url(self.version(lang).src_uri, lang)


def contents_key(pub: Publication) -> tuple:
    """The one contents order of an issue (see :meth:`Catalog.contents`)."""
    order = frontmatter.order_of(pub.primary.meta)
    return (order is None, order or 0, pub.date, pub.key)


def pair_files(paths: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{key: {lang: path}}`` for every language file among ``paths``."""
    pairs: dict[str, dict[str, str]] = {}
    for p in paths:
        key = publication_key(p)
        parts = syntax.split_lang(p)
        if key is not None and parts:
            pairs.setdefault(key, {})[parts[1]] = p
    return dict(sorted(pairs.items()))


def issue_title(pubs: Iterable[Publication], lang: str, page: Publication | None = None) -> str | None:
    """The one issue-title rule: the issue's own ``page`` when its ``lang``
    version sets ``issue_title``, else the earliest-dated article (then by
    key) whose ``lang`` version sets it."""
    if page is not None:
        title = frontmatter.text(page.version(lang).meta, "issue_title")
        if title:
            return title
    for pub in sorted(pubs, key=lambda p: (p.date, p.key)):
        title = frontmatter.text(pub.version(lang).meta, "issue_title")
        if title:
            return title
    return None


def issue_title_problems(groups: Iterable[tuple[str, list[Publication]]], where=lambda uri: uri,
                         pages: dict[str, Publication] | None = None) -> list[Problem]:
    """A warning for every issue whose articles (or own page) set different titles."""
    out = []
    for issue, pubs in groups:
        for lang in i18n.LANGS:
            chosen = issue_title(pubs, lang, (pages or {}).get(issue))
            for pub in pubs:
                ver = pub.versions.get(lang)
                own = frontmatter.text(ver.meta, "issue_title") if ver else ""
                if own and chosen and own != chosen:
                    out.append(Problem(where(ver.src_uri), ver.fm_lines.get("issue_title", 1), "issue-title-conflict",
                                       f"issue_title '{own}' differs from '{chosen}', set by the issue's page or an "
                                       f"earlier article of issue {issue}; the issue is shown as '{chosen}': use one "
                                       "title in every article of the issue, or set it in one place only"))
    return out


@dataclass
class Catalog:
    publications: dict[str, Publication] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def all(self, ptype: str | None = None) -> list[Publication]:
        pubs = [p for p in self.publications.values() if p.is_publication]
        if ptype:
            pubs = [p for p in pubs if p.type == ptype]
        return sorted(pubs, key=lambda p: (p.date, p.key), reverse=True)

    def groups(self, ptype: str) -> list[tuple[str, list[Publication]]]:
        """Publications of ``ptype`` by group (its type's rule), newest group
        first, newest publication first within a group."""
        out: dict[str, list[Publication]] = {}
        for pub in self.all(ptype):
            out.setdefault(pub.group_key(), []).append(pub)
        return sorted(out.items(), key=lambda kv: max(p.date for p in kv[1]), reverse=True)

    def issues(self) -> list[tuple[str, list[Publication]]]:
        """Groups that get a whole-group PDF (CityVoices issues), newest first."""
        return [g for t in pubtypes.TYPES if t.group_pdf for g in self.groups(t.name)]

    def issue_title(self, issue: str, lang: str) -> str | None:
        """The display title of ``issue`` in ``lang`` (:func:`issue_title`)."""
        page = self.issue_pages().get(issue)
        for key, pubs in self.issues():
            if key == issue:
                return issue_title(pubs, lang, page)
        if page is not None:
            return issue_title([], lang, page)
        return None

    def issue_pages(self) -> dict[str, Publication]:
        """``{issue: its own page}`` (``cityvoices/<issue>/index.<lang>.md``
        with ``type: issue``); the issue is the folder's name."""
        cached = self.__dict__.get("_issue_pages")
        if cached is None:
            cached = {}
            for pub in self.publications.values():
                if pub.type == pubtypes.ISSUE_PAGE:
                    where = pubtypes.issue_page_of(pub.primary.src_uri)
                    if where is not None:
                        cached[where[1]] = pub
            self.__dict__["_issue_pages"] = cached
        return cached

    def contents(self, issue: str) -> list[Publication]:
        """The articles of ``issue`` in contents order: ``order`` first
        (1, 2, 3 …), then the rest by date, then by folder."""
        for key, pubs in self.issues():
            if key == issue:
                return sorted(pubs, key=contents_key)
        return []

    def by_src(self, src_uri: str) -> Publication | None:
        key = publication_key(src_uri)
        return self.publications.get(key) if key is not None else None


#: Front matter parsed per file, reused while the file's text is unchanged
#: (YAML parsing is most of the catalogue's cost; every language build and
#: every rebuild under serve asks again for the same files).
_PARSED: dict[str, tuple[str, Any]] = {}

#: The dataclasses a kept parse holds (for :class:`cityvoices.buildcache.Memo`).
PARSED_TYPES = (frontmatter.FrontMatter, Problem)


def parsed(text: str, src_uri: str, shown: str | None = None, memo: Any = None,
           ) -> tuple[frontmatter.FrontMatter, list[Problem]]:
    """``frontmatter.parse`` plus the text's own problems (NUL), cached per
    file while its text is unchanged; problems name the file as ``shown``.
    ``memo``: a store kept between processes (``get(key)``/``put(key,
    value)``, :class:`cityvoices.buildcache.Memo` of :data:`PARSED_TYPES`),
    asked by a digest of ``shown`` and the text before anything is parsed."""
    shown = src_uri if shown is None else shown
    hit = _PARSED.get(src_uri)
    if hit is not None and (hit[0] is text or hit[0] == text) and hit[2] == shown:
        return hit[1]
    key = buildcache.digest("frontmatter", shown, text) if memo is not None else None
    kept = memo.get(key) if key is not None else None
    if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], frontmatter.FrontMatter):
        value = (kept[0], list(kept[1]))
    else:
        result = frontmatter.parse(text, shown)
        value = (result[0], mdscan.text_problems(text, shown) + result[1])
        if key is not None:
            memo.put(key, value)
    _PARSED[src_uri] = (text, value, shown)
    return value


def source_problems(src_uri: str, fm: frontmatter.FrontMatter, shown: str, *, validate: bool = True) -> list[Problem]:
    """The schema and folder rules for one source: fields and types
    (required ones inside a type's section), and the type matching its folder."""
    row = pubtypes.of_path(src_uri)
    got = fm.data.get("type")
    if got == pubtypes.ISSUE_PAGE:
        return issue_page_problems(src_uri, fm, shown, validate=validate)
    if pubtypes.issue_page_of(src_uri) is not None and got in pubtypes.NAMES:
        return [Problem(shown, fm.lines.get("type", 1), "frontmatter-issue-page",
                        f"this is where the page of issue '{src_uri.split('/')[1]}' lives (its cover and "
                        f"editor's note): give it 'type: {pubtypes.ISSUE_PAGE}', or move the "
                        f"{got} into a folder of its own inside the issue", "error")]
    probs = frontmatter.validate(fm, shown, require=row is not None) if validate else []
    if row is not None and pubtypes.get(got) is not None and got != row.name:
        probs.append(Problem(shown, fm.lines.get("type", 1), "frontmatter-type-folder",
                             f"front matter field 'type' is '{got}' but the file is in the {row.section}/ folder, "
                             f"which holds {row.label('en').lower()}s", "warning"))
    return probs


def issue_page_problems(src_uri: str, fm: frontmatter.FrontMatter, shown: str, *,
                        validate: bool = True) -> list[Problem]:
    """An issue's own page: only at ``<section>/<issue>/index.<lang>.md``;
    an ``issue`` field, when given, names its folder."""
    probs = frontmatter.validate(fm, shown, require=False) if validate else []
    where = pubtypes.issue_page_of(src_uri)
    if where is None:
        probs.append(Problem(shown, fm.lines.get("type", 1), "frontmatter-issue-page",
                             f"'type: {pubtypes.ISSUE_PAGE}' is for an issue's own page, "
                             "docs/cityvoices/<issue>/index.ko.md (and .en.md); this file is not one",
                             "error"))
    else:
        own = frontmatter.text(fm.data, "issue")
        if own and own != where[1]:
            probs.append(Problem(shown, fm.lines.get("issue", 1), "frontmatter-issue-page",
                                 f"front matter field 'issue' is '{own}' but this page is in the folder of "
                                 f"issue '{where[1]}'; leave 'issue' out (the folder names the issue)",
                                 "warning"))
    return probs


def unknown_suffix_problem(path: str, shown: str | None = None) -> Problem | None:
    """A warning for ``index.kr.md`` and other language suffixes that are never published."""
    found = syntax.unknown_lang_suffix(path)
    if not found:
        return None
    suffix, meant = found
    hint = f": rename it to ….{meant}.md" if meant else \
        f": the site publishes only {' and '.join('.' + lang + '.md' for lang in i18n.LANGS)}"
    return Problem(shown or path, 0, "lang-suffix-unknown",
                   f"language suffix '.{suffix}.md' is not one the site publishes, so this file is never "
                   f"published{hint}", "warning")


def build_catalog(files: Iterable[tuple[str, str]], *, validate: bool = True, prefix: str = "",
                  memo: Any = None) -> Catalog:
    """Build the catalogue from ``(src_uri, text)`` pairs of Markdown files.

    ``prefix`` goes before every path in a problem (``docs/``: a path an
    editor can paste from the repository root); ``memo``: parsed front
    matter kept between builds (see :func:`parsed`)."""
    cat = Catalog()
    for src_uri, text in files:
        shown = prefix + src_uri
        parts = syntax.split_lang(src_uri)
        if not parts:
            bad = unknown_suffix_problem(src_uri, shown)
            if bad and validate:
                cat.problems.append(bad)
            continue
        key = publication_key(src_uri)
        fm, probs = parsed(text, src_uri, shown, memo)
        cat.problems.extend(probs)
        if validate and not any(p.severity == "error" for p in probs):
            cat.problems.extend(source_problems(src_uri, fm, shown))
        pub = cat.publications.setdefault(key, Publication(key))
        pub.versions[parts[1]] = Version(parts[1], src_uri, fm.data, fm.lines)
    if validate:
        cat.problems.extend(issue_title_problems(cat.issues(), lambda uri: prefix + uri, cat.issue_pages()))
        cat.problems.extend(order_problems(cat, prefix))
    return cat


def order_problems(cat: Catalog, prefix: str = "") -> list[Problem]:
    """A warning for two articles of one issue that claim the same ``order``."""
    out = []
    for issue, pubs in cat.issues():
        seen: dict[int, Publication] = {}
        for pub in sorted(pubs, key=lambda p: p.key):
            order = frontmatter.order_of(pub.primary.meta)
            if order is None:
                continue
            if order in seen:
                ver = pub.primary
                out.append(Problem(prefix + ver.src_uri, ver.fm_lines.get("order", 1), "frontmatter-order",
                                   f"order {order} is also given to {seen[order].key} in issue {issue}; the two "
                                   "are listed by date: give each article of an issue its own number",
                                   "warning"))
            else:
                seen[order] = pub
    return out
