"""Atom feeds (RFC 4287): one per language for every publication, and one
per language and type.  Pure: the catalogue in, XML bytes out.

Written with lxml (already a dependency), not a feed library: feedgen
(the well-kept choice) has no per-entry ``xml:lang`` and no ``xml:base``,
and stamps every entry with the time of the build unless told otherwise;
the MkDocs RSS plugin writes RSS and JSON Feed, not Atom, and is one
instance per site (static-i18n gives plugins no per-language
configuration).  lxml escapes every text and attribute value for XML, so
``<``, ``&``, ``]]>`` or quotes in a title stay text.

Links are relative to the feed (``../cityvoices/2014-1/x/``) under an
``xml:base`` of the feed's online address, so the same file works online
and, once :func:`cityvoices.offline.rewrite_feed` has dropped the base and
pointed the links at ``index.html``, in the offline copy.

Each entry: id (the page's URL, or a ``tag:`` URI without a site URL),
title, summary, author(s), published/updated (the publication's date),
``xml:lang``, the link to the page (``hreflang``), tags as categories.
The newest :data:`LIMIT` publications (by date, then folder) are listed.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
from dataclasses import dataclass
from typing import Iterable

from lxml import etree

from cityvoices import frontmatter, i18n, pubtypes, urls
from cityvoices.catalog import Catalog, Publication

ATOM = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Entries in one feed (the newest).
LIMIT = 50
GENERATOR = "CityVoices"


@dataclass(frozen=True)
class Feed:
    """One feed of one language: ``name`` is :data:`cityvoices.urls.FEED_ALL`
    or a type's section."""

    lang: str
    name: str
    title: str
    types: tuple[str, ...]

    @property
    def path(self) -> str:
        return urls.feed_path(self.lang, self.name)


def feeds(lang: str) -> list[Feed]:
    """Every feed of ``lang``: all publications, then one per type."""
    magazine = i18n.label(lang, "pdf.magazine")
    out = [Feed(lang, urls.FEED_ALL, i18n.label(lang, "feed.all"), pubtypes.NAMES)]
    for row in pubtypes.TYPES:
        label = row.plural(lang)
        title = label if magazine.casefold() in label.casefold() else f"{magazine} — {label}"
        out.append(Feed(lang, row.section, title, (row.name,)))
    return out


def feed_for_type(lang: str, ptype: str) -> Feed | None:
    return next((f for f in feeds(lang)[1:] if ptype in f.types), None)


def _stamp(date: _dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _tag_uri(host: str, date: _dt.date, path: str) -> str:
    return f"tag:{host},{date.isoformat()}:/{path}"


def entries(catalog: Catalog, feed: Feed) -> list[Publication]:
    pubs = [p for p in catalog.all() if p.type in feed.types and feed.lang in p.versions]
    return sorted(pubs, key=lambda p: (p.date, p.key), reverse=True)[:LIMIT]


def atom(catalog: Catalog, feed: Feed, site_url: str = "") -> bytes:
    """The feed as UTF-8 XML.  Only publications that have a version in
    the feed's language are listed (a fallback copy is not news)."""
    nsmap = {None: ATOM}
    root = etree.Element(f"{{{ATOM}}}feed", nsmap=nsmap)
    lang = feed.lang
    root.set(f"{{{XML_NS}}}lang", lang)
    folder = posixpath.dirname(feed.path) + "/"
    if site_url:
        root.set(f"{{{XML_NS}}}base", urls.absolute_url(site_url, folder))
    host = (site_url.split("//", 1)[-1].split("/", 1)[0] if site_url else "") or "cityvoices.invalid"

    def sub(parent, tag: str, text: str | None = None, **attrs: str):
        el = etree.SubElement(parent, f"{{{ATOM}}}{tag}")
        if text is not None:
            el.text = xml_text(text)
        for k, v in attrs.items():
            el.set(k, v)
        return el

    def link(path: str) -> str:
        return urls.href(urls.relative_url(path, folder))

    pubs = entries(catalog, feed)
    newest = pubs[0].date if pubs and pubs[0].date != _dt.date.min else _dt.date(2000, 1, 1)
    sub(root, "id", urls.absolute_url(site_url, feed.path) or _tag_uri(host, _dt.date(2000, 1, 1), feed.path))
    sub(root, "title", feed.title)
    sub(root, "subtitle", i18n.label(lang, "site.description"))
    sub(root, "updated", _stamp(newest))
    author = sub(root, "author")
    sub(author, "name", i18n.label(lang, "pdf.publisher"))
    sub(root, "link", rel="self", type="application/atom+xml", href=link(feed.path))
    sub(root, "link", rel="alternate", type="text/html", hreflang=lang, href=link(urls.lang_root(lang)))
    sub(root, "generator", GENERATOR)
    for pub in pubs:
        ver = pub.versions[lang]
        page = pub.url(lang)
        date = ver.date or pub.date
        if date == _dt.date.min:
            date = _dt.date(2000, 1, 1)
        entry = sub(root, "entry")
        entry.set(f"{{{XML_NS}}}lang", lang)
        sub(entry, "id", urls.absolute_url(site_url, page) or _tag_uri(host, date, page))
        sub(entry, "title", ver.title or pub.key, type="text")
        sub(entry, "link", rel="alternate", type="text/html", hreflang=lang, href=link(page))
        sub(entry, "published", _stamp(date))
        sub(entry, "updated", _stamp(date))
        names = [p["name"] for p in frontmatter.normalize_people(ver.meta.get("authors"))]
        for name in names or [i18n.label(lang, "pdf.publisher")]:
            sub(sub(entry, "author"), "name", name)
        summary = frontmatter.text(ver.meta, "summary").strip()
        if summary:
            sub(entry, "summary", summary, type="text")
        label = pubtypes.label(pub.type, lang)
        sub(entry, "category", term=pub.type, label=label)
        for tag in frontmatter.words(ver.meta, "tags"):
            sub(entry, "category", term=xml_text(tag))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def xml_text(text: str) -> str:
    """Text as XML 1.0 allows it (control characters other than tab and
    newline cannot be written at all, escaped or not)."""
    return "".join(ch for ch in str(text) if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))


def all_feeds(catalog: Catalog, lang: str, site_url: str = "") -> Iterable[tuple[str, bytes]]:
    """``(site path, XML)`` of every feed of ``lang``."""
    for feed in feeds(lang):
        yield feed.path, atom(catalog, feed, site_url)
