"""What a page says about itself in its ``<head>``: title, description,
canonical URL and hreflang alternates, OpenGraph and Twitter card, feeds,
and on publications schema.org JSON-LD and citation tags (Google Scholar's
Highwire vocabulary).  Pure: data in, HTML text out.

Rules:

* ``<title>``: the page's title, then `` - `` and the site's name, unless
  the title already is (or contains) the site's name (the English home is
  ``CityVoices``, not ``CityVoices - CityVoices``);
* description: the front matter ``description``, else its ``summary``, else
  the page kind's own sentence in the page's language (never the site's
  English description on a Korean page); spaces folded, control characters
  dropped, at most :data:`DESCRIPTION_MAX` characters (cut at a space);
* alternates: only versions that exist, plus ``x-default`` (the Korean
  page); ``og:locale:alternate`` likewise.  ``<link rel="alternate">`` hrefs
  are relative: Material's script fetches ``sitemap.xml`` next to every
  one of them, so an absolute one would send a request off the site (the
  sitemap carries the absolute hreflang pairs for search engines);
* every value is escaped for its context: attribute values with
  :func:`html.escape`, JSON-LD with :func:`json_for_script` (``<``, ``>``,
  ``&`` and the line separators as ``\\uXXXX``, so ``</script>`` and ``<!--``
  inside a value cannot end or comment out the script).
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from cityvoices import i18n
from cityvoices.urls import absolute_url, relative_url
from cityvoices.urls import href as url_href

esc = _html.escape
DESCRIPTION_MAX = 300
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


@dataclass
class Person:
    name: str
    affiliation: str = ""
    url: str = ""  # site path of their page


@dataclass
class Work:
    """A publication, as the head describes it."""

    schema: str  # Article | NewsArticle | Report
    headline: str
    lang: str
    date: _dt.date | None = None
    authors: list[Person] = field(default_factory=list)
    translators: list[Person] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    section: str = ""  # the type's name in the page's language
    periodical: str = ""  # CityVoices, for magazine articles
    issue: str = ""  # issue id
    issue_name: str = ""
    issue_url: str = ""  # site path
    pdf: str = ""  # site path of this language's PDF
    #: the other language's versions: ``(lang, site path, headline)``
    translations: list[tuple[str, str, str]] = field(default_factory=list)
    #: ``True``: this version is the original; ``False``: a translation; ``None``: unknown
    original: bool | None = None
    publisher: str = ""


@dataclass
class Head:
    lang: str
    title: str  # the page's own title (the document title is made from it)
    site_name: str
    url: str  # site path of this page
    site_url: str = ""
    description: str = ""
    alternates: dict[str, str] = field(default_factory=dict)  # lang -> site path (this page's included)
    image: str = ""  # site path
    kind: str = "website"  # og:type: website | article | profile
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (title, site path)
    robots: str = ""
    work: Work | None = None
    is_home: bool = False


def document_title(title: str, site_name: str) -> str:
    """The ``<title>`` text: ``title - site`` unless ``title`` already names the site."""
    title, site_name = clean(title), clean(site_name)
    if not title:
        return site_name
    if not site_name or site_name.casefold() in title.casefold():
        return title
    return f"{title} - {site_name}"


def clean(text: str) -> str:
    """Text for a ``<meta>`` value: control characters dropped, spaces folded."""
    return " ".join(_CONTROL_RE.sub("", str(text or "")).split())


def description(text: str, limit: int = DESCRIPTION_MAX) -> str:
    text = clean(text)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,.;:") + "…"


def json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _abs(head: Head, path: str) -> str:
    """Absolute URL of a site path (relative to this page without a site URL)."""
    return absolute_url(head.site_url, path) if head.site_url else url_href(relative_url(path, head.url))


def _tag(name: str, attr: str, value: str) -> str:
    return f'<meta {name}="{esc(attr)}" content="{esc(value)}">'


def json_ld(head: Head) -> dict | None:
    w = head.work
    if w is None:
        return None

    def person(p: Person) -> dict:
        out: dict[str, Any] = {"@type": "Person", "name": clean(p.name)}
        if p.affiliation:
            out["affiliation"] = {"@type": "Organization", "name": clean(p.affiliation)}
        if p.url:
            out["url"] = _abs(head, p.url)
        return out

    # (the description is the page's <meta name="description">: not repeated here)
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": w.schema, "headline": clean(w.headline),
                            "inLanguage": w.lang, "url": _abs(head, head.url)}
    if w.date:
        data["datePublished"] = w.date.isoformat()
    if w.authors:
        data["author"] = [person(p) for p in w.authors]
    if w.translators:
        data["translator"] = [person(p) for p in w.translators]
    if w.keywords:
        data["keywords"] = [clean(k) for k in w.keywords]
    if w.section:
        data["articleSection"] = clean(w.section)
    if head.image:
        data["image"] = _abs(head, head.image)
    if w.publisher:
        data["publisher"] = {"@type": "Organization", "name": clean(w.publisher)}
    if w.issue:
        issue: dict[str, Any] = {"@type": "PublicationIssue", "issueNumber": clean(w.issue)}
        if w.issue_name:
            issue["name"] = clean(w.issue_name)
        if w.issue_url:
            issue["url"] = _abs(head, w.issue_url)
        if w.periodical:
            issue["isPartOf"] = {"@type": "Periodical", "name": clean(w.periodical)}
        data["isPartOf"] = issue
    others = [{"@type": w.schema, "inLanguage": lang, "url": _abs(head, path), "headline": clean(title)}
              for lang, path, title in w.translations]
    if others:
        # the original names its translations; a translation names its original
        if w.original is False:
            data["translationOfWork"] = others[0] if len(others) == 1 else others
        else:
            data["workTranslation"] = others[0] if len(others) == 1 else others
    return data


def citation_tags(head: Head) -> list[str]:
    """Highwire Press tags (what Google Scholar reads)."""
    w = head.work
    if w is None:
        return []
    tags = [_tag("name", "citation_title", clean(w.headline))]
    tags += [_tag("name", "citation_author", clean(p.name)) for p in w.authors]
    if w.date:
        tags.append(_tag("name", "citation_publication_date", w.date.strftime("%Y/%m/%d")))
    tags.append(_tag("name", "citation_language", w.lang))
    if w.periodical:
        tags.append(_tag("name", "citation_journal_title", clean(w.periodical)))
    if w.issue:
        tags.append(_tag("name", "citation_issue", clean(w.issue)))
    if w.publisher:
        tags.append(_tag("name", "citation_publisher", clean(w.publisher)))
    if w.pdf:
        tags.append(_tag("name", "citation_pdf_url", _abs(head, w.pdf)))
    return tags


def head_html(head: Head) -> str:
    """The tags of ``<head>`` that describe the page (one per line)."""
    lang = head.lang
    out = []
    if head.description:
        out.append(_tag("name", "description", head.description))
    if head.robots:
        out.append(_tag("name", "robots", head.robots))
    canonical = absolute_url(head.site_url, head.url)
    if canonical:
        out.append(f'<link rel="canonical" href="{esc(canonical)}">')
    def rel(path: str) -> str:
        return esc(url_href(relative_url(path, head.url)))

    for alt_lang in i18n.LANGS:
        if alt_lang in head.alternates:
            out.append(f'<link rel="alternate" href="{rel(head.alternates[alt_lang])}" hreflang="{alt_lang}">')
    if len(head.alternates) > 1 and i18n.DEFAULT_LANG in head.alternates:
        out.append(f'<link rel="alternate" href="{rel(head.alternates[i18n.DEFAULT_LANG])}" hreflang="x-default">')
    for title, path in head.feeds:
        out.append(f'<link rel="alternate" type="application/atom+xml" title="{esc(clean(title))}" '
                   f'href="{esc(url_href(relative_url(path, head.url)))}">')
    title = clean(head.title) or clean(head.site_name)
    out += [_tag("property", "og:type", head.kind), _tag("property", "og:title", title),
            _tag("property", "og:site_name", clean(head.site_name)),
            _tag("property", "og:locale", i18n.LOCALES.get(lang, lang))]
    for alt_lang in i18n.LANGS:
        if alt_lang != lang and alt_lang in head.alternates:
            out.append(_tag("property", "og:locale:alternate", i18n.LOCALES.get(alt_lang, alt_lang)))
    if canonical:
        out.append(_tag("property", "og:url", canonical))
    if head.description:
        out.append(_tag("property", "og:description", head.description))
    if head.image and head.site_url:
        out.append(_tag("property", "og:image", _abs(head, head.image)))
    w = head.work
    if w is not None:
        if w.date:
            out.append(_tag("property", "article:published_time", w.date.isoformat()))
        if w.section:
            out.append(_tag("property", "article:section", clean(w.section)))
    # Twitter reads og:title, og:description and og:image; it needs only the card type
    out.append(_tag("name", "twitter:card", "summary_large_image" if head.image and head.site_url else "summary"))
    out += citation_tags(head)
    data = json_ld(head)
    if data is not None:
        out.append(f'<script type="application/ld+json">{json_for_script(data)}</script>')
    return "\n".join(out)
