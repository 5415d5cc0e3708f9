"""Listing pages generated from front matter (home, and one per publication
type: CityVoices by issue, newsletters by month, reports by event).  Pure:
catalogue + language + the listing page's URL in, HTML out.

A listing page says which list it shows with ``listing: <kind>``: ``home``
(the magazine's home, :func:`cityvoices.magazine.home`), ``latest`` or a
type of :mod:`cityvoices.pubtypes`; the type's row says how it groups (a
type grouped by issue is shown as covers, :func:`cityvoices.magazine.issues_listing`).
Every value from front matter is escaped for its context (text or attribute).
"""

from __future__ import annotations

import html as _html

from cityvoices import frontmatter, i18n, pubtypes
from cityvoices.catalog import Catalog, Publication, issue_title
from cityvoices.urls import href as url_href
from cityvoices.urls import relative_url

LATEST = "latest"
#: The magazine's home page (:func:`cityvoices.magazine.home`).
HOME = "home"


def kinds() -> tuple[str, ...]:
    """Every value ``listing:`` may take."""
    return (HOME, LATEST) + pubtypes.NAMES


KINDS = kinds()


def _item(pub: Publication, lang: str, base: str) -> str:
    esc = _html.escape
    ver = pub.version(lang)
    lang_attr = f' lang="{ver.lang}"' if ver.lang != lang else ""
    href = url_href(relative_url(pub.url(lang), base))
    meta = ver.meta
    bits = []
    if ver.date:
        bits.append(f'<time datetime="{ver.date.isoformat()}">{esc(i18n.format_date(ver.date, lang))}</time>')
    authors = ", ".join(p["name"] for p in frontmatter.normalize_people(meta.get("authors")))
    if authors:
        bits.append(f'<span class="cv-item-authors">{esc(authors)}</span>')
    if frontmatter.flag(meta, "sample"):
        bits.append(f'<span class="cv-badge">{esc(i18n.label(lang, "sample"))}</span>')
    summary = frontmatter.text(meta, "summary")
    out = [f'<li class="cv-item" data-type="{esc(pub.type)}"><a class="cv-item-title" href="{esc(href)}"{lang_attr}>'
           f'{esc(ver.title)}</a>']
    if bits:
        out.append('<p class="cv-item-meta">' + " · ".join(bits) + "</p>")
    if summary:
        out.append(f'<p class="cv-item-summary"{lang_attr}>{esc(summary)}</p>')
    out.append("</li>")
    return "".join(out)


def _list(pubs: list[Publication], lang: str, base: str) -> str:
    if not pubs:
        return f'<p class="cv-empty">{_html.escape(i18n.label(lang, "listing.empty"))}</p>'
    return '<ul class="cv-listing">' + "".join(_item(p, lang, base) for p in pubs) + "</ul>"


def group_title(kind: str, key: str, pubs: list[Publication], lang: str) -> str:
    """The heading of a group, by the type's rule: ``시티보이스 2014-1호``
    (the issue's title, :func:`cityvoices.catalog.issue_title`), the month,
    or the event."""
    row = pubtypes.get(kind)
    rule = row.group if row else pubtypes.BY_EVENT
    if rule == pubtypes.BY_ISSUE:
        return i18n.label(lang, "issue", issue=issue_title(pubs, lang) or key)
    if rule == pubtypes.BY_MONTH:
        return i18n.format_month(pubs[0].date, lang)
    return frontmatter.text(pubs[0].version(lang).meta, "event") or key


def groups(catalog: Catalog, kind: str) -> list[tuple[str, list[Publication]]]:
    return catalog.groups(kind)


def render_listing(catalog: Catalog, kind: str, lang: str, base: str, *,
                   limit: int = 20, extra: dict[str, str] | None = None) -> str:
    """HTML for a listing of ``kind`` (``latest`` or a publication type).

    ``extra`` maps a group key to additional HTML shown under its heading
    (the issue PDF link, for example)."""
    esc = _html.escape
    if kind == LATEST:
        return _list(catalog.all()[:limit], lang, base)
    parts = []
    for key, pubs in groups(catalog, kind):
        slug = esc(key)
        parts.append(f'<section class="cv-group" id="{slug}"><h2 id="group-{slug}">'
                     f'{esc(group_title(kind, key, pubs, lang))}</h2>')
        if extra and key in extra:
            parts.append(extra[key])
        parts.append(_list(pubs, lang, base) + "</section>")
    if not parts:
        return _list([], lang, base)
    return "\n".join(parts)
