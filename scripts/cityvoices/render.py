"""Language-aware finishing of rendered HTML, shared by the site and the PDFs.

Python-Markdown and pymdownx.blocks.caption are configured once for the whole
site (mkdocs-static-i18n forbids per-language ``markdown_extensions``), so
their English defaults are rewritten here into the page's language:

* caption prefixes ``Figure 3.`` -> ``그림 3.`` and stable ids ``fig-3``/``tab-1``;
* footnote back-link titles;
* the notes get a heading in the page's language (각주 / Notes) in place of
  the rule Python-Markdown puts above them;
* images load lazily (``loading="lazy"``: a reader fetches the pictures
  they scroll to, not all of them up front);
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
from dataclasses import dataclass
from typing import Any, Callable

from cityvoices import frontmatter, i18n, pubtypes, syntax

CAPTION_PREFIX_RE = re.compile(
    r'<span class="caption-prefix">(?P<word>Figure|Table) (?P<n>\d+(?:\.\d+)*)\.</span>'
)
AUTO_ID_RE = re.compile(r'id="__(?P<type>figure|table)-caption_(?P<n>\d+(?:_\d+)*)"')
BACKLINK_TITLE_RE = re.compile(r'title="Jump back to footnote (?P<n>\d+) in the text"')
FN_ITEM_RE = re.compile(r'<li id="fn:(?P<label>[^"]+)">(?P<sp>\s*)<p>(?P<lead>(?:<(?:strong|b|em)>)?)')
FN_REF_RE = re.compile(r'<sup id="fnref(?P<dup>\d*):(?P<label>[^"]+)">')
TAG_RE = re.compile(r"<[^>]+>")
FOOTNOTE_DIV_RE = re.compile(r'<div class="footnote">\s*<hr\s*/?>')
IMG_RE = re.compile(r"<img (?![^>]*\bloading=)")


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


def notes_heading(html: str, lang: str) -> str:
    """``<h2>각주</h2>`` / ``Notes`` at the top of the notes (instead of the rule)."""
    title = _html.escape(i18n.label(lang, "notes"))
    return FOOTNOTE_DIV_RE.sub(f'<div class="footnote"><h2 class="cv-notes-title" id="cv-notes">{title}</h2>',
                               html, count=1)


def lazy_images(html: str) -> str:
    return IMG_RE.sub('<img loading="lazy" ', html)


def finish_html(html: str, lang: str) -> str:
    """All language finishing for a page body."""
    html = localize_footnotes(localize_captions(html, lang), lang)
    if "<img " in html:
        html = lazy_images(html)
    if '<div class="footnote">' in html:
        html = notes_heading(html, lang)
    return html


def _people(value: Any) -> list[dict[str, str]]:
    return frontmatter.normalize_people(value)


@dataclass(frozen=True)
class Links:
    """Where the names on a byline lead (the site's pages; ``None``: plain text,
    as in a PDF).  Every href is relative to the page and already encoded."""

    person: Callable[[str], str | None] = lambda name: None
    issue: str | None = None
    section: str | None = None


def _link(text_html: str, href: str | None, cls: str) -> str:
    if not href:
        return f'<span class="{cls}">{text_html}</span>'
    return f'<a class="{cls}" href="{_html.escape(href)}">{text_html}</a>'


def kicker(meta: dict[str, Any], lang: str, *, issue_title: str | None = None, links: Links | None = None) -> str:
    """``시티보이스 기사 · 시티보이스 2014-1호``: the type and its group (the
    issue's display title, :meth:`cityvoices.catalog.Catalog.issue_title`)."""
    esc = _html.escape
    links = links or Links()
    row = pubtypes.get(meta.get("type"))
    bits = []
    if row is not None:
        bits.append(_link(esc(row.label(lang)), links.section, "cv-kicker-type"))
        if row.group == pubtypes.BY_ISSUE and frontmatter.text(meta, "issue"):
            label = i18n.label(lang, "issue", issue=issue_title or frontmatter.text(meta, "issue"))
            bits.append(_link(esc(label), links.issue, "cv-kicker-issue"))
    if not bits:
        return ""
    return '<p class="cv-kicker">' + ' <span aria-hidden="true">·</span> '.join(bits) + "</p>"


def byline(meta: dict[str, Any], lang: str, *, issue_title: str | None = None, links: Links | None = None,
           minutes: int | None = None, with_kicker: bool = True) -> str:
    """The byline block: (kicker,) authors, translators and the language
    they translated from, date and reading time (HTML).

    ``issue_title`` is the issue's display title; without it the issue id is
    shown.  ``links`` makes names links to their pages; ``minutes`` is the
    reading time (:func:`cityvoices.magazine.reading_minutes`)."""
    esc = _html.escape
    links = links or Links()
    parts: list[str] = []
    if with_kicker:
        parts.append(kicker(meta, lang, issue_title=issue_title, links=links))
    authors = _people(meta.get("authors"))
    if authors:
        names = ", ".join(
            _link(esc(a["name"]), links.person(a["name"]), "cv-person")
            + (f' <span class="cv-affiliation">{esc(a["affiliation"])}</span>' if a.get("affiliation") else "")
            for a in authors
        )
        parts.append(f'<p class="cv-authors"><span class="cv-role">{esc(i18n.label(lang, "by"))}</span> {names}</p>')
    translators = [t for t in _people(meta.get("translators"))
                   if (frontmatter.translation_direction(t) or ("", lang))[1] == lang]
    if translators:
        names = []
        for t in translators:
            direction = frontmatter.translation_direction(t)
            src = direction[0] if direction and direction[0] != lang else None
            names.append(_link(esc(t["name"]), links.person(t["name"]), "cv-person")
                         + (f' <span class="cv-direction">({esc(i18n.label(lang, "translated_from", lang=i18n.LANG_IN[lang][src]))})</span>'
                            if src in i18n.LANGS else ""))
        parts.append(f'<p class="cv-translators"><span class="cv-role">{esc(i18n.label(lang, "translated_by"))}</span> '
                     f'{", ".join(names)}</p>')
    date = frontmatter.date_of(meta)
    dateline = []
    if date:
        dateline.append(f'<time datetime="{date.isoformat()}">{esc(i18n.format_date(date, lang))}</time>')
    if minutes:
        dateline.append(f'<span class="cv-minutes">{esc(i18n.label(lang, "minutes", n=minutes))}</span>')
    if dateline:
        parts.append('<p class="cv-dateline">' + ' <span aria-hidden="true">·</span> '.join(dateline) + "</p>")
    if frontmatter.flag(meta, "sample"):
        parts.append(f'<p class="cv-sample" role="note">{esc(i18n.label(lang, "sample_notice"))}</p>')
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return '<div class="cv-byline">' + "".join(parts) + "</div>"


def page_header(meta: dict[str, Any], lang: str, title: str | None = None, *,
                issue_title: str | None = None, links: Links | None = None, minutes: int | None = None,
                standfirst: bool = False, heading: str | None = None) -> str:
    """A publication's header: kicker, ``<h1>``, (standfirst: the summary),
    byline.  ``heading`` is an ``<h1>`` the body already has (it is used
    instead of one made from ``title``)."""
    title = title or frontmatter.text(meta, "title")
    h1 = heading or f'<h1 id="cv-title">{_html.escape(title)}</h1>'
    out = [kicker(meta, lang, issue_title=issue_title, links=links), h1]
    summary = frontmatter.text(meta, "summary").strip() if standfirst else ""
    if summary:
        out.append(f'<p class="cv-standfirst">{_html.escape(summary)}</p>')
    out.append(byline(meta, lang, issue_title=issue_title, links=links, minutes=minutes, with_kicker=False))
    return "\n".join(o for o in out if o)
