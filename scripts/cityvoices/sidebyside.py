"""The side-by-side view: both languages of a publication in aligned rows.

Pure functions, HTML out.  The rows come from :mod:`cityvoices.align`; the
HTML of each side is the site's own rendering of that language (the same
Markdown configuration, then :func:`cityvoices.render.finish_html`), made in
one pass over the whole text so that footnotes, figure numbers, heading ids
and reference links come out exactly as on the single-language page:

1. :func:`marked_markdown` puts a marker comment (``<!--cv-row N-->``)
   between the rows of one language's text (rows are whole top-level blocks,
   so a marker never lands inside a list, a box or a figure);
2. the caller renders it (:func:`render_side` takes the converter);
3. :func:`split_rendered` cuts the HTML at the markers into one piece per
   row, plus the footnote list, which goes under that language's column.
   Should a marker ever land inside an element (raw HTML left open by an
   editor), the rows around it are shown as one (:func:`safe_groups`), so the
   page stays well-formed;
4. :func:`page_html` lays the rows out: a cell per language with ``lang``,
   a figure once across both columns with both captions, an empty cell
   labelled "in the Korean text only" for a one-sided row, each language's
   footnotes under its column, and the buttons that choose which language
   comes first (assets/javascripts/cv-parallel.js; CSS in
   docs/assets/css/parallel.css).

Ids are prefixed with the language (``ko-fn:1``, ``en-fig-3``) so the two
texts can share one page; links to ``#…`` follow.  Image and ``.md`` links
are rewritten for the page's own URL (:mod:`cityvoices.urls`).
"""

from __future__ import annotations

import html as _html
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import unquote, urlsplit

from cityvoices import i18n, render, syntax, urls
from cityvoices.align import Alignment, Row

MARK = "<!--cv-row {n}-->"
MARK_RE = re.compile(r"<!--cv-row (\d+)-->\n?")
#: a marker the renderer took for text (inside code it did not see as we
#: did, e.g. a fence whose info string it does not accept): taken out again
#: with the blank lines around it, so the code reads as on the article page
TEXT_MARK_RE = re.compile(r"(?:\n\n)?&lt;!--cv-row (\d+)--&gt;(?:\n\n)?")
FOOTNOTES_OPEN = '<div class="footnote">'
#: elements that have no end tag
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>|<!--.*?-->", re.S)
ATTR_URL_RE = re.compile(r'(\s(?:id|href|src)=")([^"]*)(")')
FIGURE_RE = re.compile(r'^\s*<figure\b[^>]*>(?P<body>.*?)<figcaption>(?P<caption>.*?)</figcaption>\s*</figure>\s*$',
                       re.S)


# --------------------------------------------------------------------------
# One language's rendering, cut into rows

def marked_markdown(al: Alignment, lang: str) -> str:
    """``lang``'s text without its front matter, a marker before every row."""
    parts = []
    for n, row in enumerate(al.rows):
        if row.kind == "front-matter":
            continue
        parts.append("\n\n" + MARK.format(n=n) + "\n\n")
        parts.append(row.cell(lang).text)
    return "".join(parts)


@dataclass
class Side:
    """One language rendered and cut: ``pieces[n]`` is row ``n``'s HTML."""

    lang: str
    pieces: list[str]
    footnotes: str = ""
    groups: list[list[int]] = field(default_factory=list)
    #: rows whose marker the renderer swallowed (their text is in the row before)
    swallowed: set[int] = field(default_factory=set)
    #: what its relative links are relative to: the Markdown file ("source",
    #: as :func:`render_side` renders it) or the article page ("page", the
    #: site's own rendering, links already made for the page: :func:`cut_side`)
    base: str = "source"


def split_rendered(html: str, n_rows: int) -> tuple[list[str], str, set[int]]:
    """``(pieces, footnotes, swallowed)`` of a rendered marked text
    (:func:`marked_markdown`): one piece per row, the footnote list, and the
    rows whose marker ended up as text inside another row (shown with it)."""
    footnotes = ""
    swallowed = {int(m.group(1)) for m in TEXT_MARK_RE.finditer(html)}
    if swallowed:
        html = TEXT_MARK_RE.sub("", html)
    at = html.rfind(FOOTNOTES_OPEN)
    if at >= 0 and not MARK_RE.search(html, at):
        html, footnotes = html[:at], html[at:].strip()
    pieces = [""] * n_rows
    current = None
    pos = 0
    seen = set()
    for m in MARK_RE.finditer(html):
        if current is not None:
            pieces[current] += html[pos:m.start()]
        current = int(m.group(1))
        if current >= n_rows:
            current = None
        else:
            seen.add(current)
        pos = m.end()
    if current is not None:
        pieces[current] += html[pos:]
    first = next((n for n in range(n_rows) if n in seen), n_rows)
    swallowed |= {n for n in range(first, n_rows) if n not in seen}
    return [p.strip() for p in pieces], footnotes, swallowed


def _depth_change(fragment: str) -> tuple[int, int]:
    """(net depth, lowest depth reached) of the elements opened and closed in ``fragment``."""
    depth = low = 0
    for m in TAG_RE.finditer(fragment):
        if m.group(2) is None:
            continue  # a comment
        name = m.group(2).lower()
        if name in VOID or m.group(3):
            continue
        depth += -1 if m.group(1) else 1
        low = min(low, depth)
    return depth, low


def safe_groups(pieces: list[str], swallowed: set[int] = frozenset()) -> list[list[int]]:
    """Rows whose pieces must be shown together: a piece that leaves an
    element open (or closes one it did not open) joins the next ones until
    the elements balance again, and a swallowed row joins the row before."""
    groups: list[list[int]] = []
    open_group: list[int] = []
    depth = 0
    for n, piece in enumerate(pieces):
        if n in swallowed:
            if open_group:
                open_group.append(n)
            elif groups:
                groups[-1].append(n)
            else:
                open_group.append(n)
            continue
        change, low = _depth_change(piece)
        open_group.append(n)
        if depth + low < 0:
            depth = 0  # a stray end tag: keep it with what came before
        depth += change
        if depth <= 0:
            groups.append(open_group)
            open_group, depth = [], 0
    if open_group:
        groups.append(open_group)
    return groups


def render_side(al: Alignment, lang: str, convert: Callable[[str], str],
                prepare: Callable[[str], str] | None = None) -> Side:
    """Render ``lang``'s rows with ``convert`` (the site's Markdown → HTML),
    finished for the language (:func:`cityvoices.render.finish_html`), then
    ``prepare`` d on the whole (the print edition moves footnotes to their
    calls there) before it is cut into rows."""
    html = render.finish_html(convert(marked_markdown(al, lang)), lang)
    if prepare is not None:
        html = prepare(html)
    pieces, notes, swallowed = split_rendered(html, len(al.rows))
    return Side(lang, pieces, notes, safe_groups(pieces, swallowed), swallowed)


def cut_side(al: Alignment, lang: str, html: str) -> Side:
    """A page's finished HTML, rendered from :func:`marked_markdown`, cut
    into rows (what comes before the first marker, the page's header, is not
    part of any row); its links are relative to the page (``base="page"``)."""
    pieces, notes, swallowed = split_rendered(html, len(al.rows))
    return Side(lang, pieces, notes, safe_groups(pieces, swallowed), swallowed, base="page")


def strip_marks(html: str) -> str:
    """The HTML without its row markers: the page as it would be without them."""
    return MARK_RE.sub("", TEXT_MARK_RE.sub("", html))


def row_groups(al: Alignment, sides: Mapping[str, Side]) -> list[list[int]]:
    """Rows shown as one: rows that either language must show together
    (:func:`safe_groups`) are shown together in both."""
    ends = set.intersection(*({g[-1] for g in side.groups} for side in sides.values()))
    merged: list[list[int]] = []
    group: list[int] = []
    for n in range(len(al.rows)):
        group.append(n)
        if n in ends:
            merged.append(group)
            group = []
    if group:
        merged.append(group)
    return merged


def figure_parts(html: str) -> tuple[str, str] | None:
    """``(image part, caption)`` of a rendered captioned figure, else ``None``."""
    m = FIGURE_RE.match(html)
    return (m.group("body").strip(), m.group("caption").strip()) if m else None


# --------------------------------------------------------------------------
# Ids and URLs for the page

def _url(value: str, lang: str, src_dir: str, page_url: str) -> str | None:
    """A link's value on the page at ``page_url``, for HTML rendered with
    links relative to ``src_dir`` (``None``: left as it is)."""
    if value.startswith("#"):
        return f"#{lang}-{value[1:]}" if len(value) > 1 else value
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("/") or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(src_dir, unquote(parts.path)))
    if target.startswith("../") or target == "..":
        return None
    if target.endswith(".md"):
        if not syntax.split_lang(target):
            target = target[:-3] + f".{lang}.md"
        target = urls.page_url(target, lang)
    elif parts.path.endswith("/") and target != ".":
        target += "/"
    elif target == ".":
        target = ""
    value = urls.href(urls.relative_url(target, page_url))
    if parts.fragment:  # another page's part: its ids are its own
        value += "#" + parts.fragment
    return value


def localize(fragment: str, lang: str, *, src_uri: str, page_url: str, rendered_at: str | None = None) -> str:
    """Prefix ids with the language and rewrite links for the page at
    ``page_url`` (site path): ``#x`` -> ``#<lang>-x``, images and other
    files relative to the source -> relative to the page, ``x.md`` -> the page
    of ``x`` in ``lang``.  With ``rendered_at`` (the site path of the page the
    HTML was rendered for), links are relative to that page instead."""
    src_dir = rendered_at.rstrip("/") if rendered_at is not None else posixpath.dirname(src_uri)

    def sub(m: re.Match[str]) -> str:
        attr, value, close = m.group(1), _html.unescape(m.group(2)), m.group(3)
        if attr.strip().startswith("id"):
            value = f"{lang}-{value}"
        else:
            value = _url(value, lang, src_dir, page_url)
            if value is None:
                return m.group(0)
        return f"{attr}{_html.escape(value)}{close}"

    return ATTR_URL_RE.sub(sub, fragment)


def portable(side: Side, *, src_uri: str, rendered_at: str, source: str) -> bool:
    """Whether ``side``, cut from the page at ``rendered_at``, localizes to
    what :func:`render_side` of the same text would (so either may stand in
    for the other).  The generator rewrites the links it resolves for the
    page; a link it leaves as typed (raw HTML, a target that is not there)
    means something else relative to the page than to the source, and such
    a link (a relative one whose target differs, found as typed in
    ``source``) makes the cut not portable."""
    page_dir, src_dir = rendered_at.rstrip("/"), posixpath.dirname(src_uri)
    if page_dir == src_dir:
        return True
    for piece in (*side.pieces, side.footnotes):
        for m in ATTR_URL_RE.finditer(piece):
            if m.group(1).strip().startswith("id"):
                continue
            value = _html.unescape(m.group(2))
            if (_url(value, side.lang, page_dir, "x/") != _url(value, side.lang, src_dir, "x/")
                    and (value in source or m.group(2) in source)):
                return False
    return True


# --------------------------------------------------------------------------
# The page

@dataclass
class PageText:
    """What the page shows besides the rows (one per language)."""

    title: dict[str, str]  # front matter titles
    article_url: dict[str, str]  # site paths of the single-language pages
    src_uri: dict[str, str]


def _label(page_lang: str, key: str, **kw: str) -> str:
    return i18n.label(page_lang, key, **kw)


def _empty_note(row: Row, missing: str, page_lang: str) -> str:
    has = i18n.other(missing)
    key = "parallel.only" if row.label == "lang-only" else "parallel.unmatched"
    text = _label(page_lang, key, name=i18n.LANG_IN[page_lang][has], other=i18n.LANG_IN[page_lang][missing])
    return f'<p class="cv-par-none" lang="{page_lang}">{_html.escape(text)}</p>'


def _figure(pieces: Mapping[str, str], order: list[str], page_lang: str) -> str | None:
    """One figure across both columns: the image once (the page language's,
    for its alt text), both captions; ``None`` when they are not plain figures."""
    parts = {lang: figure_parts(pieces[lang]) for lang in order}
    if not all(parts.values()):
        return None
    captions = "".join(f'<div class="cv-par-caption" lang="{lang}">{parts[lang][1]}</div>' for lang in order)
    return (f'<figure class="cv-par-figure">{parts[page_lang][0]}'
            f'<figcaption class="cv-par-captions">{captions}</figcaption></figure>')


def _cells(pieces: Mapping[str, str], order: list[str], row: Row | None, page_lang: str) -> str:
    out = []
    for lang in order:
        content = pieces[lang]
        empty = not content.strip()
        cls = "cv-par-cell" + (" cv-par-empty" if empty else "")
        if empty and row is not None and row.one_sided and row.one_sided != lang:
            content = _empty_note(row, lang, page_lang)
        out.append(f'<div class="{cls}" lang="{lang}" data-lang="{_html.escape(i18n.LANG_NAMES[lang])}">'
                   f"{content}</div>")
    return "".join(out)


def page_html(al: Alignment, sides: Mapping[str, Side], page_lang: str, text: PageText, *,
              page_url: str, script_href: str = "") -> str:
    """The body of the side-by-side page in ``page_lang`` (its language first)."""
    esc = _html.escape
    order = [page_lang, i18n.other(page_lang)]

    def here(side: Side) -> str | None:
        return text.article_url[side.lang] if side.base == "page" else None

    local = {lang: [localize(p, lang, src_uri=text.src_uri[lang], page_url=page_url, rendered_at=here(sides[lang]))
                    for p in sides[lang].pieces] for lang in order}
    rows_html = []
    for group in row_groups(al, sides):
        pieces = {lang: "\n".join(local[lang][n] for n in group if local[lang][n]) for lang in order}
        if not any(p.strip() for p in pieces.values()):
            continue  # footnote definitions, reference definitions: shown elsewhere or nowhere
        row = al.rows[group[0]] if len(group) == 1 else None
        kind = row.kind if row else "text"
        attrs = f'class="cv-par-row cv-par-{esc(kind)}' + (" cv-par-one-sided" if row and row.one_sided else "") + '"'
        first = al.rows[group[0]]
        attrs += f' data-rows="{group[0]}-{group[-1]}"'
        if first.section:
            attrs += f' data-section="{first.section}"'
        if kind == "figure" and row is not None and not row.one_sided:
            fig = _figure(pieces, order, page_lang)
            if fig is not None:
                rows_html.append(f"<div {attrs}>{fig}</div>")
                continue
        rows_html.append(f"<div {attrs}>{_cells(pieces, order, row, page_lang)}</div>")
    notes = {lang: localize(sides[lang].footnotes, lang, src_uri=text.src_uri[lang], page_url=page_url,
                            rendered_at=here(sides[lang])) for lang in order}
    if any(notes.values()):
        rows_html.append('<div class="cv-par-row cv-par-notes">' + "".join(
            f'<div class="cv-par-cell" lang="{lang}" data-lang="{esc(i18n.LANG_NAMES[lang])}">'
            f"{notes[lang]}</div>" for lang in order) + "</div>")  # each under its own heading (render)
    other = order[1]
    links = " ".join(
        f'<a href="{esc(urls.href(urls.relative_url(text.article_url[lang], page_url)))}" hreflang="{lang}" '
        f'lang="{page_lang}">{esc(_label(page_lang, "read_in", lang=i18n.LANG_IN[page_lang][lang]))}</a>'
        for lang in order)
    controls = (
        f'<div class="cv-par-controls" role="group" aria-labelledby="cv-par-order">'
        f'<span id="cv-par-order">{esc(_label(page_lang, "parallel.order"))}</span> '
        + "".join(f'<button type="button" class="md-button cv-par-first" data-first="{lang}" '
                  f'aria-pressed="{"true" if lang == page_lang else "false"}">'
                  f'{esc(_label(page_lang, "parallel.first_" + lang))}</button>' for lang in i18n.LANGS)
        + "</div>")
    heads = ('<div class="cv-par-heads" aria-hidden="true">'
             + "".join(f'<div class="cv-par-head" lang="{lang}">{esc(i18n.LANG_NAMES[lang])}</div>' for lang in order)
             + "</div>")
    header = (f'<h1 id="cv-title">{esc(text.title[page_lang])}</h1>'
              f'<p class="cv-par-subtitle" lang="{other}">{esc(text.title[other])}</p>'
              f'<p class="cv-par-links">{links}</p>')
    script = f'<script src="{esc(script_href)}"></script>' if script_href else ""
    return (f'{header}<div class="cv-parallel" data-page-lang="{page_lang}" data-first="{page_lang}">'
            f"{controls}{heads}<div class=\"cv-par-rows\">{''.join(rows_html)}</div></div>{script}")
