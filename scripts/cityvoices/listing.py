"""Listing pages generated from front matter (home, issues, newsletters,
reports).  Pure: catalogue + language + the listing page's URL in, HTML out."""

from __future__ import annotations

import html as _html
import posixpath

from cityvoices import frontmatter, i18n
from cityvoices.catalog import Catalog, Publication

KINDS = ("latest", "article", "newsletter", "report")


def relative_url(target: str, base: str) -> str:
    """URL of site path ``target`` as seen from the page at site path ``base``
    (both directory URLs like ``en/cityvoices/``)."""
    rel = posixpath.relpath("/" + target, "/" + base if base.endswith("/") else posixpath.dirname("/" + base))
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


def _item(pub: Publication, lang: str, base: str) -> str:
    esc = _html.escape
    ver = pub.version(lang)
    lang_attr = f' lang="{ver.lang}"' if ver.lang != lang else ""
    href = relative_url(pub.url(lang), base)
    meta = ver.meta
    bits = []
    if ver.date:
        bits.append(f'<time datetime="{ver.date.isoformat()}">{esc(i18n.format_date(ver.date, lang))}</time>')
    authors = ", ".join(p["name"] for p in frontmatter.normalize_people(meta.get("authors")))
    if authors:
        bits.append(f'<span class="cv-item-authors">{esc(authors)}</span>')
    if meta.get("sample"):
        bits.append(f'<span class="cv-badge">{esc(i18n.label(lang, "sample"))}</span>')
    summary = meta.get("summary")
    out = [f'<li class="cv-item" data-type="{esc(pub.type)}"><a class="cv-item-title" href="{esc(href)}"{lang_attr}>{esc(ver.title)}</a>']
    if bits:
        out.append('<p class="cv-item-meta">' + " · ".join(bits) + "</p>")
    if summary:
        out.append(f'<p class="cv-item-summary"{lang_attr}>{esc(str(summary))}</p>')
    out.append("</li>")
    return "".join(out)


def _list(pubs: list[Publication], lang: str, base: str) -> str:
    if not pubs:
        return f'<p class="cv-empty">{_html.escape(i18n.label(lang, "listing.empty"))}</p>'
    return '<ul class="cv-listing">' + "".join(_item(p, lang, base) for p in pubs) + "</ul>"


def group_title(kind: str, key: str, pubs: list[Publication], lang: str) -> str:
    if kind == "article":
        titled = next((p.version(lang).meta.get("issue_title") for p in pubs
                       if p.version(lang).meta.get("issue_title")), None)
        return i18n.label(lang, "issue", issue=titled or key)
    if kind == "newsletter":
        return i18n.format_month(pubs[0].date, lang)
    return str(pubs[0].version(lang).meta.get("event") or key)


def groups(catalog: Catalog, kind: str) -> list[tuple[str, list[Publication]]]:
    if kind == "article":
        return catalog.issues()
    out: dict[str, list[Publication]] = {}
    for pub in catalog.all(kind):
        # newsletters/<YYYY-MM>/<slug>, reports/<event>/<slug>
        parts = pub.key.split("/")
        gkey = parts[1] if len(parts) > 2 else (pub.date.strftime("%Y-%m") if kind == "newsletter" else pub.key)
        out.setdefault(gkey, []).append(pub)
    return sorted(out.items(), key=lambda kv: max(p.date for p in kv[1]), reverse=True)


def render_listing(catalog: Catalog, kind: str, lang: str, base: str, *,
                   limit: int = 20, extra: dict[str, str] | None = None) -> str:
    """HTML for a listing of ``kind`` (``latest`` or a publication type).

    ``extra`` maps a group key to additional HTML shown under its heading
    (the issue PDF link, for example)."""
    esc = _html.escape
    if kind == "latest":
        return _list(catalog.all()[:limit], lang, base)
    parts = []
    for key, pubs in groups(catalog, kind):
        slug = esc(key)
        parts.append(f'<section class="cv-group" id="{slug}"><h2 id="group-{slug}">{esc(group_title(kind, key, pubs, lang))}</h2>')
        if extra and key in extra:
            parts.append(extra[key])
        parts.append(_list(pubs, lang, base) + "</section>")
    if not parts:
        return _list([], lang, base)
    return "\n".join(parts)
