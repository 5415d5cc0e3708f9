"""Print HTML for the PDFs: pure functions, strings and data in, HTML out.

The article body is the site's own rendering (same Markdown configuration,
then :func:`cityvoices.render.finish_html`); this module only adapts it to
paper:

* footnotes: Python-Markdown's list at the end becomes a ``<span class="cv-fn">``
  at each call, which the print CSS floats to the foot of the page
  (``float: footnote``); translator's notes keep ``cv-tn`` and their mark;
* Korean words: WeasyPrint ignores ``word-break: keep-all``, so a WORD JOINER
  (U+2060) goes between the characters of every Korean word (eojeol), across
  inline element boundaries too.  Measured on WeasyPrint 70: as fast as plain
  text (the nowrap-span alternative is 2.5× slower), and pdftotext drops the
  joiners, so extracted text stays clean;
* ids are prefixed per article so that several articles share one document;
* links: ``.md`` links become absolute site URLs (:mod:`cityvoices.urls`),
  images absolute ``file:`` URIs;
* document: ``<title>``, ``lang`` and ``<meta>`` for the PDF's metadata,
  and for issues a cover and a table of contents with page numbers.
"""

from __future__ import annotations

import copy
import html as _html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterable
from urllib.parse import quote, unquote, urlsplit

import lxml.html
from lxml import etree

from cityvoices import frontmatter, i18n, syntax
# The URL scheme and the output names live in cityvoices.urls; re-exported
# here for the PDF runner and the integration.
from cityvoices.urls import PDF_DIR, issue_pdf_name, page_url, pdf_name, pdf_path, relative_url  # noqa: F401
from cityvoices.urls import EPUB_DIR, epub_name, epub_path, issue_epub_name  # noqa: F401
from cityvoices.urls import href as url_href

WJ = "\u2060"
HANGUL_RE = re.compile(f"[{syntax.HANGUL_ANY}]")
TOKEN_RE = re.compile(r"\S+")
#: Elements whose text is laid out in lines (where Korean words must not break).
SKIP_TEXT = {"pre", "code", "script", "style", "kbd", "samp", "svg", "math"}

# --------------------------------------------------------------------------
# Fragment helpers

def _parse(fragment: str) -> etree._Element:
    """Parse an HTML fragment into a ``<div>`` wrapper."""
    return lxml.html.fragment_fromstring(fragment or "", create_parent="div")


def _serialize(root: etree._Element) -> str:
    out = [_html.escape(root.text or "", quote=False)]
    for child in root:
        out.append(lxml.html.tostring(child, encoding="unicode", method="html"))
    return "".join(out)


def _classes(el: etree._Element) -> list[str]:
    return (el.get("class") or "").split()


def _remove_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


# --------------------------------------------------------------------------
# Footnotes

@dataclass
class Footnote:
    label: str
    number: str
    translator: bool
    body: etree._Element  # a <span> with the note's inline content


def footnote_lists(root: etree._Element) -> list[etree._Element]:
    """Python-Markdown's ``<div class="footnote">`` blocks in ``root``."""
    return root.xpath('.//div[contains(concat(" ", normalize-space(@class), " "), " footnote ")]')


def footnote_items(div: etree._Element) -> list[etree._Element]:
    """The notes (``<li id="fn:LABEL">``) of one footnote block, in number order."""
    return div.xpath("./ol/li[starts-with(@id, 'fn:')]")


def drop_backrefs(li: etree._Element) -> None:
    """Take the ``↩`` links back to the call out of a note (and the space before them)."""
    for back in li.xpath('.//a[contains(@class, "footnote-backref")]'):
        prev = back.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "").rstrip("\u00a0 ")
        else:
            back.getparent().text = (back.getparent().text or "").rstrip("\u00a0 ")
        _remove_keep_tail(back)


def _footnote_bodies(root: etree._Element) -> dict[str, Footnote]:
    notes: dict[str, Footnote] = {}
    for div in footnote_lists(root):
        for n, li in enumerate(footnote_items(div), 1):
            lab = li.get("id")[3:]
            drop_backrefs(li)
            span = etree.Element("span")
            span.text = li.text if (li.text or "").strip() else None
            paras = list(li)
            for i, child in enumerate(paras):
                if child.tag == "p":
                    if i:
                        span.append(etree.Element("br"))
                    inner = copy.deepcopy(child)
                    if len(span):
                        span[-1].tail = (span[-1].tail or "") + (inner.text or "")
                    else:
                        span.text = (span.text or "") + (inner.text or "")
                    for grand in inner:
                        span.append(grand)
                    if len(span):
                        span[-1].tail = (span[-1].tail or "").rstrip()
                    else:
                        span.text = (span.text or "").rstrip()
                else:
                    span.append(copy.deepcopy(child))
            notes[lab] = Footnote(lab, str(n), "cv-tn" in _classes(li), span)
        div.getparent().remove(div) if div.getparent() is not None else None
    return notes


def inline_footnotes(fragment: str) -> str:
    """Move each footnote body to its (first) call as ``<span class="cv-fn">``.

    The call's number is kept in ``data-n`` (the print CSS shows it with
    ``attr()``), so the PDF numbers notes exactly as the site does.  A second
    call of the same note becomes a plain superscript number."""
    root = _parse(fragment)
    notes = _footnote_bodies(root)
    used: set[str] = set()
    for sup in root.xpath("//sup[starts-with(@id, 'fnref')]"):
        link = sup.find("a")
        href = link.get("href", "") if link is not None else ""
        lab = href[4:] if href.startswith("#fn:") else None
        note = notes.get(lab) if lab else None
        if note is None:
            continue
        if lab in used:
            ref = etree.Element("sup", {"class": "cv-fn-again"})
            ref.text = note.number
        else:
            used.add(lab)
            cls = "cv-fn cv-tn" if note.translator else "cv-fn"
            ref = copy.deepcopy(note.body)
            ref.set("class", cls)
            ref.set("data-n", note.number)
            ref.set("data-label", lab)
        ref.tail = sup.tail
        sup.getparent().replace(sup, ref)
    return _serialize(root)


# --------------------------------------------------------------------------
# Korean words

def _join_token(token: str) -> str:
    return WJ.join(token) if HANGUL_RE.search(token) else token


def _text_runs(block: etree._Element) -> list[tuple[etree._Element, str]]:
    """(element, 'text'|'tail') slots of ``block`` in reading order, skipping
    code and footnote bodies (which are laid out elsewhere)."""
    slots: list[tuple[etree._Element, str]] = []

    def walk(el: etree._Element, inside: bool) -> None:
        skip = el.tag in SKIP_TEXT or (inside and "cv-fn" in _classes(el))
        if not skip:
            slots.append((el, "text"))
            for child in el:
                if isinstance(child.tag, str):
                    walk(child, True)
                elif child.tail:
                    slots.append((child, "tail"))
        if inside:
            slots.append((el, "tail"))
    walk(block, False)
    return slots


def keep_korean_words(fragment: str) -> str:
    """Put U+2060 WORD JOINER between the characters of every word that
    contains Hangul, including across inline element boundaries, so a line
    breaks only at spaces between Korean words.  Footnote bodies are treated
    as their own text."""
    root = _parse(fragment)
    for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6"):
        if h.get("data-bookmark") is None:  # PDF bookmarks without joiners
            h.set("data-bookmark", " ".join(h.text_content().replace(WJ, "").split()))
    blocks = [root] + root.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " cv-fn ")]')
    for block in blocks:
        slots = _text_runs(block)
        values = [getattr(el, attr) or "" for el, attr in slots]
        # Whole words may span slots: join the flattened text, find words, and
        # mark the slot boundaries that fall inside a Hangul word.
        flat = "".join(values)
        starts = []
        pos = 0
        for v in values:
            starts.append(pos)
            pos += len(v)
        inside_hangul = [False] * (len(flat) + 1)
        for m in TOKEN_RE.finditer(flat):
            if HANGUL_RE.search(m.group(0)):
                for i in range(m.start() + 1, m.end()):
                    inside_hangul[i] = True
        for (el, attr), v, start in zip(slots, values, starts):
            if not v:
                continue
            out = []
            for i, ch in enumerate(v):
                if i and inside_hangul[start + i]:
                    out.append(WJ)
                out.append(ch)
            new = "".join(out)
            if start > 0 and inside_hangul[start]:
                new = WJ + new  # a word continues from the previous slot
            if inside_hangul[start + len(v)]:
                new = new + WJ  # ... or into the next one (maybe past a footnote call)
            setattr(el, attr, new)
    return _serialize(root)


# --------------------------------------------------------------------------
# Article body for print

def _resolve_link(href: str, src_uri: str, site_url: str) -> str | None:
    """A relative ``.md`` link -> absolute site URL (None: drop the link)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return href
    if not parts.path.endswith(".md"):
        return href
    target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), unquote(parts.path)))
    lang = syntax.lang_of(src_uri) or i18n.DEFAULT_LANG
    if not syntax.split_lang(target):
        target = target[:-3] + f".{lang}.md"
    if not site_url:
        return None
    url = site_url.rstrip("/") + "/" + page_url(target, lang)
    return url + (f"#{parts.fragment}" if parts.fragment else "")


def prepare_body(body_html: str, *, src_uri: str, docs_dir: str, prefix: str,
                 site_url: str = "") -> str:
    """Adapt one article's finished HTML to print (see module docstring).

    ``prefix`` makes its ids unique in a document with several articles;
    images are resolved relative to the Markdown file in ``docs_dir``."""
    root = _parse(inline_footnotes(body_html))
    adapt_body(root, src_uri=src_uri, prefix=prefix, site_url=site_url)
    src_dir = posixpath.dirname(src_uri)
    for img in root.xpath("//img[@src]"):
        src = img.get("src")
        if urlsplit(src).scheme:
            continue
        path = PurePosixPath(docs_dir) / posixpath.normpath(posixpath.join(src_dir, unquote(src)))
        img.set("src", "file://" + quote(str(path)))
        img.set("data-src", src)
    return keep_korean_words(_serialize(root))


def adapt_body(root: etree._Element, *, src_uri: str, prefix: str, site_url: str = "") -> None:
    """What every edition (PDF, EPUB) does to the site's body, in place:
    no heading permalinks, ids prefixed with ``prefix``, ``.md`` links to
    site URLs, figures classed ``cv-figure``/``cv-table`` and a table's
    caption before the table."""
    for a in root.xpath('//a[contains(@class, "headerlink")]'):
        _remove_keep_tail(a)
    for el in root.xpath("//*[@id]"):
        el.set("id", f"{prefix}-{el.get('id')}")
    for a in root.xpath("//a[@href]"):
        href = a.get("href")
        if href.startswith("#"):
            a.set("href", f"#{prefix}-{href[1:]}")
            continue
        new = _resolve_link(href, src_uri, site_url)
        if new is None:
            del a.attrib["href"]
        else:
            a.set("href", new)
    for fig in root.xpath("//figure"):
        kind = "table" if fig.find(".//table") is not None else "figure"
        fig.set("class", (" ".join(_classes(fig) + [f"cv-{kind}"])).strip())
        caption = fig.find("figcaption")
        if kind == "table" and caption is not None and fig.index(caption) > 0:
            # a table's caption is read before the table (the site does the
            # same with CSS); on paper the order is set in the document
            _remove_keep_tail(caption)
            caption.tail = fig.text
            fig.text = None
            fig.insert(0, caption)


def image_sources(body_html: str) -> list[str]:
    """Relative ``src`` of every image in a rendered body, in order."""
    root = _parse(body_html)
    return [img.get("src") for img in root.xpath("//img[@src]") if not urlsplit(img.get("src")).scheme]


# --------------------------------------------------------------------------
# Documents

@dataclass
class Part:
    """One article in one language, ready for print."""

    key: str
    lang: str
    src_uri: str
    meta: dict[str, Any]
    header_html: str  # render.page_header(meta, lang)
    body_html: str  # prepare_body(...)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.key)


@dataclass
class Document:
    title: str
    lang: str
    kind: str  # "single" | "bilingual" | "issue" | "parallel"
    parts: list[Part]
    authors: list[str] = field(default_factory=list)
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    date: str = ""
    online_url: str = ""
    cover: dict[str, str] = field(default_factory=dict)
    #: the parallel edition's aligned rows (:func:`parallel_document`)
    rows: list["PrintRow"] = field(default_factory=list)


@dataclass
class PrintRow:
    """One aligned row of the parallel edition: each language's print HTML."""

    kind: str  # as cityvoices.align.Row.kind
    cells: dict[str, str]
    one_sided: str | None = None
    label: str = ""
    rows: tuple[int, int] = (0, 0)  # the alignment rows it shows (first, last)


def _authors(meta: dict[str, Any]) -> list[str]:
    return [p["name"] for p in frontmatter.normalize_people(meta.get("authors"))]


def translators(meta: dict[str, Any], lang: str) -> list[str]:
    """Who translated this version into ``lang`` (as the byline names them)."""
    return [p["name"] for p in frontmatter.translators_into(meta, lang)]


def _meta_tags(doc: Document) -> str:
    esc = _html.escape
    tags = [f"<title>{esc(doc.title)}</title>", '<meta charset="utf-8">',
            '<meta name="generator" content="CityVoices (WeasyPrint)">']
    if doc.authors:
        tags.append(f'<meta name="author" content="{esc(", ".join(dict.fromkeys(doc.authors)))}">')
    if doc.description:
        tags.append(f'<meta name="description" content="{esc(doc.description)}">')
    if doc.keywords:
        tags.append(f'<meta name="keywords" content="{esc(", ".join(dict.fromkeys(doc.keywords)))}">')
    if doc.date:
        tags.append(f'<meta name="dcterms.created" content="{esc(doc.date)}">')
    return "".join(tags)


def article_parts(part: Part, prefix: str) -> tuple[str, str]:
    """The part's header and body with their ids under ``prefix`` (the body
    was prepared with prefix ``b``)."""
    header = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', part.header_html)
    body = re.sub(r'(id="|href="#)b-', lambda m: f"{m.group(1)}{prefix}-", part.body_html)
    return header, body


def _article(part: Part, prefix: str, *, level: int, running: str) -> str:
    esc = _html.escape
    header, body = article_parts(part, prefix)
    header = keep_korean_words(header)
    return (f'<article class="cv-article cv-level-{level}" lang="{part.lang}" id="{prefix}" '
            f'data-running="{esc(running)}">'
            f'<div class="cv-running">{esc(running)}</div>'
            f"{header}<div class=\"cv-body\">{body}</div></article>")


def document_html(doc: Document, css: str) -> str:
    """A complete HTML document for WeasyPrint."""
    esc = _html.escape
    out = [f'<!DOCTYPE html><html lang="{doc.lang}"><head>{_meta_tags(doc)}<style>{css}</style></head>',
           f'<body class="cv-doc cv-{doc.kind}">']
    if doc.kind == "issue":
        out.append(_cover(doc))
        out.append(_contents(doc))
        for i, part in enumerate(doc.parts, 1):
            out.append(_article(part, f"a{i}", level=1, running=part.title))
    elif doc.kind == "bilingual":
        for i, part in enumerate(doc.parts, 1):
            heading = i18n.label(doc.lang, "pdf.korean" if part.lang == "ko" else "pdf.english")
            out.append(f'<section class="cv-language" lang="{part.lang}">'
                       f'<h1 class="cv-language-title" id="lang-{part.lang}" data-bookmark="{esc(heading)}">'
                       f'{esc(heading)}</h1>'
                       + _article(part, f"a{i}", level=2, running=part.title) + "</section>")
    elif doc.kind == "parallel":
        out.append(_parallel(doc))
    else:
        for i, part in enumerate(doc.parts, 1):
            out.append(_article(part, f"a{i}", level=1, running=part.title))
    if doc.online_url:
        out.append(f'<p class="cv-colophon">{esc(i18n.label(doc.lang, "pdf.online", url=doc.online_url))}</p>')
    out.append("</body></html>")
    return "".join(out)


HEADING_TAG_RE = re.compile(r"<h([1-6])\b([^>]*)>")


def _bookmark_both(cells: dict[str, str], order: list[str]) -> dict[str, str]:
    """A heading row is one bookmark, named in both languages (on the first
    column's heading); the other column's heading has none."""
    names = []
    for lang in order:
        m = re.search(r'data-bookmark="([^"]*)"', cells[lang])
        if m:
            names.append(m.group(1))
    out = dict(cells)
    if names:
        joined = " / ".join(dict.fromkeys(names))
        out[order[0]] = re.sub(r'data-bookmark="[^"]*"', lambda _m: f'data-bookmark="{joined}"', cells[order[0]],
                               count=1)
        for lang in order[1:]:
            out[lang] = HEADING_TAG_RE.sub(lambda m: f'<h{m.group(1)}{m.group(2)} data-no-bookmark="">',
                                           cells[lang], count=1)
    return out


def _print_figure(row: PrintRow, order: list[str]) -> str | None:
    from cityvoices.sidebyside import figure_parts

    parts = {lang: figure_parts(row.cells[lang]) for lang in order}
    if not all(parts.values()):
        return None
    captions = "".join(f'<div class="cv-pcaption" lang="{lang}">{parts[lang][1]}</div>' for lang in order)
    return (f'<figure class="cv-figure cv-pfigure">{parts[order[0]][0]}'
            f'<figcaption class="cv-pcaptions">{captions}</figcaption></figure>')


def _parallel(doc: Document) -> str:
    """The parallel edition: two aligned columns per page (Korean left), each
    row of the alignment a table row, so both texts of a row start side by
    side; a figure once across both columns with both captions (between two
    tables, a block as in the single-language editions, so that a note called
    in its caption stays on its page); footnotes at the foot of the page of
    their call, each language's under its column."""
    esc = _html.escape
    order = [p.lang for p in doc.parts]
    heads = []
    for part in doc.parts:
        header = keep_korean_words(re.sub(r'id="([^"]+)"', lambda m: f'id="{part.lang}-{m.group(1)}"',
                                          part.header_html))
        heads.append(f'<td class="cv-pcell" lang="{part.lang}">{header}</td>')
    first = doc.parts[0]
    title = " / ".join(dict.fromkeys(p.title for p in doc.parts))
    table_open = ('<table class="cv-prows"><colgroup><col class="cv-pcol"><col class="cv-pcol"></colgroup>'
                  "<tbody>")
    body = [f'<article class="cv-article cv-parallel-article" lang="{first.lang}" id="a1" '
            f'data-running="{esc(title)}"><div class="cv-running">{esc(title)}</div>', table_open,
            f'<tr class="cv-prow cv-prow-header">{"".join(_bookmark_both(dict(zip(order, heads)), order).values())}'
            "</tr>"]
    in_table = True
    for row in doc.rows:
        data = f'data-rows="{row.rows[0]}-{row.rows[1]}"'
        if row.kind == "figure" and not row.one_sided:
            fig = _print_figure(row, order)
            if fig is not None:
                if in_table:
                    body.append("</tbody></table>")
                    in_table = False
                body.append(fig.replace("<figure ", f"<figure {data} ", 1))
                continue
        if not in_table:
            body.append(table_open)
            in_table = True
        attrs = f'class="cv-prow cv-prow-{esc(row.kind)}' + (" cv-prow-one-sided" if row.one_sided else "") + \
            f'" {data}'
        cells = _bookmark_both(row.cells, order) if row.kind == "heading" else row.cells
        tds = []
        for lang in order:
            content = cells.get(lang, "")
            if not content.strip() and row.one_sided and row.one_sided != lang:
                note = i18n.label(doc.lang, "parallel.only" if row.label == "lang-only" else "parallel.unmatched",
                                  name=i18n.LANG_IN[doc.lang][row.one_sided], other=i18n.LANG_IN[doc.lang][lang])
                content = f'<p class="cv-pnone" lang="{doc.lang}">{esc(note)}</p>'
            tds.append(f'<td class="cv-pcell" lang="{lang}">{content}</td>')
        body.append(f'<tr {attrs}>{"".join(tds)}</tr>')
    if in_table:
        body.append("</tbody></table>")
    body.append("</article>")
    return "".join(body)


ROWS_ATTR_RE = re.compile(r'data-rows="([^"]*)"')


def break_before_rows(html: str, rows: Iterable[str]) -> str:
    """The document with a page break forced before each block (parallel
    row or figure) whose ``data-rows`` is in ``rows``.

    The runner's second pass (:func:`cityvoices.pdf.runner.render_pdf`): a
    block is started on a new page when laying it out at the foot of the
    previous one moved a note off the page of its call."""
    wanted = set(rows)
    return ROWS_ATTR_RE.sub(lambda m: m.group(0) + (' data-break="page"' if m.group(1) in wanted else ""), html)


def parallel_document(parts: list[Part], rows: list[PrintRow], *, online_url: str = "") -> Document:
    """The Korean–English edition as parallel text (see :func:`_parallel`)."""
    doc = bilingual_document(parts, online_url=online_url)
    doc.kind = "parallel"
    doc.rows = rows
    return doc


def print_rows(al: Any, sides: dict[str, Any]) -> list[PrintRow]:
    """The print rows of an alignment (:mod:`cityvoices.align`) whose sides
    were rendered and prepared for print (:func:`cityvoices.sidebyside.render_side`
    with :func:`prepare_body`); rows either language must show together are one."""
    from cityvoices.sidebyside import row_groups

    out = []
    for group in row_groups(al, sides):
        cells = {lang: "\n".join(p for p in (side.pieces[n] for n in group) if p) for lang, side in sides.items()}
        if not any(c.strip() for c in cells.values()):
            continue
        row = al.rows[group[0]] if len(group) == 1 else None
        out.append(PrintRow(row.kind if row else "text", cells, row.one_sided if row else None,
                            row.label if row else "", (group[0], group[-1])))
    return out


def _cover(doc: Document) -> str:
    esc = _html.escape
    c = doc.cover
    return ('<section class="cv-cover">'
            f'<p class="cv-cover-magazine">{esc(i18n.label(doc.lang, "pdf.magazine"))}</p>'
            f'<h1 class="cv-cover-title">{esc(c.get("title", doc.title))}</h1>'
            + (f'<p class="cv-cover-date">{esc(c["date"])}</p>' if c.get("date") else "")
            + f'<p class="cv-cover-publisher">{esc(i18n.label(doc.lang, "pdf.publisher"))}</p>'
            "</section>")


def _contents(doc: Document) -> str:
    esc = _html.escape
    items = []
    for i, part in enumerate(doc.parts, 1):
        authors = ", ".join(_authors(part.meta))
        items.append(f'<li lang="{part.lang}"><a href="#a{i}"><span class="cv-toc-title" data-href="#a{i}">'
                     f'{esc(part.title)}</span>'
                     + (f'<span class="cv-toc-authors">{esc(authors)}</span>' if authors else "")
                     + "</a></li>")
    return (f'<nav class="cv-contents"><h1 class="cv-contents-title" data-bookmark="{esc(i18n.label(doc.lang, "pdf.contents"))}">{esc(i18n.label(doc.lang, "pdf.contents"))}</h1>'
            f'<ol>{"".join(items)}</ol></nav>')


def single_document(part: Part, *, online_url: str = "") -> Document:
    meta = part.meta
    return Document(
        title=part.title, lang=part.lang, kind="single", parts=[part],
        authors=_authors(meta), description=str(meta.get("summary") or ""),
        keywords=[str(t) for t in meta.get("tags") or []], date=_date(meta), online_url=online_url,
    )


def bilingual_document(parts: list[Part], *, online_url: str = "") -> Document:
    """Korean, then English: each text is read whole, with its own notes and
    figures; interleaving sections would cut both texts into pieces and the
    seed's Korean-only section has no partner to sit next to."""
    order = sorted(parts, key=lambda p: i18n.LANGS.index(p.lang) if p.lang in i18n.LANGS else 9)
    titles = " / ".join(dict.fromkeys(p.title for p in order))
    first = order[0]
    return Document(
        title=titles, lang=first.lang, kind="bilingual", parts=order,
        authors=[a for p in order for a in _authors(p.meta)],
        description=" / ".join(str(p.meta.get("summary")) for p in order if p.meta.get("summary")),
        keywords=[str(t) for p in order for t in (p.meta.get("tags") or [])], date=_date(first.meta),
        online_url=online_url,
    )


def issue_document(issue: str, lang: str, parts: list[Part], *, issue_title: str | None = None,
                   date_text: str = "", online_url: str = "") -> Document:
    title = i18n.label(lang, "pdf.issue_title", issue=issue_title or issue)
    return Document(
        title=title, lang=lang, kind="issue", parts=parts,
        authors=[a for p in parts for a in _authors(p.meta)],
        keywords=[str(t) for p in parts for t in (p.meta.get("tags") or [])],
        date=max((_date(p.meta) for p in parts), default=""), online_url=online_url,
        cover={"title": title, "date": date_text},
    )


def _date(meta: dict[str, Any]) -> str:
    d = frontmatter.date_of(meta)
    return d.isoformat() if d else ""


# --------------------------------------------------------------------------
# Site links

def downloads_html(key: str, lang: str, page_url_: str, langs: Iterable[str], *, pdf: bool = True,
                   epub: bool = False, side_by_side: str | None = None) -> str:
    """``<p class="cv-downloads">`` with this page's PDF and the bilingual one
    (``pdf``), this page's EPUB (``epub``), and the link to the side-by-side
    page (``side_by_side``: its site path, :func:`cityvoices.urls.side_by_side_url`)."""
    esc = _html.escape
    langs = list(langs)
    links = []
    own = lang if lang in langs else (langs[0] if langs else lang)
    labels = i18n.LABELS.get(lang, i18n.LABELS["en"])
    if pdf:
        pdf_label = labels["pdf"] if own == lang else f"PDF ({i18n.LANG_IN[lang][own]})"
        links.append(f'<a class="cv-pdf" href="{esc(url_href(relative_url(pdf_path(pdf_name(key, own)), page_url_)))}" '
                     f'type="application/pdf" hreflang="{own}" download>{esc(pdf_label)}</a>')
    if pdf and len(langs) > 1:
        links.append(f'<a class="cv-pdf cv-pdf-bilingual" href="'
                     f'{esc(url_href(relative_url(pdf_path(pdf_name(key, "bilingual")), page_url_)))}" '
                     f'type="application/pdf" download>{esc(labels["pdf_bilingual"])}</a>')
    if epub:
        epub_label = labels["epub"] if own == lang else f"EPUB ({i18n.LANG_IN[lang][own]})"
        links.append(f'<a class="cv-epub" href="{esc(url_href(relative_url(epub_path(epub_name(key, own)), page_url_)))}" '
                     f'type="application/epub+zip" hreflang="{own}" download>{esc(epub_label)}</a>')
    if side_by_side:
        links.append(f'<a class="cv-side-by-side" href="{esc(url_href(relative_url(side_by_side, page_url_)))}">'
                     f'{esc(labels["side_by_side"])}</a>')
    return '<p class="cv-downloads">' + " ".join(links) + "</p>" if links else ""


def issue_link_html(issue: str, lang: str, page_url_: str, *, pdf: bool = True, epub: bool = False) -> str:
    """``<p class="cv-downloads cv-issue-pdf">`` with the whole issue's PDF and (``epub``) EPUB."""
    esc = _html.escape
    labels = i18n.LABELS.get(lang, i18n.LABELS["en"])
    links = []
    if pdf:
        href = url_href(relative_url(pdf_path(issue_pdf_name(issue, lang)), page_url_))
        links.append(f'<a class="cv-pdf" href="{esc(href)}" type="application/pdf" download>'
                     f'{esc(labels["pdf_issue"])}</a>')
    if epub:
        href = url_href(relative_url(epub_path(issue_epub_name(issue, lang)), page_url_))
        links.append(f'<a class="cv-epub" href="{esc(href)}" type="application/epub+zip" hreflang="{lang}" '
                     f'download>{esc(labels["epub_issue"])}</a>')
    return '<p class="cv-downloads cv-issue-pdf">' + " ".join(links) + "</p>" if links else ""


BYLINE_RE = re.compile(r'<div class="cv-byline">.*?</div>', re.S)
GROUP_RE = re.compile(r'<h2 id="group-(?P<key>[^"]+)">.*?</h2>', re.S)


def insert_downloads(html: str, block: str) -> str:
    """Insert ``block`` right after the byline (or after the ``<h1>``)."""
    m = BYLINE_RE.search(html)
    if m:
        return html[: m.end()] + block + html[m.end():]
    m = re.search(r"</h1>", html)
    if m:
        return html[: m.end()] + block + html[m.end():]
    return block + html


def insert_issue_links(html: str, link_for) -> str:
    """After each ``<h2 id="group-<issue>">`` insert ``link_for(issue)`` (or nothing)."""
    def sub(m: re.Match[str]) -> str:
        extra = link_for(_html.unescape(m.group("key")))
        return m.group(0) + (extra or "")
    return GROUP_RE.sub(sub, html)
