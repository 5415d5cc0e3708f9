"""EPUB 3 from the print documents: pure functions, data in, bytes out.

The articles are the PDF's print HTML (:mod:`cityvoices.pdf.assemble`:
:func:`~cityvoices.pdf.assemble.adapt_body`, :class:`~cityvoices.pdf.assemble.Part`,
:class:`~cityvoices.pdf.assemble.Document`), with what only a reflowing
reader needs done differently:

* footnotes: Python-Markdown's list becomes ``<aside epub:type="footnote">``
  notes at the end of the article, called by ``<a epub:type="noteref">``
  links (pop-ups in Apple Books, Kobo, Thorium, Google Play Books);
  translator's notes keep ``cv-tn`` and their 역주 / Translator's note mark;
* Korean words are kept whole by ``word-break: keep-all`` in ``epub.css``
  (no WORD JOINERs: readers honour the CSS, and search must find the text);
* only the publication's own images, as ``images/<sha256>.<ext>`` with a
  media type sniffed from their bytes; everything a reading system would
  fetch from elsewhere (``http:``, ``file:``, ``data:``, an absolute path,
  ``url(...)`` in a style) is refused, and what has no place in an EPUB
  (scripts, forms, frames, embedded media, inline SVG/MathML) is left out
  with a warning: :func:`prepare_body` reports both;
* every document is XHTML (namespaced, well-formed, no XML-illegal
  characters) with ``lang`` and ``xml:lang``;
* the package is deterministic: fixed zip timestamps and entry order,
  ``mimetype`` first and stored, ``dcterms:modified`` from the newest
  publication date, and an identifier derived from the publication key
  and language (:func:`identifier`).
"""

from __future__ import annotations

import hashlib
import html as _html
import io
import posixpath
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import unquote, urlsplit

from lxml import etree

from cityvoices import i18n
from cityvoices.pdf import assemble

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Folder of the publication inside the zip.
ROOT = "EPUB"
#: Zip entry time: the zip epoch, so two builds give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Namespace of the stable identifiers (urn:uuid v5 of the publication key).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://citynet-ap.org/cityvoices/epub")

#: Raster and vector types every EPUB 3 reading system must show.
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"}

#: HTML elements carried into the EPUB as they are.
KEEP = set("""a abbr address article aside b bdi bdo blockquote br caption cite code col colgroup data dd del
details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li mark nav ol p pre
q rp rt ruby s samp section small span strong sub summary sup table tbody td tfoot th thead time tr u ul var
wbr""".split())
#: Elements left out of an EPUB (with a warning): scripts, styles, forms,
#: frames, embedded media and inline SVG/MathML.
DROP = set("""script noscript style link meta base iframe frame frameset object embed applet video audio source
track canvas form input button select option optgroup textarea label fieldset legend output template svg math
dialog map area portal""".split())
BLOCKS = set("""address article aside blockquote details dl div figure footer h1 h2 h3 h4 h5 h6 header hr nav ol
p pre section table ul""".split())
#: Attributes kept on every element, and those kept on some.
GLOBAL_ATTRS = {"id", "class", "lang", "title", "dir", "role", "style"}
ELEMENT_ATTRS = {
    "a": {"href", "hreflang", "rel", "type"}, "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"}, "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"}, "colgroup": {"span"}, "ol": {"start", "reversed", "type"}, "li": {"value"},
    "time": {"datetime"}, "data": {"value"}, "q": {"cite"}, "blockquote": {"cite"},
    "del": {"cite", "datetime"}, "ins": {"cite", "datetime"}, "details": {"open"},
}
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
URL_IN_CSS = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.I)
SCHEME_OK = ("http", "https", "mailto")


# --------------------------------------------------------------------------
# The article body

@dataclass
class Prepared:
    """An article body ready for an EPUB, and what could not go into it."""

    html: str
    images: list[str]  # relative ``src`` of every image, in order (for the runner to resolve)
    refused: list[str] = field(default_factory=list)  # URLs a reader would fetch from outside
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (what was left out, text to find its line)


def _footnote_asides(root: etree._Element) -> None:
    """Python-Markdown's footnote list -> ``<aside>`` notes, calls -> noteref links.

    ``data-epub-type`` stands for ``epub:type`` until :func:`xhtml_element`."""
    notes = []
    for div in assemble.footnote_lists(root):
        for n, li in enumerate(assemble.footnote_items(div), 1):
            assemble.drop_backrefs(li)
            label = li.get("id")[3:]
            tn = "cv-tn" in (li.get("class") or "").split()
            aside = etree.Element("aside", {"id": f"fn:{label}", "class": "cv-fn cv-tn" if tn else "cv-fn",
                                            "data-epub-type": "footnote", "role": "doc-footnote"})
            back = etree.Element("a", {"class": "cv-fn-number", "href": f"#fnref:{label}"})
            back.text = str(n)
            children = [c for c in li if isinstance(c.tag, str)]
            first = children[0] if children and children[0].tag == "p" else None
            if first is None:
                first = etree.SubElement(aside, "p")
                first.text = li.text
            back.tail = " " + (first.text or "")
            first.text = None
            first.insert(0, back)
            aside.append(first)  # moved out of the <li>
            for child in children:
                if child is not first:
                    aside.append(child)
            notes.append(aside)
        parent = div.getparent()
        if parent is not None:
            parent.remove(div)
    for sup in root.xpath("//sup[starts-with(@id, 'fnref')]"):
        link = sup.find("a")
        if link is None or not (link.get("href") or "").startswith("#fn:"):
            continue
        for attr in list(link.attrib):
            if attr != "href":
                del link.attrib[attr]
        link.set("data-epub-type", "noteref")
        link.set("role", "doc-noteref")
        link.set("class", "cv-noteref")
    if notes:
        section = etree.SubElement(root, "section", {"class": "cv-footnotes", "data-epub-type": "footnotes",
                                                     "role": "doc-endnotes"})
        section.append(etree.Element("hr"))
        section.extend(notes)


def _site_url_for(href: str, src_uri: str, site_url: str) -> str | None:
    """A relative link (not a page, not a fragment) -> its URL on the site."""
    parts = urlsplit(href)
    if not site_url:
        return None
    path = unquote(parts.path)
    target = path.lstrip("/") if path.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(src_uri), path))
    if target.startswith("../") or target == "..":
        return None
    return site_url.rstrip("/") + "/" + target + (f"#{parts.fragment}" if parts.fragment else "")


def prepare_body(body_html: str, *, src_uri: str, prefix: str = "b", site_url: str = "") -> Prepared:
    """One article's finished site HTML, adapted to an EPUB (see the module
    docstring); the shared steps are :func:`cityvoices.pdf.assemble.adapt_body`."""
    root = assemble._parse(body_html)
    _footnote_asides(root)
    assemble.adapt_body(root, src_uri=src_uri, prefix=prefix, site_url=site_url)
    refused: list[str] = []
    dropped: list[tuple[str, str]] = []
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag in DROP:
            if el.getparent() is not None:
                dropped.append((f"<{el.tag}>", f"<{el.tag}"))
                assemble._remove_keep_tail(el)
            continue
        for attr in list(el.attrib):
            if attr.lower().startswith("on") or attr.lower() in ("srcset", "formaction"):
                dropped.append((f"{attr}= on <{el.tag}>", f"{attr}="))
                del el.attrib[attr]
        style = el.get("style")
        if style:
            outside = [u for u in URL_IN_CSS.findall(style) if not u.strip().startswith("#")]
            if outside:
                refused.extend(u.strip() for u in outside)
                del el.attrib["style"]
    images = []
    for img in root.xpath("//img"):
        src = (img.get("src") or "").strip()
        if not src or urlsplit(src).scheme or src.startswith("//"):  # (an absolute path: runner reports it)
            refused.append(src or "<img> without src")
            assemble._remove_keep_tail(img)
            continue
        images.append(src)
    for a in root.xpath("//a[@href]"):
        href = a.get("href").strip()
        scheme = urlsplit(href).scheme.lower()
        if href.startswith("#"):
            continue
        if scheme in SCHEME_OK:
            continue
        if scheme == "file":
            refused.append(href)
            del a.attrib["href"]
        elif scheme:
            dropped.append((f"a {scheme}: link", f"{scheme}:"))
            del a.attrib["href"]
        else:
            new = _site_url_for(href, src_uri, site_url)
            if new is None:
                del a.attrib["href"]
            else:
                a.set("href", new)
    return Prepared(assemble._serialize(root), images, list(dict.fromkeys(refused)), list(dict.fromkeys(dropped)))


# --------------------------------------------------------------------------
# XHTML

def clean_text(text: str | None) -> str | None:
    """``text`` without the characters XML cannot hold."""
    return XML_ILLEGAL.sub("", text) if text else text


def _xml_name_ok(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name))


def xhtml_element(el: etree._Element, images: dict[str, str] | None = None) -> etree._Element:
    """An HTML element (lxml.html) as an XHTML element: namespaced, only
    known elements (others become ``span``/``div``) and attributes,
    ``data-epub-type`` as ``epub:type``, image ``src`` mapped by ``images``."""
    images = images or {}
    tag = el.tag if el.tag in KEEP else ("div" if any(
        isinstance(c.tag, str) and c.tag in BLOCKS for c in el.iter()) else "span")
    out = etree.Element(f"{{{XHTML}}}{tag}")
    allowed = GLOBAL_ATTRS | ELEMENT_ATTRS.get(tag, set())
    for name, value in el.attrib.items():
        value = clean_text(value) or ""
        if name == "data-epub-type":
            out.set(f"{{{OPS}}}type", value)
        elif name == "lang":
            out.set("lang", value)
            out.set(XML_LANG, value)
        elif name in allowed or (name.startswith(("aria-", "data-")) and _xml_name_ok(name)):
            if name == "src" and tag == "img":
                value = images.get(value, value)
            if name == "open":
                value = "open"
            out.set(name, value)
    if tag == "img" and out.get("alt") is None:
        out.set("alt", "")
    out.text = clean_text(el.text)
    for child in el:
        if isinstance(child.tag, str):
            new = xhtml_element(child, images)
            new.tail = clean_text(child.tail)
            out.append(new)
            continue
        tail = clean_text(child.tail) or ""  # a comment or processing instruction: only its tail stays
        if len(out):
            out[-1].tail = (out[-1].tail or "") + tail
        else:
            out.text = (out.text or "") + tail
    return out


def xhtml_document(title: str, lang: str, body: Iterable[etree._Element], *, css: str = "style.css",
                   body_class: str = "") -> bytes:
    """A complete XHTML content document."""
    html = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": OPS})
    html.set("lang", lang)
    html.set(XML_LANG, lang)
    head = etree.SubElement(html, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}meta", {"charset": "utf-8"})
    etree.SubElement(head, f"{{{XHTML}}}title").text = clean_text(title)
    etree.SubElement(head, f"{{{XHTML}}}link", {"rel": "stylesheet", "type": "text/css", "href": css})
    b = etree.SubElement(html, f"{{{XHTML}}}body")
    if body_class:
        b.set("class", body_class)
    b.extend(body)
    return etree.tostring(html, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def _fragment(html_text: str, images: dict[str, str] | None = None) -> list[etree._Element]:
    wrapper = xhtml_element(assemble._parse(html_text), images)
    out = []
    if wrapper.text and wrapper.text.strip():
        p = etree.Element(f"{{{XHTML}}}p")
        p.text = wrapper.text
        out.append(p)
    out.extend(wrapper)
    return out


def chapter(part: assemble.Part, images: dict[str, str], *, online_url: str = "") -> bytes:
    """One article as an XHTML content document (the same in the
    publication's EPUB and in its issue's)."""
    header, body = assemble.article_parts(part, "a")
    colophon = (f'<p class="cv-colophon">{_html.escape(i18n.label(part.lang, "pdf.online", url=online_url))}</p>'
                if online_url else "")
    article = (f'<article class="cv-article" lang="{part.lang}" id="a">{header}'
               f'<div class="cv-body">{body}</div>{colophon}</article>')
    return xhtml_document(part.title, part.lang, _fragment(article, images))


def headings(chapter_xhtml: bytes) -> list[tuple[str, str]]:
    """``(id, text)`` of the ``<h2>`` sections of a chapter, for the contents."""
    root = etree.fromstring(chapter_xhtml)
    return [(h.get("id"), " ".join("".join(h.itertext()).split()))
            for h in root.iter(f"{{{XHTML}}}h2") if h.get("id")]


# --------------------------------------------------------------------------
# Images

def sniff(data: bytes) -> str | None:
    """The extension of an image by its bytes (``png``, ``jpg``, ``gif``,
    ``svg``), or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:4096]:
        return "svg"
    return None


def svg_problems(data: bytes) -> list[str]:
    """Why an SVG image cannot go into an EPUB: not well-formed, scripts,
    event handlers, or references to anything outside itself."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"it is not well-formed XML ({exc})"]
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        return ["its root element is not <svg> in the SVG namespace"]
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in ("script", "foreignObject"):
            out.append(f"it holds <{local}>")
        for name, value in el.attrib.items():
            lname = etree.QName(name).localname
            if lname.lower().startswith("on"):
                out.append(f"it has an event handler ({lname}=)")
            elif lname == "href" and not value.strip().startswith("#"):
                out.append(f"it refers to {value.strip()[:80]!r}")
            elif lname == "style" and any(not u.strip().startswith("#") for u in URL_IN_CSS.findall(value)):
                out.append("a style refers to an outside url()")
        if local == "style" and any(not u.strip().startswith("#") for u in URL_IN_CSS.findall(el.text or "")):
            out.append("its <style> refers to an outside url() or @import")
        if local == "style" and "@import" in (el.text or ""):
            out.append("its <style> has @import")
    return list(dict.fromkeys(out))


def image_name(data: bytes, ext: str) -> str:
    """The image's path in the EPUB: by content, so a figure used twice is stored once."""
    return f"images/{hashlib.sha256(data).hexdigest()[:20]}.{ext}"


# --------------------------------------------------------------------------
# Package

def identifier(kind: str, key: str, lang: str) -> str:
    """``urn:uuid:…`` from the publication key (or issue id) and language:
    the same in every build."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{kind}:{key}:{lang}')}"


@dataclass
class Chapter:
    part: assemble.Part
    xhtml: bytes
    images: dict[str, tuple[str, str]]  # zip path -> (media type, source path)  (bytes come from the runner)


def _nav(doc: assemble.Document, chapters: list[tuple[str, Chapter]], *, with_cover: bool) -> bytes:
    label = i18n.label(doc.lang, "pdf.contents")
    nav = etree.Element(f"{{{XHTML}}}nav", {f"{{{OPS}}}type": "toc", "id": "toc", "role": "doc-toc"})
    etree.SubElement(nav, f"{{{XHTML}}}h1").text = label
    ol = etree.SubElement(nav, f"{{{XHTML}}}ol")
    for href, ch in chapters:
        li = etree.SubElement(ol, f"{{{XHTML}}}li")
        if ch.part.lang != doc.lang:
            li.set("lang", ch.part.lang)
            li.set(XML_LANG, ch.part.lang)
        a = etree.SubElement(li, f"{{{XHTML}}}a", {"href": href})
        a.text = clean_text(ch.part.title)
        authors = ", ".join(assemble._authors(ch.part.meta))
        if doc.kind == "issue" and authors:
            span = etree.SubElement(a, f"{{{XHTML}}}span", {"class": "cv-toc-authors"})
            span.text = clean_text(" — " + authors)
        sections = headings(ch.xhtml)
        if sections:
            sub = etree.SubElement(li, f"{{{XHTML}}}ol")
            for hid, text in sections:
                etree.SubElement(etree.SubElement(sub, f"{{{XHTML}}}li"), f"{{{XHTML}}}a",
                                 {"href": f"{href}#{hid}"}).text = clean_text(text) or hid
    marks = etree.Element(f"{{{XHTML}}}nav", {f"{{{OPS}}}type": "landmarks", "id": "landmarks", "hidden": "hidden"})
    etree.SubElement(marks, f"{{{XHTML}}}h2").text = label
    mol = etree.SubElement(marks, f"{{{XHTML}}}ol")
    if with_cover:
        etree.SubElement(etree.SubElement(mol, f"{{{XHTML}}}li"), f"{{{XHTML}}}a",
                         {f"{{{OPS}}}type": "cover", "href": "cover.xhtml"}).text = clean_text(doc.title)
    if with_cover:  # the contents are a page of the spine only in an issue
        etree.SubElement(etree.SubElement(mol, f"{{{XHTML}}}li"), f"{{{XHTML}}}a",
                         {f"{{{OPS}}}type": "toc", "href": "nav.xhtml#toc"}).text = label
    etree.SubElement(etree.SubElement(mol, f"{{{XHTML}}}li"), f"{{{XHTML}}}a",
                     {f"{{{OPS}}}type": "bodymatter", "href": chapters[0][0]}).text = clean_text(
        chapters[0][1].part.title)
    return xhtml_document(label, doc.lang, [nav, marks], body_class="cv-nav")


def _cover(doc: assemble.Document) -> bytes:
    c = doc.cover
    html = (f'<section class="cv-cover">'
            f'<p class="cv-cover-magazine">{_html.escape(i18n.label(doc.lang, "pdf.magazine"))}</p>'
            f'<h1 class="cv-cover-title">{_html.escape(c.get("title", doc.title))}</h1>'
            + (f'<p class="cv-cover-date">{_html.escape(c["date"])}</p>' if c.get("date") else "")
            + f'<p class="cv-cover-publisher">{_html.escape(i18n.label(doc.lang, "pdf.publisher"))}</p>'
            + (f'<p class="cv-colophon">{_html.escape(i18n.label(doc.lang, "pdf.online", url=doc.online_url))}</p>'
               if doc.online_url else "")
            + "</section>")
    body = _fragment(html)
    body[0].set(f"{{{OPS}}}type", "cover")
    return xhtml_document(doc.title, doc.lang, body, body_class="cv-cover-page")


def modified(doc: assemble.Document) -> str:
    """``dcterms:modified`` from the content (the newest publication date),
    never the clock, so two builds agree."""
    dates = [assemble._date(p.meta) for p in doc.parts] + [doc.date]
    newest = max((d for d in dates if d), default="1980-01-01")
    return f"{newest}T00:00:00Z"


def _opf(doc: assemble.Document, uid: str, manifest: list[tuple[str, str, str, str]], spine: list[str]) -> bytes:
    """package.opf: ``manifest`` rows are (id, href, media type, properties)."""
    E = lambda tag, ns=OPF: f"{{{ns}}}{tag}"  # noqa: E731
    pkg = etree.Element(E("package"), nsmap={None: OPF, "dc": DC},
                        attrib={"version": "3.0", "unique-identifier": "uid", XML_LANG: doc.lang, "dir": "ltr"})
    md = etree.SubElement(pkg, E("metadata"))

    def dc(tag: str, text: str, **attrs: str) -> etree._Element:
        el = etree.SubElement(md, E(tag, DC), attrs)
        el.text = clean_text(text)
        return el

    def meta(prop: str, text: str, **attrs: str) -> None:
        el = etree.SubElement(md, E("meta"), {"property": prop, **attrs})
        el.text = clean_text(text)

    dc("identifier", uid, id="uid")
    dc("title", doc.title, id="title")
    langs = list(dict.fromkeys([doc.lang] + [p.lang for p in doc.parts]))
    for lang in langs:
        dc("language", lang)
    people = [(name, "aut") for name in dict.fromkeys(doc.authors)]
    people += [(name, "trl") for name in dict.fromkeys(t for p in doc.parts for t in assemble.translators(p.meta, p.lang))]
    for n, (name, role) in enumerate(people, 1):
        dc("creator" if role == "aut" else "contributor", name, id=f"{role}{n}")
        meta("role", role, refines=f"#{role}{n}", scheme="marc:relators")
    dc("publisher", i18n.label(doc.lang, "pdf.publisher"))
    if doc.date:
        dc("date", doc.date)
    if doc.description:
        dc("description", doc.description)
    for tag in dict.fromkeys(doc.keywords):
        dc("subject", tag)
    meta("dcterms:modified", modified(doc))
    man = etree.SubElement(pkg, E("manifest"))
    for item_id, href, media, props in manifest:
        attrs = {"id": item_id, "href": href, "media-type": media}
        if props:
            attrs["properties"] = props
        etree.SubElement(man, E("item"), attrs)
    sp = etree.SubElement(pkg, E("spine"), {"page-progression-direction": "ltr"})
    for idref in spine:
        etree.SubElement(sp, E("itemref"), {"idref": idref})
    return etree.tostring(pkg, xml_declaration=True, encoding="utf-8")


CONTAINER = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
             b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             b'<rootfiles><rootfile full-path="' + ROOT.encode() + b'/package.opf" '
             b'media-type="application/oebps-package+xml"/></rootfiles></container>\n')


def package(doc: assemble.Document, uid: str, chapters: list[Chapter], resources: dict[str, bytes],
            css: str) -> bytes:
    """The EPUB file: ``doc`` (single or issue) with its ``chapters`` in
    order; ``resources`` holds the bytes of every image path the chapters use."""
    files: list[tuple[str, bytes]] = []
    manifest: list[tuple[str, str, str, str]] = []
    spine: list[str] = []
    with_cover = doc.kind == "issue"
    named = [(f"c{i:03d}.xhtml", ch) for i, ch in enumerate(chapters, 1)]
    if with_cover:
        files.append(("cover.xhtml", _cover(doc)))
        manifest.append(("cover", "cover.xhtml", "application/xhtml+xml", ""))
        spine.append("cover")
    files.append(("nav.xhtml", _nav(doc, named, with_cover=with_cover)))
    manifest.append(("nav", "nav.xhtml", "application/xhtml+xml", "nav"))
    if with_cover:
        spine.append("nav")  # the issue's contents, read after the cover
    for i, (href, ch) in enumerate(named, 1):
        files.append((href, ch.xhtml))
        manifest.append((f"c{i:03d}", href, "application/xhtml+xml", ""))
        spine.append(f"c{i:03d}")
    files.append(("style.css", css.encode("utf-8")))
    manifest.append(("css", "style.css", "text/css", ""))
    used: dict[str, str] = {}
    for ch in chapters:
        for path, (media, _src) in ch.images.items():
            used.setdefault(path, media)
    for n, path in enumerate(sorted(used), 1):
        files.append((path, resources[path]))
        manifest.append((f"img{n:03d}", path, used[path], ""))
    opf = _opf(doc, uid, manifest, spine)
    return zip_bytes([("META-INF/container.xml", CONTAINER), (f"{ROOT}/package.opf", opf)]
                     + [(f"{ROOT}/{name}", data) for name, data in files])


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """An EPUB (OCF) zip: ``mimetype`` first and stored, then ``entries`` in
    the order given, deflated, with fixed times and permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data, method in [("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)] + \
                [(n, d, zipfile.ZIP_DEFLATED) for n, d in entries]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = method
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compress_type=method, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
    return buf.getvalue()
