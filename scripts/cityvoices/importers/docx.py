"""Word (.docx) -> the document model, read from the package's XML parts.

Pure: :func:`read` takes the file's bytes.  Why not a library: of mammoth,
python-docx, docx2python and pandoc, none gives footnotes at their calls,
the picture bytes, cell spans and heading levels together (BENCHMARKS.md,
"import"); WordprocessingML read with lxml (already a dependency) gives all
four and is the fastest of them.

What is read:

* body paragraphs and the paragraphs of table cells, text boxes and content
  controls, in reading order; tracked deletions and field codes are left
  out, field results and insertions kept;
* the style of each paragraph, through ``basedOn``: ``heading N`` (or an
  outline level) is a heading, ``Title`` the title, ``caption`` a caption;
  a numbering property makes a list item (bullet or numbered);
* footnote and endnote calls as note runs, their bodies from
  ``footnotes.xml``/``endnotes.xml``; superscript digits typed by hand
  become superscript characters, which the normalizer turns into notes;
* pictures (DrawingML and VML) with their bytes and alt text;
* tables with ``gridSpan`` and ``vMerge`` as spans and covered cells.
"""

from __future__ import annotations

import posixpath

from lxml import etree

from cityvoices.importers.model import (Block, Cell, Document, Image, Note, Para, Run, SourceError, Table,
                                        paragraph_blocks)
from cityvoices.importers.package import open_package
from cityvoices.problems import Problem

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
V = "{urn:schemas-microsoft-com:vml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
#: Elements whose content is not text of the document.
SKIP = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "instrText", W + "delText", W + "tblPr",
        W + "sectPr", W + "commentRangeStart", W + "commentRangeEnd", W + "proofErr", W + "bookmarkStart",
        W + "bookmarkEnd", MC + "Fallback"}


def _on(el: etree._Element | None) -> bool:
    return el is not None and el.get(W + "val", "true") not in ("false", "0", "off", "none")


class _Reader:
    def __init__(self, data: bytes, path: str):
        self.path = path
        self.pkg = open_package(data, path, ".docx")
        main = self._main_part()
        self.base = posixpath.dirname(main)
        self.rels = self._rels(main)
        self.styles = self._styles()
        self.numbering = self._numbering()
        self.doc = Document(path, "docx")
        self.where = 0
        self.image_names: dict[str, str] = {}
        self.root = self.pkg.xml(main)

    # parts ------------------------------------------------------------------

    def _main_part(self) -> str:
        if self.pkg.has("_rels/.rels"):
            for rel in self.pkg.xml("_rels/.rels").iter(REL + "Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    return rel.get("Target", "").lstrip("/")
        if self.pkg.has("word/document.xml"):
            return "word/document.xml"
        raise SourceError(self.path, "not a Word document: the package has no word/document.xml "
                                     "(is it another Office file renamed .docx?)", "import-format")

    def _rels(self, part: str) -> dict[str, tuple[str, str, bool]]:
        name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        out: dict[str, tuple[str, str, bool]] = {}
        if self.pkg.has(name):
            for rel in self.pkg.xml(name).iter(REL + "Relationship"):
                target = rel.get("Target", "")
                external = rel.get("TargetMode") == "External"
                if not external:
                    target = target.lstrip("/") if target.startswith("/") else \
                        posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
                out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target, external)
        return out

    def _part_of(self, kind: str) -> str | None:
        for k, target, external in self.rels.values():
            if k == kind and not external and self.pkg.has(target):
                return target
        return None

    def _styles(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        part = self._part_of("styles")
        if not part:
            return out
        for st in self.pkg.xml(part).iter(W + "style"):
            sid = st.get(W + "styleId", "")
            name = st.find(W + "name")
            based = st.find(W + "basedOn")
            lvl = st.find(f"{W}pPr/{W}outlineLvl")
            num = st.find(f"{W}pPr/{W}numPr/{W}numId")
            out[sid] = {"name": (name.get(W + "val", "") if name is not None else sid).lower(),
                        "based": based.get(W + "val") if based is not None else None,
                        "outline": int(lvl.get(W + "val", "9")) if lvl is not None else None,
                        "num": num.get(W + "val") if num is not None else None}
        return out

    def _numbering(self) -> dict[str, dict[str, str]]:
        part = self._part_of("numbering")
        if not part:
            return {}
        root = self.pkg.xml(part)
        abstract = {}
        for an in root.iter(W + "abstractNum"):
            abstract[an.get(W + "abstractNumId")] = {
                lvl.get(W + "ilvl", "0"): (lvl.find(W + "numFmt").get(W + "val", "") if lvl.find(W + "numFmt")
                                           is not None else "") for lvl in an.iter(W + "lvl")}
        out = {}
        for num in root.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            out[num.get(W + "numId")] = abstract.get(ref.get(W + "val") if ref is not None else "", {})
        return out

    def _style_chain(self, sid: str | None):
        seen = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid]["based"]

    # paragraphs -------------------------------------------------------------

    def para_props(self, p: etree._Element, para: Para) -> None:
        ppr = p.find(W + "pPr")
        sid = None
        outline = num_id = None
        ilvl = "0"
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            sid = ps.get(W + "val") if ps is not None else None
            ol = ppr.find(W + "outlineLvl")
            outline = int(ol.get(W + "val", "9")) if ol is not None else None
            np_ = ppr.find(W + "numPr")
            if np_ is not None:
                ni, il = np_.find(W + "numId"), np_.find(W + "ilvl")
                num_id = ni.get(W + "val") if ni is not None else None
                ilvl = il.get(W + "val", "0") if il is not None else "0"
        chain = list(self._style_chain(sid))
        para.style = chain[0]["name"] if chain else ""
        for st in chain:
            name = st["name"]
            if name.startswith("heading ") and name[8:].strip().isdigit():
                para.heading = para.heading or int(name[8:].strip())
            elif name == "title":
                para.title = True
            elif name == "caption":
                para.caption = True
            if outline is None and st["outline"] is not None:
                outline = st["outline"]
            if num_id is None and st["num"]:
                num_id = st["num"]
        if not para.heading and outline is not None and outline < 9:
            para.heading = outline + 1
        if num_id and num_id != "0" and not para.heading and not para.title:
            fmt = self.numbering.get(num_id, {}).get(ilvl, "bullet")
            para.list = "bullet" if fmt in ("bullet", "none", "") else "number"
            para.level = int(ilvl) if ilvl.isdigit() else 0

    def paragraph(self, p: etree._Element) -> list[Block]:
        """One ``w:p`` as blocks: the paragraph, split where a picture stands
        on its own, and the paragraphs of text boxes it anchors."""
        self.where += 1
        proto = Para(where=self.where)
        self.para_props(p, proto)
        segments: list[Run | Image] = []
        extra: list[Block] = []
        fields: list[str] = []  # "instr" | "result" per open complex field
        self._inline(p, segments, extra, fields, link=None)
        out = paragraph_blocks(proto, segments)
        return out + extra

    def _inline(self, el, segments, extra, fields, link):
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag == W + "r":
                self._run(child, segments, extra, fields, link)
            elif tag == W + "hyperlink":
                rid = child.get(R + "id")
                target = self.rels.get(rid, ("", None, True))[1] if rid else None
                self._inline(child, segments, extra, fields, target if rid else None)
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    self._inline(choice, segments, extra, fields, link)
            elif tag in (M + "oMath", M + "oMathPara"):
                text = "".join(t.text or "" for t in child.iter(M + "t"))
                segments.append(Run(text))
                self.doc.problems.append(Problem(self.path, self.where, "import-equation",
                                                 f"an equation was imported as plain text ('{text}'); "
                                                 "write it in LaTeX ($…$) if it matters", "warning"))
            else:  # w:ins, w:smartTag, w:sdt/w:sdtContent, w:fldSimple, w:customXml, w:moveTo
                self._inline(child, segments, extra, fields, link)

    def _run(self, r, segments, extra, fields, link):
        rpr = r.find(W + "rPr")
        bold = italic = sup = hidden = False
        if rpr is not None:
            bold, italic = _on(rpr.find(W + "b")), _on(rpr.find(W + "i"))
            va = rpr.find(W + "vertAlign")
            sup = va is not None and va.get(W + "val") == "superscript"
            hidden = _on(rpr.find(W + "vanish"))
        children = []
        for child in r:
            if child.tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                children.extend(choice if choice is not None else [])
            else:
                children.append(child)
        for child in children:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    fields.append("instr")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if fields and fields[-1] == "instr" or hidden:
                continue
            text = None
            if tag == W + "t":
                text = child.text or ""
            elif tag in (W + "tab", W + "br", W + "cr"):
                if tag == W + "br" and child.get(W + "type") == "page":
                    continue
                text = " "
            elif tag == W + "noBreakHyphen":
                text = "-"
            elif tag == W + "sym":
                try:
                    text = chr(int(child.get(W + "char", "0"), 16))
                except ValueError:
                    text = ""
            elif tag in (W + "footnoteReference", W + "endnoteReference"):
                kind = "fn" if tag == W + "footnoteReference" else "en"
                segments.append(Run(note=f"{kind}{child.get(W + 'id')}"))
                continue
            elif tag == W + "drawing" or tag == W + "pict":
                self._pictures(child, segments)
                for box in child.iter(W + "txbxContent"):
                    extra.extend(self.blocks(box))
                continue
            if text:
                if sup and text.strip().isdigit():
                    text = text.strip().translate(SUPER)
                segments.append(Run(text, bold=bold, italic=italic, link=link))

    def _pictures(self, el, segments):
        alt = ""
        for pr in el.iter(WP + "docPr"):
            alt = pr.get("descr") or pr.get("title") or ""
        rids = [b.get(R + "embed") for b in el.iter(A + "blip") if b.get(R + "embed")]
        rids += [d.get(R + "id") for d in el.iter(V + "imagedata") if d.get(R + "id")]
        for b in el.iter(A + "blip"):
            if b.get(R + "link") and not b.get(R + "embed"):
                self.doc.problems.append(Problem(self.path, self.where, "import-image-linked",
                                                 "a picture is linked, not embedded; insert it into the document "
                                                 "(or copy it to images/ by hand)", "warning"))
        if not rids and el.tag == W + "drawing":
            self.doc.problems.append(Problem(self.path, self.where, "import-drawing",
                                             "a drawing that is not a picture (chart, diagram or shape) is not "
                                             "imported; export it as an image and add it by hand", "warning"))
        for rid in rids:
            kind, target, external = self.rels.get(rid, ("", "", True))
            if external or not self.pkg.has(target):
                self.doc.problems.append(Problem(self.path, self.where, "import-image-missing",
                                                 f"picture {rid} points to {target or 'nothing'}, which the file "
                                                 "does not hold", "warning"))
                continue
            name = posixpath.basename(target)
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
            segments.append(Image(self.pkg.read(target), ext, name, alt, self.where))

    # tables -------------------------------------------------------------------

    def table(self, tbl) -> Table:
        table = Table(where=self.where + 1)
        tops: dict[int, Cell] = {}  # grid column -> the cell a vertical merge continues
        for tr in tbl.iter(W + "tr"):
            if tr.getparent() is not tbl:
                continue
            row: list[Cell] = []
            col = 0
            trpr = tr.find(W + "trPr")
            if trpr is not None and trpr.find(W + "gridBefore") is not None:
                col = int(trpr.find(W + "gridBefore").get(W + "val", "0"))
            for tc in tr:
                if tc.tag == W + "sdt":
                    tcs = list(tc.iter(W + "tc"))
                elif tc.tag == W + "tc":
                    tcs = [tc]
                else:
                    continue
                for c in tcs:
                    pr = c.find(W + "tcPr")
                    span, vmerge = 1, None
                    if pr is not None:
                        gs = pr.find(W + "gridSpan")
                        span = int(gs.get(W + "val", "1")) if gs is not None else 1
                        vm = pr.find(W + "vMerge")
                        vmerge = None if vm is None else (vm.get(W + "val") or "continue")
                    if vmerge == "continue" and col in tops:
                        # the covered cell's paragraphs (normally empty) still count
                        body = self.blocks(c)
                        tops[col].rowspan += 1
                        if any(isinstance(b, Para) and b.text.strip() for b in body):
                            tops[col].blocks.extend(body)
                        row.append(Cell([], span, 1, merged=True))
                    else:
                        cell = Cell(self.blocks(c), span)
                        row.append(cell)
                        if vmerge == "restart":
                            tops[col] = cell
                        else:
                            tops.pop(col, None)
                    col += span
            table.rows.append(row)
        return table

    def blocks(self, parent) -> list[Block]:
        out: list[Block] = []
        for child in parent:
            tag = child.tag
            if tag == W + "p":
                out.extend(self.paragraph(child))
            elif tag == W + "tbl":
                out.append(self.table(child))
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
                out.extend(self.blocks(child))
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    out.extend(self.blocks(choice))
        return out

    # notes --------------------------------------------------------------------

    def notes(self, kind: str) -> None:
        part = self._part_of("footnotes" if kind == "fn" else "endnotes")
        if not part:
            return
        tag = W + ("footnote" if kind == "fn" else "endnote")
        saved = self.where
        for note in self.pkg.xml(part).iter(tag):
            if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            nid = f"{kind}{note.get(W + 'id')}"
            self.where = 0
            paras = [b for b in self.blocks(note) if isinstance(b, Para)]
            if paras and paras[0].runs:
                paras[0].runs[0].text = paras[0].runs[0].text.lstrip()
            self.doc.notes[nid] = Note(nid, paras, "footnote" if kind == "fn" else "endnote")
        self.where = saved

    def read(self) -> Document:
        body = self.root.find(W + "body")
        if body is None:
            raise SourceError(self.path, "the Word document has no body", "import-corrupt")
        self.notes("fn")
        self.notes("en")
        self.doc.blocks = self.blocks(body)
        for p in self.doc.blocks:
            if isinstance(p, Para) and p.title:
                self.doc.title = p.text.strip()
                break
        comments = self._part_of("comments")
        if comments:
            n = sum(1 for _ in self.pkg.xml(comments).iter(W + "comment"))
            if n:
                self.doc.problems.append(Problem(self.path, 0, "import-comments",
                                                 f"the file has {n} comment(s); comments are not imported", "info"))
        self.doc.pages = max(1, self.where // 12)
        return self.doc


def read(data: bytes, path: str = "<docx>") -> Document:
    """The document model of a .docx file (raises :class:`SourceError`)."""
    return _Reader(data, path).read()
