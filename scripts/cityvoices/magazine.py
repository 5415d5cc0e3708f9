"""The magazine: reading time, cards, covers, issue pages, related reading,
people and tags.  Pure: the catalogue and the sources' texts in, HTML out;
the engine layer (:mod:`cityvoices.integrations.magazine`) puts it on pages.

House rules held here:

* **reading time** (:func:`reading_minutes`): Korean is read by characters,
  English by words: :data:`RATE_HANGUL` Hangul syllables plus
  :data:`RATE_WORDS` words (anything else, Latin words on Korean pages
  included) per minute, rounded up, at least one minute.  Counted on the
  Markdown source without front matter, link targets, images, HTML tags and
  footnote calls (the notes themselves are read, so they count);
* **contents order** of an issue: :meth:`cityvoices.catalog.Catalog.contents`;
  previous/next of a publication follows it (other types: their group, by date);
* **related reading** (:meth:`Index.related`): the :data:`RELATED` publications
  that share most tags, then (at equal tags) from the same issue, then of
  the same type, then the newest, then by folder: deterministic;
* **people and tags**: one page per person (authors and translators) and
  per tag in each language, listing that language's versions, newest first,
  :data:`PAGE_SIZE` to a page; the URL slug of a name is the same in both
  languages (:func:`cityvoices.urls.unique_slugs`, earliest use first), and a
  page's counterpart in the other language is the same name, or else the
  name it stands beside in most translated bylines/tag lists;
* **thumbnails**: a publication's ``cover`` image, else its first figure
  (a relative image inside its folder), else none;
* **covers**: an issue's ``cover`` (on its own page, ``cityvoices/<issue>/index.<lang>.md``),
  else a typographic cover made of text and CSS (no image, no request).

Every value from front matter is escaped for the context it lands in.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import html as _html
import math
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from cityvoices import frontmatter, i18n, pubtypes, syntax, urls
from cityvoices.catalog import Catalog, Publication, contents_key, issue_title
from cityvoices.urls import href as url_href
from cityvoices.urls import relative_url

#: Hangul syllables read per minute (silent reading of Korean prose).
RATE_HANGUL = 500
#: Words read per minute (English prose; Latin words on Korean pages too).
RATE_WORDS = 230
#: How many related publications an article ends with.
RELATED = 3
#: Entries on one page of a person's or a tag's list.
PAGE_SIZE = 60
#: Cards on the home page for each type that is not the magazine.
HOME_LATEST = 3

esc = _html.escape

# --------------------------------------------------------------------------
# Reading time

#: What is not read, in one pass: HTML tags, images (their alt text is not
#: read), link targets ``](url "title")``, footnote calls and labels,
#: block fences (``/// figure-caption``), bare URLs, code fence markers.
_UNREAD_RE = re.compile("|".join((
    r"<[^>\n]+>",
    syntax.IMAGE_MD_RE.pattern,
    r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)",
    r"\[\^[^\]\s]+\]:?",
    r"(?m:^///.*$)",
    r"https?://\S+",
    r"(?m:^(?:```|~~~).*$)",
)))
_HANGUL_RUN_RE = re.compile(f"[{syntax.HANGUL}]+")
_WORD_RE = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def reading_minutes(text: str) -> int:
    """Minutes to read a Markdown source (front matter is skipped)."""
    _fm, body, _n = frontmatter.split(text)
    body = _UNREAD_RE.sub(" ", body)
    rest, runs = _HANGUL_RUN_RE.subn(" ", body)
    hangul = len(body) - len(rest) + runs  # each run of syllables became one space
    words = len(_WORD_RE.findall(rest))
    return max(1, math.ceil(hangul / RATE_HANGUL + words / RATE_WORDS))


# --------------------------------------------------------------------------
# The index: everything the pages ask of the catalogue, computed once


@dataclass
class Person:
    slug: str
    name: str
    written: list[Publication] = field(default_factory=list)
    translated: list[Publication] = field(default_factory=list)

    def entries(self) -> list[tuple[Publication, str]]:
        """``(publication, role)`` newest first; role ``by`` or ``translated_by``."""
        if "_entries" not in self.__dict__:
            seen = {p.key for p in self.written}
            items = [(p, "by") for p in self.written] + [(p, "translated_by") for p in self.translated
                                                        if p.key not in seen]
            self.__dict__["_entries"] = sorted(items, key=lambda e: _newest(e[0]))
        return self.__dict__["_entries"]


@dataclass
class Tag:
    slug: str
    name: str
    pubs: list[Publication] = field(default_factory=list)

    def entries(self) -> list[tuple[Publication, str]]:
        if "_entries" not in self.__dict__:
            self.__dict__["_entries"] = [(p, "") for p in sorted(self.pubs, key=_newest)]
        return self.__dict__["_entries"]


@dataclass
class Issue:
    key: str
    row: pubtypes.PubType
    pubs: list[Publication]  # contents order
    page: Publication | None  # its own page (cityvoices/<issue>/index.<lang>.md)

    @property
    def date(self) -> _dt.date:
        own = self.page.primary.date if self.page is not None else None
        return own or max((p.date for p in self.pubs), default=_dt.date.min)

    def url(self, lang: str) -> str:
        return urls.issue_url(self.row.section, self.key, lang)

    def title(self, lang: str) -> str:
        """``시티보이스 2014-1호``: the label around the issue's display title."""
        return i18n.label(lang, "issue", issue=self.display_title(lang))

    def display_title(self, lang: str) -> str:
        """The issue's title (:func:`cityvoices.catalog.issue_title`), or its id."""
        cache = self.__dict__.setdefault("_titles", {})
        if lang not in cache:
            cache[lang] = issue_title(self.pubs, lang, self.page) or self.key
        return cache[lang]


def _newest(pub: Publication) -> tuple:
    return (-pub.date.toordinal(), pub.key)


def _people_of(meta: Mapping, lang: str) -> tuple[list[str], list[str]]:
    """Names of the authors, and of the translators into ``lang``."""
    authors = [p["name"] for p in frontmatter.normalize_people(meta.get("authors"))]
    translators = [t["name"] for t in frontmatter.normalize_people(meta.get("translators"))
                   if (frontmatter.translation_direction(t) or ("", lang))[1] == lang]
    return authors, translators


def _pair(counts: Counter) -> dict[tuple[str, str], str]:
    """Counterparts from ``Counter({(ko_ident, en_ident): n})``: each name's
    most frequent partner, kept only when the choice is mutual."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for (a, b), n in counts.items():
        for side, here, there in (("ko", a, b), ("en", b, a)):
            cur = best.get((side, here))
            if cur is None or (n, -len(there), there) > (cur[0], -len(cur[1]), cur[1]):
                best[(side, here)] = (n, there)
    out = {}
    for (side, here), (_n, there) in best.items():
        other = "en" if side == "ko" else "ko"
        if best.get((other, there), (0, None))[1] == here:
            out[(side, here)] = there
    return out


class Index:
    """The magazine's view of a catalogue (built once per build and reused
    by every page; nothing here changes it)."""

    def __init__(self, catalog: Catalog, texts: Mapping[str, str],
                 read_time: Callable[[str], int] | None = None):
        self.catalog = catalog
        self.texts = texts
        #: :func:`reading_minutes` (the build's remembers those of unchanged texts)
        self.read_time = read_time or reading_minutes
        self._minutes: dict[str, int] = {}
        self._images: dict[tuple[str, str], str | None] = {}
        self._related: dict[str, _Related] = {}
        self._cards: dict[tuple, tuple] = {}
        self.pubs = sorted(catalog.all(), key=_newest)  # newest first
        # groups in reading order: issues by contents, the others by date
        self.issues: list[Issue] = []
        self._position: dict[str, tuple[list[Publication], int]] = {}
        pages = catalog.issue_pages()
        for row in pubtypes.TYPES:
            for key, pubs in catalog.groups(row.name):
                ordered = sorted(pubs, key=contents_key if row.group == pubtypes.BY_ISSUE
                                 else (lambda p: (p.date, p.key)))
                for i, pub in enumerate(ordered):
                    self._position[pub.key] = (ordered, i)
                if row.group == pubtypes.BY_ISSUE and key != "?":
                    self.issues.append(Issue(key, row, ordered, pages.get(key)))
        known = {i.key for i in self.issues}
        for key, page in pages.items():  # an issue with its page but no article yet
            row = pubtypes.issue_page_of(page.primary.src_uri)[0]
            if key not in known:
                self.issues.append(Issue(key, row, [], page))
        self.issues.sort(key=lambda i: (i.date, i.key), reverse=True)
        self._issue_by_key = {i.key: i for i in self.issues}
        self._build_names()

    # -- names ----------------------------------------------------------------------------------

    def _build_names(self) -> None:
        oldest = sorted(self.pubs, key=lambda p: (p.date, p.key))
        people_order, tag_order = [], []
        self.people: dict[str, dict[str, Person]] = {lang: {} for lang in i18n.LANGS}
        self.tags: dict[str, dict[str, Tag]] = {lang: {} for lang in i18n.LANGS}
        per_lang_people: dict[str, list[tuple[Publication, list[str], list[str]]]] = {}
        per_lang_tags: dict[str, list[tuple[Publication, list[str]]]] = {}
        person_pairs: Counter = Counter()
        tag_pairs: Counter = Counter()
        for pub in oldest:
            for lang in i18n.LANGS:
                ver = pub.versions.get(lang)
                if ver is None:
                    continue
                authors, translators = _people_of(ver.meta, lang)
                tags = frontmatter.words(ver.meta, "tags")
                people_order += authors + translators
                tag_order += tags
                per_lang_people.setdefault(lang, []).append((pub, authors, translators))
                per_lang_tags.setdefault(lang, []).append((pub, tags))
            if "ko" in pub.versions and "en" in pub.versions:
                ko, en = pub.versions["ko"].meta, pub.versions["en"].meta
                for key in ("authors", "translators"):
                    a = [p["name"] for p in frontmatter.normalize_people(ko.get(key))]
                    b = [p["name"] for p in frontmatter.normalize_people(en.get(key))]
                    if len(a) == len(b):
                        person_pairs.update((urls.identity(x), urls.identity(y)) for x, y in zip(a, b))
                a, b = frontmatter.words(ko, "tags"), frontmatter.words(en, "tags")
                if len(a) == len(b):
                    tag_pairs.update((urls.identity(x), urls.identity(y)) for x, y in zip(a, b))
        self.person_slugs = urls.unique_slugs(people_order)
        self.tag_slugs = urls.unique_slugs(tag_order)
        self._person_pair = _pair(person_pairs)
        self._tag_pair = _pair(tag_pairs)
        for lang, rows in per_lang_people.items():
            table = self.people[lang]
            for pub, authors, translators in rows:
                for names, role in ((authors, "written"), (translators, "translated")):
                    for name in dict.fromkeys(names):
                        slug = self.person_slugs[urls.identity(name)]
                        person = table.setdefault(slug, Person(slug, name))
                        lst = getattr(person, role)
                        if not lst or lst[-1] is not pub:
                            lst.append(pub)
        for lang, rows in per_lang_tags.items():
            table = self.tags[lang]
            for pub, tags in rows:
                for name in dict.fromkeys(urls.identity(t) for t in tags):
                    slug = self.tag_slugs[name]
                    tag = table.setdefault(slug, Tag(slug, next(t for t in tags if urls.identity(t) == name)))
                    tag.pubs.append(pub)

    def person_slug(self, name: str) -> str | None:
        return self.person_slugs.get(urls.identity(name))

    def tag_slug(self, name: str) -> str | None:
        return self.tag_slugs.get(urls.identity(name))

    def counterpart(self, kind: str, slug: str, lang: str) -> str | None:
        """The slug of the same person/tag's page in the other language, if any."""
        other = i18n.other(lang)
        table = (self.people if kind == "person" else self.tags)[other]
        own = (self.people if kind == "person" else self.tags)[lang].get(slug)
        if own is None:
            return None
        if slug in table:
            return slug
        partner = (self._person_pair if kind == "person" else self._tag_pair).get((lang, urls.identity(own.name)))
        slugs = self.person_slugs if kind == "person" else self.tag_slugs
        found = slugs.get(partner) if partner else None
        return found if found in table else None

    # -- per publication ------------------------------------------------------------------------

    def minutes(self, pub: Publication, lang: str) -> int | None:
        src = pub.version(lang).src_uri
        if src not in self._minutes:
            text = self.texts.get(src)
            self._minutes[src] = self.read_time(text) if text is not None else 0
        return self._minutes[src] or None

    def image(self, pub: Publication, lang: str) -> str | None:
        """Site path of the publication's thumbnail (``cover``, else its first figure)."""
        ver = pub.version(lang)
        key = (ver.src_uri, lang)
        if key not in self._images:
            src = ver.cover
            if not src:
                text = self.texts.get(ver.src_uri, "")
                m = syntax.IMAGE_MD_RE.search(text)
                candidate = (m.group("src") or "") if m else ""
                src = candidate if candidate and frontmatter.image_path_problem(candidate) is None else ""
            folder = posixpath.dirname(ver.src_uri)
            self._images[key] = posixpath.normpath(posixpath.join(folder, src)) if src else None
        return self._images[key]

    def issue_of(self, pub: Publication) -> Issue | None:
        return self._issue_by_key.get(pub.group_key()) if pub.pubtype and pub.pubtype.group_pdf else None

    def issue(self, key: str) -> Issue | None:
        return self._issue_by_key.get(key)

    def neighbours(self, pub: Publication) -> tuple[Publication | None, Publication | None]:
        """Previous and next publication in its issue's contents (its group)."""
        where = self._position.get(pub.key)
        if where is None:
            return None, None
        ordered, i = where
        return (ordered[i - 1] if i > 0 else None), (ordered[i + 1] if i + 1 < len(ordered) else None)

    def related(self, pub: Publication, lang: str, k: int = RELATED) -> list[Publication]:
        if lang not in self._related:
            self._related[lang] = _Related(self.pubs, lang)
        return self._related[lang].top(pub, k)

    def issue_neighbours(self, issue: Issue) -> tuple[Issue | None, Issue | None]:
        """The issue before and after ``issue`` (older, newer) of the same type."""
        same = [i for i in self.issues if i.row is issue.row]
        at = same.index(issue)
        return (same[at + 1] if at + 1 < len(same) else None), (same[at - 1] if at > 0 else None)


class _Related:
    """Shared tags, then same issue, then same type, then newest: the top
    ``k`` without comparing every pair (publications are grouped by their
    tag sets; only groups sharing a tag are visited, best levels first)."""

    def __init__(self, pubs: list[Publication], lang: str):
        self.lang = lang
        self.order = pubs  # newest first: a smaller rank is preferred
        self.rank = {p.key: i for i, p in enumerate(pubs)}
        self.groups: dict[frozenset, dict] = {}
        self.by_tag: dict[str, list[frozenset]] = {}
        self.everyone = self._tiers()
        for i, pub in enumerate(pubs):
            tags = self.tags(pub)
            group = self.groups.get(tags)
            if group is None:
                group = self.groups[tags] = self._tiers()
                for t in tags:
                    self.by_tag.setdefault(t, []).append(tags)
            for tiers in (group, self.everyone):
                self._add(tiers, pub, i)

    @staticmethod
    def _tiers() -> dict:
        return {"issue_type": {}, "issue": {}, "type": {}, "all": []}

    @staticmethod
    def _add(tiers: dict, pub: Publication, i: int) -> None:
        issue = pub.group_key() if pub.issue else None
        if issue:
            tiers["issue_type"].setdefault((issue, pub.type), []).append(i)
            tiers["issue"].setdefault(issue, []).append(i)
        tiers["type"].setdefault(pub.type, []).append(i)
        tiers["all"].append(i)

    def tags(self, pub: Publication) -> frozenset:
        return frozenset(urls.identity(t) for t in frontmatter.words(pub.version(self.lang).meta, "tags"))

    @staticmethod
    def _lists(tiers: dict, pub: Publication) -> list[list[int]]:
        issue = pub.group_key() if pub.issue else None
        out = []
        if issue:
            out.append(tiers["issue_type"].get((issue, pub.type), []))
            out.append(tiers["issue"].get(issue, []))
        out.append(tiers["type"].get(pub.type, []))
        out.append(tiers["all"])
        return out

    def top(self, pub: Publication, k: int) -> list[Publication]:
        chosen: list[int] = []
        seen = {self.rank.get(pub.key, -1)}

        def take(lists: list[list[int]]) -> bool:
            for r in heapq.merge(*lists):
                if r not in seen:
                    seen.add(r)
                    chosen.append(r)
                    if len(chosen) == k:
                        return True
            return False

        tags = self.tags(pub)
        counts: Counter = Counter()
        for t in tags:
            for g in self.by_tag.get(t, ()):
                counts[g] += 1
        levels: dict[int, list[dict]] = {}
        for g, n in counts.items():
            levels.setdefault(n, []).append(self.groups[g])
        for n in sorted(levels, reverse=True):
            groups = levels[n]
            for tier in range(len(self._lists(groups[0], pub))):
                if take([self._lists(g, pub)[tier] for g in groups]):
                    return [self.order[r] for r in chosen]
        for lst in self._lists(self.everyone, pub):  # no tag in common: issue, type, newest
            if take([lst]):
                break
        return [self.order[r] for r in chosen]


# --------------------------------------------------------------------------
# HTML pieces


def _href(target: str, base: str) -> str:
    return esc(url_href(relative_url(target, base)))


def _lang_attr(ver_lang: str, lang: str) -> str:
    return f' lang="{ver_lang}"' if ver_lang != lang else ""


def _kicker(pub: Publication, lang: str, index: Index) -> str:
    bits = [esc(pubtypes.label(pub.type, lang))]
    issue = index.issue_of(pub)
    if issue is not None:
        bits.append(esc(issue.title(lang)))
    return '<p class="cv-kicker">' + ' <span aria-hidden="true">·</span> '.join(bits) + "</p>"


def card(pub: Publication, lang: str, base: str, index: Index, *, image: bool = True, summary: bool = True,
         heading: str = "h3", role: str = "") -> str:
    """One publication as a card: thumbnail (decorative: the title says it),
    kicker (type · issue), title (the link; the whole card is its target),
    summary, authors, date and reading time.  What does not depend on the
    page it is shown on is made once per build (a card appears on many pages)."""
    key = (pub.key, lang, image, summary, heading, role)
    parts = index._cards.get(key)
    if parts is None:
        parts = index._cards[key] = _card_parts(pub, lang, index, image=image, summary=summary, heading=heading,
                                                role=role)
    thumb, url, head, tail = parts
    img = (f'<img class="cv-card-image" src="{_href(thumb, base)}" alt="" loading="lazy">' if thumb else "")
    return f'{head[0]}{img}{head[1]}<a class="cv-item-title" href="{_href(url, base)}"{tail}'


def _card_parts(pub: Publication, lang: str, index: Index, *, image: bool, summary: bool, heading: str,
                role: str) -> tuple:
    ver = pub.version(lang)
    la = _lang_attr(ver.lang, lang)
    thumb = index.image(pub, lang) if image else None
    out = [f'>{esc(ver.title)}</a></{heading}>']
    text = frontmatter.text(ver.meta, "summary").strip() if summary else ""
    if text:
        out.append(f'<p class="cv-item-summary"{la}>{esc(text)}</p>')
    bits = []
    if role == "translated_by":
        bits.append(f'<span class="cv-role">{esc(i18n.label(lang, role))}</span>')
    names = ", ".join(p["name"] for p in frontmatter.normalize_people(ver.meta.get("authors")))
    if names:
        bits.append(f'<span class="cv-item-authors"{la}>{esc(names)}</span>')
    if ver.date:
        bits.append(f'<time datetime="{ver.date.isoformat()}">{esc(i18n.format_date(ver.date, lang))}</time>')
    minutes = index.minutes(pub, lang)
    if minutes:
        bits.append(f'<span class="cv-minutes">{esc(i18n.label(lang, "minutes", n=minutes))}</span>')
    if frontmatter.flag(ver.meta, "sample"):
        bits.append(f'<span class="cv-badge">{esc(i18n.label(lang, "sample"))}</span>')
    if bits:
        out.append('<p class="cv-item-meta">' + ' <span aria-hidden="true">·</span> '.join(bits) + "</p>")
    out.append("</li>")
    head = (f'<li class="cv-item cv-card" data-type="{esc(pub.type)}">',
            _kicker(pub, lang, index) + f'<{heading} class="cv-card-title">')
    return thumb, pub.url(lang), head, la + "".join(out)


def cards(pubs: Iterable[Publication], lang: str, base: str, index: Index, *, cls: str = "", tag: str = "ul",
          **kw) -> str:
    items = "".join(card(p, lang, base, index, **kw) for p in pubs)
    return f'<{tag} class="cv-listing cv-cards{" " + cls if cls else ""}">{items}</{tag}>' if items else ""


def cover(issue: Issue, lang: str, base: str, *, size: str = "") -> str:
    """The issue's cover: its ``cover`` image, or a typographic cover (text
    and CSS only).  ``size``: ``small`` for listings."""
    cls = "cv-cover" + (f" cv-cover--{size}" if size else "")
    label = issue.title(lang)
    page = issue.page
    if page is not None and page.version(lang).cover:
        ver = page.version(lang)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(ver.src_uri), ver.cover))
        return (f'<img class="{cls} cv-cover--image" src="{_href(path, base)}" '
                f'alt="{esc(i18n.label(lang, "cover_of", issue=label))}" decoding="async">')
    lead = issue.pubs[0].version(lang) if issue.pubs else None
    date = issue.date
    return (f'<div class="{cls} cv-cover--type" role="img" aria-label="{esc(i18n.label(lang, "cover_of", issue=label))}">'
            f'<span class="cv-cover-mag">{esc(i18n.label(lang, "pdf.magazine"))}</span>'
            f'<span class="cv-cover-issue">{esc(issue.display_title(lang))}</span>'
            + (f'<span class="cv-cover-date">{esc(i18n.format_month(date, lang))}</span>'
               if date != _dt.date.min else "")
            + (f'<span class="cv-cover-lead"{_lang_attr(lead.lang, lang)}>{esc(lead.title)}</span>' if lead else "")
            + f'<span class="cv-cover-publisher">{esc(i18n.label(lang, "pdf.publisher"))}</span></div>')


def _count(n: int, lang: str, key: str = "articles_count") -> str:
    one = f"{key}.one"
    if n == 1 and one in i18n.LABELS.get(lang, {}):
        key = one
    return esc(i18n.label(lang, key, n=n))


def listing_url(section: str, lang: str) -> str:
    """The listing page of a section (``cityvoices/``)."""
    return urls.page_url(f"{section}/index.{lang}.md", lang)


# -- article page ------------------------------------------------------------------------------

def article_links(index: Index, pub: Publication, lang: str, base: str):
    """Where the byline's names lead (:class:`cityvoices.render.Links`)."""
    from cityvoices.render import Links

    people = index.people[pub.version(lang).lang]

    def person(name: str) -> str | None:
        slug = index.person_slug(name)
        if not slug or slug not in people:
            return None
        return url_href(relative_url(urls.person_url(slug, pub.version(lang).lang), base))

    issue = index.issue_of(pub)
    row = pub.pubtype
    return Links(person=person,
                 issue=url_href(relative_url(issue.url(lang), base)) if issue else None,
                 section=url_href(relative_url(listing_url(row.section, lang), base)) if row else None)


def article_end(index: Index, pub: Publication, lang: str, base: str) -> str:
    """What follows an article: its tags, previous/next in the issue,
    related reading."""
    out = []
    ver = pub.version(lang)
    tags = frontmatter.words(ver.meta, "tags")
    if tags:
        links = []
        for t in dict.fromkeys(tags):
            slug = index.tag_slug(t)
            if slug and slug in index.tags[ver.lang if ver.lang in index.tags else lang]:
                links.append(f'<a class="cv-tag" href="{_href(urls.tag_url(slug, ver.lang), base)}"'
                             f'{_lang_attr(ver.lang, lang)}>{esc(t)}</a>')
        if links:
            out.append(f'<p class="cv-tags" lang="{lang}"><span class="cv-role">{esc(i18n.label(lang, "tags"))}</span> '
                       + " ".join(links) + "</p>")
    prev, nxt = index.neighbours(pub)
    out.append(_prev_next(lang, base, "issue_nav", [
        (p.url(lang), p.version(lang).title, p.version(lang).lang) if p else None for p in (prev, nxt)],
        ("previous", "next")))
    related = index.related(pub, lang)
    if related:
        out.append(f'<aside class="cv-related" lang="{lang}" aria-labelledby="cv-related-title">'
                   f'<h2 id="cv-related-title">{esc(i18n.label(lang, "related"))}</h2>'
                   + cards(related, lang, base, index, cls="cv-cards--related", summary=False) + "</aside>")
    return "\n".join(o for o in out if o)


def _prev_next(lang: str, base: str, label: str, targets: list, words: tuple[str, str]) -> str:
    """``<nav>`` to the previous and the next of something; ``targets`` are
    ``(site path, title, language of the title)`` or ``None``."""
    if not any(targets):
        return ""
    nav = [f'<nav class="cv-issue-nav" lang="{lang}" aria-label="{esc(i18n.label(lang, label))}">']
    for target, rel, word in zip(targets, ("prev", "next"), words):
        if target is None:
            nav.append(f'<span class="cv-{rel} cv-nav-empty"></span>')
            continue
        url, title, title_lang = target
        nav.append(f'<a class="cv-{rel}" rel="{rel}" href="{_href(url, base)}">'
                   f'<span class="cv-nav-dir">{esc(i18n.label(lang, word))}</span>'
                   f'<span class="cv-nav-title"{_lang_attr(title_lang, lang)}>{esc(title)}</span></a>')
    return "".join(nav) + "</nav>"


# -- the home page -----------------------------------------------------------------------------

def home(index: Index, lang: str, base: str) -> str:
    """The latest issue as a cover with its articles as cards; then the
    latest of every other type; then a link to every issue."""
    out = []
    latest = next((i for i in index.issues if i.pubs), None)
    if latest is not None:
        href = _href(latest.url(lang), base)
        out.append('<section class="cv-home-issue" aria-labelledby="cv-home-issue">'
                   f'<a class="cv-cover-link" href="{href}" tabindex="-1" aria-hidden="true">'
                   f'{cover(latest, lang, base)}</a><div class="cv-issue-text">'
                   f'<p class="cv-kicker">{esc(i18n.label(lang, "this_issue"))}</p>'
                   f'<h2 id="cv-home-issue"><a href="{href}">{esc(latest.title(lang))}</a></h2>'
                   f'<p class="cv-item-meta">{_issue_meta(latest, lang)}</p>'
                   + _note_summary(latest, lang)
                   + cards(latest.pubs, lang, base, index, cls="cv-cards--home")
                   + f'<p class="cv-more"><a href="{href}">{esc(i18n.label(lang, "read_issue"))}</a></p>'
                   "</div></section>")
    for row in pubtypes.TYPES:
        if row.group == pubtypes.BY_ISSUE:
            continue
        pubs = [p for p in index.pubs if p.type == row.name][:HOME_LATEST]
        if not pubs:
            continue
        plural = row.plural(lang)
        out.append(f'<section class="cv-home-latest" aria-labelledby="cv-latest-{esc(row.name)}">'
                   f'<h2 id="cv-latest-{esc(row.name)}">{esc(i18n.label(lang, "latest_of_type", type=plural))}</h2>'
                   + cards(pubs, lang, base, index, image=False)
                   + f'<p class="cv-more"><a href="{_href(listing_url(row.section, lang), base)}">'
                     f'{esc(i18n.label(lang, "all_of_type", type=plural))}</a></p></section>')
    issue_rows = [r for r in pubtypes.TYPES if r.group == pubtypes.BY_ISSUE]
    if index.issues and issue_rows:
        out.append(f'<p class="cv-more cv-all-issues"><a href="{_href(listing_url(issue_rows[0].section, lang), base)}">'
                   f'{esc(i18n.label(lang, "all_issues"))}</a></p>')
    if not out:
        return f'<p class="cv-empty">{esc(i18n.label(lang, "listing.empty"))}</p>'
    return "\n".join(o for o in out if o)


def _issue_meta(issue: Issue, lang: str) -> str:
    bits = []
    if issue.date != _dt.date.min:
        bits.append(f'<time datetime="{issue.date.isoformat()}">{esc(i18n.format_month(issue.date, lang))}</time>')
    bits.append(_count(len(issue.pubs), lang))
    return ' <span aria-hidden="true">·</span> '.join(bits)


def _note_summary(issue: Issue, lang: str) -> str:
    if issue.page is None:
        return ""
    ver = issue.page.version(lang)
    text = frontmatter.text(ver.meta, "summary").strip()
    return f'<p class="cv-item-summary"{_lang_attr(ver.lang, lang)}>{esc(text)}</p>' if text else ""


# -- issue pages and the issues listing -------------------------------------------------------

def issue_page(index: Index, issue: Issue, lang: str, base: str, *, note_html: str = "",
               downloads: str = "") -> str:
    """An issue's page: cover, title, date, PDF (``downloads``: the row made
    by :func:`cityvoices.pdf.assemble.issue_link_html`), the editor's note
    (``note_html``: the rendered body of its own page), the contents in
    order, and the issues before and after it."""
    out = ['<header class="cv-issue-head cv-issue-page-head">', cover(issue, lang, base),
           '<div class="cv-issue-text">',
           f'<p class="cv-kicker"><a href="{_href(listing_url(issue.row.section, lang), base)}">'
           f'{esc(issue.row.plural(lang) if lang == "en" else i18n.label(lang, "pdf.magazine"))}</a></p>',
           f'<h1 id="cv-title">{esc(issue.title(lang))}</h1>',
           f'<p class="cv-item-meta">{_issue_meta(issue, lang)}</p>', _note_summary(issue, lang),
           downloads, "</div></header>"]
    if note_html.strip():
        ver = issue.page.version(lang) if issue.page else None
        heading = (frontmatter.text(ver.meta, "title") if ver else "") or i18n.label(lang, "editors_note")
        la = _lang_attr(ver.lang, lang) if ver else ""
        out.append(f'<section class="cv-note" aria-labelledby="cv-note"><h2 id="cv-note"{la}>{esc(heading)}</h2>'
                   f'<div class="cv-note-body"{la}>{note_html}</div></section>')
    if issue.pubs:
        out.append('<section class="cv-contents" aria-labelledby="cv-contents">'
                   f'<h2 id="cv-contents">{esc(i18n.label(lang, "contents"))}</h2>'
                   + cards(issue.pubs, lang, base, index, cls="cv-cards--list cv-cards--contents", tag="ol")
                   + "</section>")
    out.append(_prev_next(lang, base, "all_issues", [
        (i.url(lang), i.title(lang), lang) if i else None for i in index.issue_neighbours(issue)],
        ("previous_issue", "next_issue")))
    return "\n".join(o for o in out if o)


def issues_listing(index: Index, row: pubtypes.PubType, lang: str, base: str) -> str:
    """Every issue of ``row`` as a cover with its title, date and contents
    (``<h2 id="group-<issue>">``: the PDF link goes after it)."""
    out = []
    for issue in index.issues:
        if issue.row is not row:
            continue
        key = esc(issue.key)
        href = _href(issue.url(lang), base)
        items = "".join(
            f'<li class="cv-item"><a class="cv-item-title" href="{_href(p.url(lang), base)}"'
            f'{_lang_attr(p.version(lang).lang, lang)}>{esc(p.version(lang).title)}</a></li>' for p in issue.pubs)
        out.append(f'<section class="cv-group cv-issue-row" id="{key}">'
                   f'<a class="cv-cover-link" href="{href}" tabindex="-1" aria-hidden="true">'
                   f'{cover(issue, lang, base, size="small")}</a><div class="cv-issue-text">'
                   f'<h2 id="group-{key}"><a href="{href}">{esc(issue.title(lang))}</a></h2>'
                   f'<p class="cv-item-meta">{_issue_meta(issue, lang)}</p>'
                   + (f'<ul class="cv-listing cv-issue-titles">{items}</ul>' if items else "")
                   + "</div></section>")
    return "\n".join(out) or f'<p class="cv-empty">{esc(i18n.label(lang, "listing.empty"))}</p>'


# -- people and tags ---------------------------------------------------------------------------

def pages_of(n: int) -> int:
    return max(1, math.ceil(n / PAGE_SIZE))


def paged_url(url: str, page: int) -> str:
    """Page ``page`` of a list: ``tags/seoul/``, ``tags/seoul/2/``."""
    return url if page <= 1 else f"{url}{page}/"


def _pagination(url: str, page: int, total: int, lang: str, base: str) -> str:
    if total <= 1:
        return ""
    items = []
    for n in range(1, total + 1):
        label = esc(i18n.label(lang, "page_n", n=n))
        if n == page:
            items.append(f'<li><span aria-current="page">{n}</span></li>')
        else:
            items.append(f'<li><a href="{_href(paged_url(url, n), base)}" aria-label="{label}">{n}</a></li>')
    return (f'<nav class="cv-pagination" aria-label="{esc(i18n.label(lang, "pages"))}"><ul>'
            + "".join(items) + "</ul></nav>")


def list_page(index: Index, kind: str, slug: str, lang: str, base: str, page: int = 1) -> str:
    """A person's or a tag's page (``kind``: ``person`` | ``tag``), page ``page``."""
    table = index.people if kind == "person" else index.tags
    item = table[lang][slug]
    url = (urls.person_url if kind == "person" else urls.tag_url)(slug, lang)
    entries = item.entries()
    total = pages_of(len(entries))
    chunk = entries[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    if kind == "person":
        title = item.name
        counts = []
        if item.written:
            counts.append(f'{esc(i18n.label(lang, "person.written"))} {len(item.written)}')
        if item.translated:
            counts.append(f'{esc(i18n.label(lang, "person.translated"))} {len(item.translated)}')
        line = " · ".join(counts)
        up = (urls.people_url(lang), i18n.label(lang, "people"))
    else:
        title = item.name  # under the kicker "Tags"; the document title says "Tag: …"
        line = _count(len(entries), lang, "publications_count")
        up = (urls.tags_url(lang), i18n.label(lang, "tags"))
    body = "".join(card(p, lang, base, index, image=False, role=role if kind == "person" else "")
                   for p, role in chunk)
    return (f'<p class="cv-kicker"><a href="{_href(up[0], base)}">{esc(up[1])}</a></p>'
            f'<h1 id="cv-title">{esc(title)}</h1><p class="cv-item-meta">{line}</p>'
            f'<ul class="cv-listing cv-cards cv-cards--list">{body}</ul>'
            + _pagination(url, page, total, lang, base))


def list_title(index: Index, kind: str, slug: str, lang: str, page: int = 1) -> str:
    item = (index.people if kind == "person" else index.tags)[lang][slug]
    title = item.name if kind == "person" else i18n.label(lang, "tag.title", tag=item.name)
    return title if page <= 1 else f"{title} ({i18n.label(lang, 'page_n', n=page)})"


def names_page(index: Index, kind: str, lang: str, base: str) -> str:
    """Every person (``kind`` ``person``) or tag, with how many publications."""
    table = (index.people if kind == "person" else index.tags)[lang]
    url = urls.person_url if kind == "person" else urls.tag_url
    items = sorted(table.values(), key=lambda x: (urls.identity(x.name), x.slug))
    title = i18n.label(lang, "people" if kind == "person" else "tags")
    lis = "".join(f'<li><a href="{_href(url(x.slug, lang), base)}">{esc(x.name)}</a> '
                  f'<span class="cv-count">{len(x.entries())}</span></li>' for x in items)
    return (f'<h1 id="cv-title">{esc(title)}</h1>'
            + (f'<ul class="cv-names">{lis}</ul>' if lis else
               f'<p class="cv-empty">{esc(i18n.label(lang, "listing.empty"))}</p>'))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- 404 ----------------------------------------------------------------------------------------

def not_found(lang: str, root: str) -> str:
    """The 404 page's body.  ``root`` is the site's root path as the server
    sees it (``/`` or ``/sub/``): the page is shown at any depth, so its
    links are absolute paths."""
    root = root if root.endswith("/") else root + "/"

    def link(path: str) -> str:
        return esc(root + url_href(path))

    other = i18n.other(lang)
    items = [f'<li><a href="{link(urls.lang_root(lang))}">{esc(i18n.label(lang, "404.home"))}</a></li>']
    for row in pubtypes.TYPES:
        items.append(f'<li><a href="{link(listing_url(row.section, lang))}">{esc(_capital(row.plural(lang)))}</a></li>')
    items.append(f'<li><a href="{link(urls.tags_url(lang))}">{esc(i18n.label(lang, "tags"))}</a></li>')
    items.append(f'<li><a href="{link(urls.lang_root(other))}" hreflang="{other}" lang="{other}">'
                 f'{esc(i18n.label(lang, "404.other"))}</a></li>')
    return (f'<h1 id="cv-title">{esc(i18n.label(lang, "404.title"))}</h1>'
            f'<p>{esc(i18n.label(lang, "404.text"))}</p>'
            f'<p><label class="md-button md-button--primary cv-search-button" for="__search">'
            f'{esc(i18n.label(lang, "404.search"))}</label></p>'
            f'<ul class="cv-404-links">{"".join(items)}</ul>')
