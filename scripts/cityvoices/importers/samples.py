"""Sample source files made from house Markdown: the inputs of the import
tests and of ``cityvoices bench import``.

Pure: Markdown (and image bytes) in, :class:`~cityvoices.importers.model.Document`
or file bytes out.

* :func:`from_markdown` reads one language file of a publication in the house
  layout into the document model (headings, paragraphs with note calls,
  figures with their caption, tables with their caption, boxes as a title
  paragraph and list items, note bodies);
* :func:`interleaved` and :func:`two_column` put a Korean and an English
  model together the way archive files do: paragraph after paragraph (one
  picture shared by both languages, its two captions after it), or one
  two-column table, Korean left and English right;
* :func:`docx_bytes` and :func:`hwpx_bytes` write a model as a real Word or
  한글 (OWPML) package, built from its XML parts: real footnotes, embedded
  pictures, Caption/Heading styles, tables with merged cells.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import replace
from xml.sax.saxutils import escape, quoteattr

from cityvoices import frontmatter, mdscan, syntax
from cityvoices.importers.model import Block, Cell, Document, Image, Note, Para, Run, Table

#: House Markdown, as ``cityvoices check`` reads it (one vocabulary).
RE_HEADING = syntax.HEADING_RE
RE_IMAGE = syntax.IMAGE_MD_RE
RE_BLOCK = syntax.BLOCK_OPEN_RE
RE_ADMONITION = syntax.ADMONITION_RE
RE_DEF = syntax.FN_DEF_RE
RE_INLINE = re.compile(f"{syntax.FN_REF_RE.pattern}|{syntax.AUTOLINK_RE.pattern}")
CAPTION_WORD = {("ko", "figure"): "그림", ("en", "figure"): "Figure", ("ko", "table"): "표", ("en", "table"): "Table"}


# --------------------------------------------------------------------------
# House Markdown -> model


def _runs(text: str) -> list[Run]:
    runs: list[Run] = []
    pos = 0
    for m in RE_INLINE.finditer(text):
        if m.start() > pos:
            runs.append(Run(text[pos:m.start()]))
        if m.group("label"):
            runs.append(Run(note=m.group("label")))
        else:
            runs.append(Run(m.group("url")))
        pos = m.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return runs


def _list_item(line: str) -> Para | None:
    m = mdscan.LIST_ITEM_RE.match(line)
    if not m:
        return None
    numbered = m.group(0).strip()[:1].isdigit()
    return Para(_runs(line[m.end():]), list="number" if numbered else "bullet", style="ListParagraph")


def from_markdown(text: str, images: dict[str, bytes] | None = None, path: str = "<markdown>") -> Document:
    """One house-layout language file as a document model.  ``images`` maps
    the image paths the Markdown names to their bytes (missing ones get a
    one-pixel PNG)."""
    images = images or {}
    meta_raw, body, _ = frontmatter.split(text)
    title = None
    if meta_raw:
        fm, _problems = frontmatter.parse(text)
        title = fm.data.get("title") if isinstance(fm.data.get("title"), str) else None
    doc = Document(path, "markdown", title=title)
    if title:
        doc.blocks.append(Para([Run(title)], title=True, style="Title"))
    chunks = [c.strip("\n") for c in re.split(r"\n[ \t]*\n", body) if c.strip()]
    i = 0
    last: Block | None = None
    while i < len(chunks):
        chunk = chunks[i]
        first = chunk.splitlines()[0]
        m = RE_BLOCK.match(first)
        if m:  # /// figure-caption ... /// (maybe spread over several chunks)
            inner = [ln for ln in chunk.splitlines()[1:] if not RE_BLOCK.match(ln) and not re.match(r"^/{3,}\s*$", ln)]
            while not re.search(r"^/{3,}\s*$", chunk, re.M) and i + 1 < len(chunks):
                i += 1
                chunk = chunks[i]
                inner += [ln for ln in chunk.splitlines() if not re.match(r"^/{3,}\s*$", ln)]
            cap = Para(_runs(" ".join(s.strip() for s in inner)), caption=True, style="Caption")
            if isinstance(last, (Image, Table)):
                last.caption = cap
            i += 1
            continue
        if RE_DEF.match(first):
            for line in chunk.splitlines():
                d = RE_DEF.match(line)
                if d:
                    doc.notes[d.group("label")] = Note(d.group("label"), [Para(_runs(line[d.end():]))])
                elif line.strip() and doc.notes:
                    note = list(doc.notes.values())[-1]
                    note.paras[-1].runs.extend(_runs(" " + line.strip()))
            i += 1
            continue
        h = RE_HEADING.match(first)
        a = RE_ADMONITION.match(first)
        im = RE_IMAGE.match(first)
        if h:
            level = len(h.group("hashes")) - 1
            heading = syntax.HEADING_ATTR_RE.sub("", h.group("text") or "")
            last = Para(_runs(heading), heading=level, style=f"Heading{level}")
            doc.blocks.append(last)
        elif a:
            if a.group("title"):
                doc.blocks.append(Para(_runs(a.group("title")), style="BoxTitle"))
            j = i + 1
            while j < len(chunks) and chunks[j].startswith("    "):
                for line in chunks[j].splitlines():
                    item = _list_item(line)
                    if item:
                        doc.blocks.append(item)
                j += 1
            i = j
            last = None
            continue
        elif im:
            src = im.group("src")
            data = images.get(src) or _ONE_PIXEL_PNG
            ext = src.rsplit(".", 1)[-1].lower() if "." in src else "png"
            last = Image(data, ext, src.rsplit("/", 1)[-1], im.group("alt"))
            doc.blocks.append(last)
        elif first.lstrip().startswith("|"):
            rows = [ln for ln in chunk.splitlines() if ln.strip().startswith("|")]
            cells = [[c.strip() for c in re.split(r"(?<!\\)\|", ln.strip())[1:-1]] for ln in rows]
            cells = [r for r in cells if not all(re.fullmatch(r":?-+:?", c) for c in r)]
            table = Table([[Cell([Para(_runs(c.replace("\\|", "|")))]) for c in r] for r in cells])
            doc.blocks.append(table)
            last = table
        elif mdscan.LIST_ITEM_RE.match(first):
            for line in chunk.splitlines():
                item = _list_item(line)
                if item:
                    doc.blocks.append(item)
            last = None
        else:
            last = Para(_runs(" ".join(s.strip() for s in chunk.splitlines())))
            doc.blocks.append(last)
        i += 1
    return doc


def merge_repeated_cells(table: Table, column: int = 0) -> Table:
    """Cells left empty under a filled one in ``column`` become a vertical
    merge, as Word users lay out such tables (``| 집행위원회 | … |`` then
    ``| | … |``)."""
    rows = [list(r) for r in table.rows]
    top = None
    for r, row in enumerate(rows):
        if column >= len(row):
            continue
        cell = row[column]
        if cell.text.strip() or r == 0:
            top = cell
        elif top is not None:
            top.rowspan += 1
            row[column] = Cell([], merged=True)
    return replace(table, rows=rows)


# --------------------------------------------------------------------------
# Two languages in one file


def _units(doc: Document) -> list[list[Block]]:
    """Blocks grouped the way a translator aligns them: one paragraph or
    heading, one figure, one table, or a box (its title and list items)."""
    units: list[list[Block]] = []
    for b in doc.blocks:
        if isinstance(b, Para) and b.list and units and isinstance(units[-1][-1], Para) \
                and (units[-1][-1].list or units[-1][-1].style == "BoxTitle"):
            units[-1].append(b)
        else:
            units.append([b])
    return units


def _kind(unit: list[Block]) -> str:
    b = unit[0]
    if isinstance(b, Image):
        return "F"
    if isinstance(b, Table):
        return "T"
    if b.title:
        return "t"
    if b.heading:
        return f"H{b.heading}"
    if b.style == "BoxTitle" or b.list:
        return "B"
    return "P"


def aligned(ko: Document, en: Document) -> list[tuple[list[Block] | None, list[Block] | None]]:
    """Korean and English units side by side (``None`` where one language has
    nothing: a language-only section, an extra paragraph)."""
    a, b = _units(ko), _units(en)
    sm = difflib.SequenceMatcher(None, [_kind(u) for u in a], [_kind(u) for u in b], autojunk=False)
    out: list[tuple[list[Block] | None, list[Block] | None]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out += list(zip(a[i1:i2], b[j1:j2]))
        else:
            xs, ys = a[i1:i2], b[j1:j2]
            for k in range(max(len(xs), len(ys))):
                out.append((xs[k] if k < len(xs) else None, ys[k] if k < len(ys) else None))
    return out


def _relabel(blocks: list[Block], mapping: dict[str, str], notes_in: dict[str, Note],
             notes_out: dict[str, Note]) -> list[Block]:
    """Copy ``blocks`` with their note calls renamed to ids unique in the file."""
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Para):
            runs = []
            for r in b.runs:
                if r.note:
                    if r.note not in mapping:
                        mapping[r.note] = str(len(notes_out) + 1)
                        src = notes_in.get(r.note) or Note(r.note, [Para([Run("?")])])
                        notes_out[mapping[r.note]] = replace(src, id=mapping[r.note])
                    runs.append(replace(r, note=mapping[r.note]))
                else:
                    runs.append(r)
            out.append(replace(b, runs=runs))
        elif isinstance(b, Table):
            out.append(replace(b, rows=[[replace(c, blocks=_relabel(c.blocks, mapping, notes_in, notes_out))
                                        for c in row] for row in b.rows],
                               caption=_relabel([b.caption], mapping, notes_in, notes_out)[0] if b.caption else None))
        elif isinstance(b, Image):
            out.append(replace(b, caption=_relabel([b.caption], mapping, notes_in, notes_out)[0]
                               if b.caption else None))
    return out


def _numbered(cap: Para | None, lang: str, kind: str, n: int) -> Para | None:
    """A caption as Word writes it: ``그림 3. …`` / ``Table 1. …``."""
    if cap is None:
        return None
    word = CAPTION_WORD[(lang, kind)]
    return replace(cap, runs=[Run(f"{word} {n}. ")] + cap.runs)


def _spell_out(unit: list[Block], lang: str, counters: dict[str, int], *, share_image: bool = False) -> list[Block]:
    """A unit as it stands in a Word file: a caption becomes a numbered
    caption paragraph (after a picture, before a table)."""
    out: list[Block] = []
    for b in unit:
        if isinstance(b, Image):
            counters["figure"] += 1
            cap = _numbered(b.caption, lang, "figure", counters["figure"])
            if not share_image:
                out.append(replace(b, caption=None))
            if cap is not None:
                out.append(cap)
        elif isinstance(b, Table):
            counters["table"] += 1
            cap = _numbered(b.caption, lang, "table", counters["table"])
            if cap is not None:
                out.append(cap)
            out.append(replace(b, caption=None))
        else:
            out.append(b)
    return out


def interleaved(ko: Document, en: Document) -> Document:
    """One file, Korean paragraph then English paragraph; a picture found in
    both languages is stored once, followed by its Korean and English captions."""
    doc = Document("interleaved", "docx", title=None)
    maps: dict[str, dict[str, str]] = {"ko": {}, "en": {}}
    counters = {"ko": {"figure": 0, "table": 0}, "en": {"figure": 0, "table": 0}}
    for a, b in aligned(ko, en):
        parts: list[Block] = []
        fig = a and b and isinstance(a[0], Image) and isinstance(b[0], Image)
        if fig:
            parts.append(replace(a[0], caption=None))
        for lang, unit, src in (("ko", a, ko), ("en", b, en)):
            if unit is None:
                continue
            spelled = _spell_out(unit, lang, counters[lang], share_image=bool(fig))
            parts += _relabel(spelled, maps[lang], src.notes, doc.notes)
        doc.blocks += parts
    return doc


def two_column(ko: Document, en: Document) -> Document:
    """One two-column table: each row holds a Korean unit and its English one."""
    doc = Document("two-column", "docx")
    maps: dict[str, dict[str, str]] = {"ko": {}, "en": {}}
    counters = {"ko": {"figure": 0, "table": 0}, "en": {"figure": 0, "table": 0}}
    rows: list[list[Cell]] = []
    for a, b in aligned(ko, en):
        row = []
        for lang, unit, src in (("ko", a, ko), ("en", b, en)):
            blocks = _relabel(_spell_out(unit, lang, counters[lang]), maps[lang], src.notes, doc.notes) if unit else []
            row.append(Cell(blocks))
        rows.append(row)
    doc.blocks.append(Table(rows))
    return doc


# --------------------------------------------------------------------------
# .docx (WordprocessingML) from its XML parts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
DOC_NS = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:pic="{PIC_NS}"')
MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"}
_DOCX_STYLES = (("Normal", "Normal", None), ("Title", "Title", None), ("Heading1", "heading 1", 0),
                ("Heading2", "heading 2", 1), ("Heading3", "heading 3", 2), ("Caption", "caption", None),
                ("ListParagraph", "List Paragraph", None), ("BoxTitle", "Box Title", None),
                ("FootnoteText", "footnote text", None), ("FootnoteReference", "footnote reference", None))


class _Writer:
    """What both package writers share: the order blocks are written in (a
    table's caption before it, as Word users put it)."""

    caption_inside_picture = False

    def blocks(self, blocks: list[Block]) -> str:
        out = []
        for b in blocks:
            if isinstance(b, Image):
                out.append(self.image(b))
                if b.caption and not self.caption_inside_picture:
                    out.append(self.para(b.caption))
            elif isinstance(b, Table):
                if b.caption:
                    out.append(self.para(b.caption))
                out.append(self.table(b))
            else:
                out.append(self.para(b))
        return "".join(out)


class _DocxWriter(_Writer):
    def __init__(self, doc: Document, caption_style: str = "all"):
        self.doc = doc
        self.rels: list[tuple[str, str, str]] = []  # (id, type, target)
        self.media: dict[int, tuple[str, bytes]] = {}  # id(data) -> (part name, data)
        self.pic = 0
        self.caption_style = caption_style

    def _rel(self, kind: str, target: str) -> str:
        rid = f"rId{len(self.rels) + 10}"
        self.rels.append((rid, kind, target))
        return rid

    def image_rid(self, img: Image) -> str:
        for rid, _kind, target in self.rels:
            if target == f"media/{img.name}":
                return rid
        return self._rel(f"{R_NS}/image", f"media/{img.name}")

    def runs(self, para: Para, note_tag: str = "footnoteReference") -> str:
        out = []
        for r in para.runs:
            if r.note:
                out.append(f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/></w:rPr>'
                           f'<w:{note_tag} w:id="{escape(r.note)}"/></w:r>')
            elif r.text:
                pr = ("<w:b/>" if r.bold else "") + ("<w:i/>" if r.italic else "")
                out.append(f'<w:r>{f"<w:rPr>{pr}</w:rPr>" if pr else ""}<w:t xml:space="preserve">{escape(r.text)}</w:t></w:r>')
        return "".join(out)

    def para(self, p: Para) -> str:
        style = p.style
        if p.caption:
            style = "Caption" if self.caption_style == "all" or (self.caption_style == "odd" and self.pic % 2) else ""
        ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
        if p.list:
            ppr += f'<w:numPr><w:ilvl w:val="{p.level}"/><w:numId w:val="{1 if p.list == "bullet" else 2}"/></w:numPr>'
        return f'<w:p>{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}{self.runs(p)}</w:p>'

    def image(self, img: Image) -> str:
        rid = self.image_rid(img)
        self.pic += 1
        cx, cy = 5486400, 3086100
        return (f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="{cx}" cy="{cy}"/>'
                f'<wp:docPr id="{self.pic}" name="Picture {self.pic}" descr={quoteattr(img.alt)}/>'
                f'<a:graphic><a:graphicData uri="{PIC_NS}"><pic:pic><pic:nvPicPr><pic:cNvPr id="{self.pic}" '
                f'name="{escape(img.name)}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/>'
                f'<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
                f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
                f'</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')

    def table(self, t: Table) -> str:
        width = t.width or 1
        grid = "".join('<w:gridCol w:w="4500"/>' for _ in range(width))
        rows = []
        for r, row in enumerate(t.rows):
            cells = []
            for c, cell in enumerate(row):
                tcpr = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
                if cell.merged:
                    tcpr += "<w:vMerge/>"
                elif cell.rowspan > 1:
                    tcpr += '<w:vMerge w:val="restart"/>'
                body = self.blocks(cell.blocks) or "<w:p/>"
                if not body.endswith("</w:p>") and not body.endswith("<w:p/>"):
                    body += "<w:p/>"  # a cell must end with a paragraph
                cells.append(f'<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>')
            rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
        return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
                f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")

    def package(self) -> bytes:
        body = self.blocks(self.doc.blocks)
        fn_rid = self._rel(f"{R_NS}/footnotes", "footnotes.xml")
        st_rid = self._rel(f"{R_NS}/styles", "styles.xml")
        nu_rid = self._rel(f"{R_NS}/numbering", "numbering.xml")
        del fn_rid, st_rid, nu_rid
        document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {DOC_NS}><w:body>{body}'
                    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
        notes = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
                 '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>']
        for note in self.doc.notes.values():
            paras = []
            for k, p in enumerate(note.paras):
                mark = ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                        '<w:r><w:t xml:space="preserve"> </w:t></w:r>') if k == 0 else ""
                paras.append(f'<w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>{mark}{self.runs(p)}</w:p>')
            notes.append(f'<w:footnote w:id="{escape(note.id)}">{"".join(paras)}</w:footnote>')
        footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {DOC_NS}>'
                     f'{"".join(notes)}</w:footnotes>')
        styles = "".join(
            f'<w:style w:type="{"character" if sid == "FootnoteReference" else "paragraph"}"'
            f'{" w:default=" + quoteattr("1") if sid == "Normal" else ""} w:styleId="{sid}">'
            f'<w:name w:val="{name}"/>{"" if lvl is None else f"<w:pPr><w:outlineLvl w:val={quoteattr(str(lvl))}/></w:pPr>"}'
            "</w:style>" for sid, name, lvl in _DOCX_STYLES)
        styles += '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>'
        styles_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">'
                      f"{styles}</w:styles>")
        numbering = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W_NS}">'
                     '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/>'
                     '<w:lvlText w:val="•"/></w:lvl></w:abstractNum>'
                     '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/>'
                     '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                     '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                     '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>')
        rels = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{escape(t)}"/>' for rid, kind, t in self.rels)
        exts = sorted({b.ext for b in self.doc.images()} | {"png"})
        types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 + "".join(f'<Default Extension="{e}" ContentType="{MIME.get(e, "application/octet-stream")}"/>'
                           for e in exts)
                 + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/>'
                   '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.footnotes+xml"/>'
                   '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.styles+xml"/>'
                   '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.numbering+xml"/></Types>')
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", types)
            z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{R_NS}/officeDocument" '
                       'Target="word/document.xml"/></Relationships>')
            z.writestr("word/document.xml", document)
            z.writestr("word/footnotes.xml", footnotes)
            z.writestr("word/styles.xml", styles_xml)
            z.writestr("word/numbering.xml", numbering)
            z.writestr("word/_rels/document.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<Relationships xmlns="{REL_NS}">{rels}</Relationships>')
            seen = set()
            for img in self.doc.images():
                if img.name not in seen:
                    seen.add(img.name)
                    z.writestr(f"word/media/{img.name}", img.data)
        return out.getvalue()


def docx_bytes(doc: Document, *, caption_style: str = "all") -> bytes:
    """``doc`` as a .docx package.  ``caption_style``: ``"all"`` captions in
    Word's Caption style, ``"odd"`` only every other one (the rest are plain
    paragraphs that only the caption words mark), ``"none"``."""
    return _DocxWriter(doc, caption_style).package()


# --------------------------------------------------------------------------
# HWPX (OWPML) from its XML parts

HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
HS = "http://www.hancom.co.kr/hwpml/2011/section"
HC = "http://www.hancom.co.kr/hwpml/2011/core"
HH = "http://www.hancom.co.kr/hwpml/2011/head"
OPF = "http://www.idpf.org/2007/opf/"
HWPX_STYLES = ((0, "바탕글", "Normal"), (1, "개요 1", "Outline 1"), (2, "개요 2", "Outline 2"),
               (3, "개요 3", "Outline 3"), (4, "캡션", "Caption"), (5, "제목", "Title"), (6, "글머리표", "Bullet"))


class _HwpxWriter(_Writer):
    caption_inside_picture = True  # OWPML keeps a picture's caption in hp:pic

    def __init__(self, doc: Document):
        self.doc = doc
        self.bins: dict[str, tuple[str, Image]] = {}  # name -> (item id, image)
        self.pic = 0

    def t(self, text: str) -> str:
        return f"<hp:t>{escape(text)}</hp:t>" if text else ""

    def note(self, note_id: str) -> str:
        note = self.doc.notes[note_id]
        paras = []
        for k, p in enumerate(note.paras):
            num = ('<hp:run charPrIDRef="0"><hp:ctrl><hp:autoNum num="{0}" numType="FOOTNOTE"/></hp:ctrl>'
                   '<hp:t> </hp:t></hp:run>').format(escape(note_id)) if k == 0 else ""
            paras.append(f'<hp:p id="0" paraPrIDRef="0" styleIDRef="0">{num}{self.runs(p)}</hp:p>')
        return (f'<hp:ctrl><hp:footNote number="{escape(note_id)}" instId="{escape(note_id)}">'
                f'<hp:subList id="" textDirection="HORIZONTAL">{"".join(paras)}</hp:subList></hp:footNote></hp:ctrl>')

    def runs(self, p: Para) -> str:
        out = []
        for r in p.runs:
            if r.note:
                out.append(f'<hp:run charPrIDRef="0">{self.note(r.note)}</hp:run>')
            elif r.text:
                out.append(f'<hp:run charPrIDRef="0">{self.t(r.text)}</hp:run>')
        return "".join(out)

    def style(self, p: Para) -> int:
        if p.title:
            return 5
        if p.heading:
            return min(p.heading, 3)
        if p.caption:
            return 4
        if p.list:
            return 6
        return 0

    def para(self, p: Para, inner: str | None = None) -> str:
        return (f'<hp:p id="0" paraPrIDRef="0" styleIDRef="{self.style(p)}" pageBreak="0" columnBreak="0">'
                f'{self.runs(p) if inner is None else inner}</hp:p>')

    def image(self, img: Image) -> str:
        if img.name not in self.bins:
            self.bins[img.name] = (f"image{len(self.bins) + 1}", img)
        item = self.bins[img.name][0]
        self.pic += 1
        cap = ""
        if img.caption is not None:
            cap = (f'<hp:caption side="BOTTOM"><hp:subList id="">{self.para(img.caption)}</hp:subList></hp:caption>')
        pic = (f'<hp:pic id="{self.pic}" instid="{self.pic}"><hp:sz width="28000" height="15750"/>'
               f'<hc:img binaryItemIDRef="{item}" bright="0" contrast="0" effect="REAL_PIC" alpha="0"/>'
               f'{cap}<hp:shapeComment>{escape(img.alt)}</hp:shapeComment></hp:pic>')
        return self.para(Para(), f'<hp:run charPrIDRef="0">{pic}</hp:run>')

    def table(self, t: Table) -> str:
        rows = []
        for r, row in enumerate(t.rows):
            cells = []
            col = 0
            for cell in row:
                if cell.merged:
                    col += cell.colspan
                    continue  # OWPML leaves covered cells out
                body = self.blocks(cell.blocks) or self.para(Para())
                cells.append(f'<hp:tc><hp:subList id="">{body}</hp:subList><hp:cellAddr colAddr="{col}" '
                             f'rowAddr="{r}"/><hp:cellSpan colSpan="{cell.colspan}" rowSpan="{cell.rowspan}"/></hp:tc>')
                col += cell.colspan
            rows.append(f"<hp:tr>{''.join(cells)}</hp:tr>")
        tbl = (f'<hp:tbl id="0" rowCnt="{len(t.rows)}" colCnt="{t.width}">{"".join(rows)}</hp:tbl>')
        return self.para(Para(), f'<hp:run charPrIDRef="0">{tbl}</hp:run>')

    def package(self) -> bytes:
        ns = f'xmlns:hp="{HP}" xmlns:hs="{HS}" xmlns:hc="{HC}" xmlns:hh="{HH}"'
        section = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<hs:sec {ns}>'
                   f"{self.blocks(self.doc.blocks)}</hs:sec>")
        styles = "".join(f'<hh:style id="{i}" type="PARA" name="{name}" engName="{eng}" paraPrIDRef="0" '
                         f'charPrIDRef="0" nextStyleIDRef="0" langID="1042"/>' for i, name, eng in HWPX_STYLES)
        header = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<hh:head {ns} version="1.4" '
                  f'secCnt="1"><hh:refList><hh:styles itemCnt="{len(HWPX_STYLES)}">{styles}</hh:styles>'
                  "</hh:refList></hh:head>")
        items = "".join(f'<opf:item id="{item}" href="BinData/{item}.{img.ext}" media-type="{MIME.get(img.ext, "image/png")}" '
                        'isEmbeded="1"/>' for item, img in self.bins.values())
        hpf = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<opf:package xmlns:opf="{OPF}" '
               f'version="" unique-identifier="" id=""><opf:metadata><opf:title>{escape(self.doc.title or "")}'
               '</opf:title><opf:language>ko</opf:language></opf:metadata><opf:manifest>'
               '<opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>'
               '<opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/>'
               f'{items}</opf:manifest><opf:spine><opf:itemref idref="header" linear="yes"/>'
               '<opf:itemref idref="section0" linear="yes"/></opf:spine></opf:package>')
        container = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ocf:container '
                     'xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container" '
                     'xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf"><ocf:rootfiles>'
                     '<ocf:rootfile full-path="Contents/content.hpf" media-type="application/hwpml-package+xml"/>'
                     '</ocf:rootfiles></ocf:container>')
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
            z.writestr("version.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication='
                       '"WORDPROCESSOR" major="5" minor="1" micro="0" buildNumber="1" os="1" xmlVersion="1.4" '
                       'application="CityVoices" appVersion="1"/>', compress_type=zipfile.ZIP_DEFLATED)
            z.writestr("META-INF/container.xml", container, compress_type=zipfile.ZIP_DEFLATED)
            z.writestr("Contents/content.hpf", hpf, compress_type=zipfile.ZIP_DEFLATED)
            z.writestr("Contents/header.xml", header, compress_type=zipfile.ZIP_DEFLATED)
            z.writestr("Contents/section0.xml", section, compress_type=zipfile.ZIP_DEFLATED)
            for item, img in self.bins.values():
                z.writestr(f"BinData/{item}.{img.ext}", img.data, compress_type=zipfile.ZIP_STORED)
        return out.getvalue()


def hwpx_bytes(doc: Document) -> bytes:
    """``doc`` as an HWPX package (OWPML parts zipped, ``mimetype`` first)."""
    return _HwpxWriter(doc).package()


_ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")
