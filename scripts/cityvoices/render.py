"""Language-aware finishing of rendered HTML, shared by the site and the PDFs.

Python-Markdown and pymdownx.blocks.caption are configured once for the whole
site (mkdocs-static-i18n forbids per-language ``markdown_extensions``), so
their English defaults are rewritten here into the page's language:

* caption prefixes ``Figure 3.`` -> ``그림 3.`` and stable ids ``fig-3``/``tab-1``;
* footnote back-link titles;
* translator's notes (labels ``tn-…``) get a visible "역주" mark.

Everything is a pure ``str -> str`` function over HTML.
"""

from __future__ import annotations

import html as _html
import re
from typing import Any

from cityvoices import frontmatter, i18n

CAPTION_PREFIX_RE = re.compile(
    r'<span class="caption-prefix">(?P<word>Figure|Table) (?P<n>\d+(?:\.\d+)*)\.</span>'
)
AUTO_ID_RE = re.compile(r'id="__(?P<type>figure|table)-caption_(?P<n>\d+(?:_\d+)*)"')
BACKLINK_TITLE_RE = re.compile(r'title="Jump back to footnote (?P<n>\d+) in the text"')
TN_ITEM_RE = re.compile(r'<li id="fn:(?P<label>tn-[^"]+)">(?P<sp>\s*)<p>')
TN_REF_RE = re.compile(r'<sup id="fnref(?P<dup>\d*):(?P<label>tn-[^"]+)">')


def localize_captions(html: str, lang: str) -> str:
    def prefix(m: re.Match[str]) -> str:
        key = "figure" if m.group("word") == "Figure" else "table"
        return f'<span class="caption-prefix">{i18n.label(lang, key, n=m.group("n"))}</span>'

    def ident(m: re.Match[str]) -> str:
        short = "fig" if m.group("type") == "figure" else "tab"
        return f'id="{short}-{m.group("n").replace("_", "-")}"'

    html = CAPTION_PREFIX_RE.sub(prefix, html)
    return AUTO_ID_RE.sub(ident, html)


def localize_footnotes(html: str, lang: str) -> str:
    html = BACKLINK_TITLE_RE.sub(
        lambda m: f'title="{_html.escape(i18n.label(lang, "footnote_backlink", n=m.group("n")))}"', html
    )
    mark = _html.escape(i18n.label(lang, "translator_note"))
    html = TN_ITEM_RE.sub(
        lambda m: f'<li id="fn:{m.group("label")}" class="cv-tn">{m.group("sp")}<p>'
                  f'<span class="cv-tn-mark">{mark}</span> ', html)
    html = TN_REF_RE.sub(lambda m: m.group(0)[:-1] + ' class="cv-tn-ref">', html)
    return html


def finish_html(html: str, lang: str) -> str:
    """All language finishing for a page body."""
    return localize_footnotes(localize_captions(html, lang), lang)


def _people(value: Any) -> list[dict[str, str]]:
    return frontmatter.normalize_people(value)


def byline(meta: dict[str, Any], lang: str) -> str:
    """The byline block: type, issue, date, authors, translators (HTML)."""
    esc = _html.escape
    parts: list[str] = []
    ptype = meta.get("type")
    kicker = []
    if ptype in ("article", "newsletter", "report"):
        kicker.append(esc(i18n.label(lang, f"type.{ptype}")))
    if ptype == "article" and meta.get("issue"):
        kicker.append(esc(i18n.label(lang, "issue", issue=meta.get("issue_title") or meta["issue"])))
    date = frontmatter.date_of(meta)
    if date:
        kicker.append(f'<time datetime="{date.isoformat()}">{esc(i18n.format_date(date, lang))}</time>')
    if kicker:
        parts.append('<p class="cv-kicker">' + ' <span aria-hidden="true">·</span> '.join(kicker) + "</p>")
    authors = _people(meta.get("authors"))
    if authors:
        names = ", ".join(
            f'<span class="cv-person">{esc(a["name"])}'
            + (f' <span class="cv-affiliation">{esc(a["affiliation"])}</span>' if a.get("affiliation") else "")
            + "</span>"
            for a in authors
        )
        parts.append(f'<p class="cv-authors"><span class="cv-role">{esc(i18n.label(lang, "by"))}</span> {names}</p>')
    translators = [t for t in _people(meta.get("translators"))
                   if (frontmatter.translation_direction(t) or ("", lang))[1] == lang]
    if translators:
        names = ", ".join(f'<span class="cv-person">{esc(t["name"])}</span>' for t in translators)
        parts.append(f'<p class="cv-translators"><span class="cv-role">{esc(i18n.label(lang, "translated_by"))}</span> {names}</p>')
    if meta.get("sample"):
        parts.append(f'<p class="cv-sample" role="note">{esc(i18n.label(lang, "sample_notice"))}</p>')
    if not parts:
        return ""
    return '<div class="cv-byline">' + "".join(parts) + "</div>"


def page_header(meta: dict[str, Any], lang: str, title: str | None = None) -> str:
    """``<h1>`` plus byline for a publication page."""
    title = title or str(meta.get("title") or "")
    return f'<h1 id="cv-title">{_html.escape(title)}</h1>\n' + byline(meta, lang)
