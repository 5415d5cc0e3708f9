"""Language-aware finishing of rendered HTML, shared by the site and the PDFs.

Python-Markdown and pymdownx.blocks.caption are configured once for the whole
site (mkdocs-static-i18n forbids per-language ``markdown_extensions``), so
their English defaults are rewritten here into the page's language:

* caption prefixes ``Figure 3.`` -> ``그림 3.`` and stable ids ``fig-3``/``tab-1``;
* footnote back-link titles;
* translator's notes (:func:`cityvoices.syntax.is_translator_note`: labels
  ``tn-…``/``tn_…``, or notes whose text starts with a lead word such as
  역주 or Translator's note) get the visible mark of the page's language
  (역주 / Translator's note), replacing a lead word the editor typed, so the
  site and the PDF (which is made from this HTML) mark every form alike.

Headers and bylines escape every front matter value for the context it
lands in (text or attribute) and read values through
:func:`cityvoices.frontmatter.text`, so a value of the wrong type is never
shown as a Python repr.

Everything is a pure ``str -> str`` function over HTML.
"""

from __future__ import annotations

import html as _html
import re
from typing import Any

from cityvoices import frontmatter, i18n, pubtypes, syntax

CAPTION_PREFIX_RE = re.compile(
    r'<span class="caption-prefix">(?P<word>Figure|Table) (?P<n>\d+(?:\.\d+)*)\.</span>'
)
AUTO_ID_RE = re.compile(r'id="__(?P<type>figure|table)-caption_(?P<n>\d+(?:_\d+)*)"')
BACKLINK_TITLE_RE = re.compile(r'title="Jump back to footnote (?P<n>\d+) in the text"')
FN_ITEM_RE = re.compile(r'<li id="fn:(?P<label>[^"]+)">(?P<sp>\s*)<p>(?P<lead>(?:<(?:strong|b|em)>)?)')
FN_REF_RE = re.compile(r'<sup id="fnref(?P<dup>\d*):(?P<label>[^"]+)">')
TAG_RE = re.compile(r"<[^>]+>")


def localize_captions(html: str, lang: str) -> str:
    def prefix(m: re.Match[str]) -> str:
        key = "figure" if m.group("word") == "Figure" else "table"
        return f'<span class="caption-prefix">{i18n.label(lang, key, n=m.group("n"))}</span>'

    def ident(m: re.Match[str]) -> str:
        short = "fig" if m.group("type") == "figure" else "tab"
        return f'id="{short}-{m.group("n").replace("_", "-")}"'

    html = CAPTION_PREFIX_RE.sub(prefix, html)
    return AUTO_ID_RE.sub(ident, html)


def _strip_lead_html(html: str, start: int) -> tuple[int, bool]:
    """If the note text at ``start`` begins with a translator's-note lead
    word (maybe in <strong>), the offset after it and its separator."""
    head = html[start:start + 120]
    plain = TAG_RE.sub(lambda m: "\0" * len(m.group(0)), head)  # same offsets, tags masked
    visible = plain.replace("\0", "")
    m = syntax.TN_LEAD_RE.match(visible)
    if not m:
        return start, False
    # walk the masked text until m.end() visible characters are consumed
    seen = 0
    for i, ch in enumerate(plain):
        if seen == m.end():
            rest = head[i:]
            closing = re.match(r"(?:</(?:strong|b|em)>[ \t]*[:.)]?[ \t]*)*", rest)
            return start + i + (closing.end() if closing else 0), True
        if ch != "\0":
            seen += 1
    return start, False


def localize_footnotes(html: str, lang: str) -> str:
    html = BACKLINK_TITLE_RE.sub(
        lambda m: f'title="{_html.escape(i18n.label(lang, "footnote_backlink", n=m.group("n")))}"', html
    )
    mark = f'<span class="cv-tn-mark">{_html.escape(i18n.label(lang, "translator_note"))}</span> '
    out: list[str] = []
    pos = 0
    notes: set[str] = set()
    for m in FN_ITEM_RE.finditer(html):
        label = _html.unescape(m.group("label"))
        after, had_lead = _strip_lead_html(html, m.end("lead"))
        if not (syntax.TN_LABEL_RE.match(label) or had_lead):
            continue
        notes.add(m.group("label"))
        lead = m.group("lead")
        out.append(html[pos:m.start()])
        out.append(f'<li id="fn:{m.group("label")}" class="cv-tn">{m.group("sp")}<p>{mark}')
        if had_lead:
            pos = after  # the typed lead word (and bold around it) gives way to the mark
        else:
            out.append(lead)
            pos = m.end()
    out.append(html[pos:])
    html = "".join(out)
    if notes:
        html = FN_REF_RE.sub(lambda m: m.group(0)[:-1] + ' class="cv-tn-ref">' if m.group("label") in notes
                             else m.group(0), html)
    return html


def finish_html(html: str, lang: str) -> str:
    """All language finishing for a page body."""
    return localize_footnotes(localize_captions(html, lang), lang)


def _people(value: Any) -> list[dict[str, str]]:
    return frontmatter.normalize_people(value)


def byline(meta: dict[str, Any], lang: str, *, issue_title: str | None = None) -> str:
    """The byline block: type, issue, date, authors, translators (HTML).

    ``issue_title`` is the issue's display title (the one rule:
    :meth:`cityvoices.catalog.Catalog.issue_title`); without it the issue id
    is shown."""
    esc = _html.escape
    parts: list[str] = []
    row = pubtypes.get(meta.get("type"))
    kicker = []
    if row is not None:
        kicker.append(esc(row.label(lang)))
        if row.group == pubtypes.BY_ISSUE and frontmatter.text(meta, "issue"):
            kicker.append(esc(i18n.label(lang, "issue", issue=issue_title or frontmatter.text(meta, "issue"))))
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
    if frontmatter.flag(meta, "sample"):
        parts.append(f'<p class="cv-sample" role="note">{esc(i18n.label(lang, "sample_notice"))}</p>')
    if not parts:
        return ""
    return '<div class="cv-byline">' + "".join(parts) + "</div>"


def page_header(meta: dict[str, Any], lang: str, title: str | None = None, *,
                issue_title: str | None = None) -> str:
    """``<h1>`` plus byline for a publication page."""
    title = title or frontmatter.text(meta, "title")
    return f'<h1 id="cv-title">{_html.escape(title)}</h1>\n' + byline(meta, lang, issue_title=issue_title)
