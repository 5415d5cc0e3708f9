"""한글 HWPX (OWPML: zipped XML) -> the document model, read with lxml.

Pure: :func:`read` takes the file's bytes.  The mapping is the .docx one:

* sections in the manifest's spine order (``Contents/content.hpf``), else
  ``Contents/section0.xml``, ``section1.xml`` …;
* paragraph styles from ``Contents/header.xml``: 개요 N / Outline N is a
  heading, 제목 / Title the title, 캡션 / Caption a caption; a paragraph
  shape with a bullet or number heading makes a list item;
* footnotes and endnotes (``hp:footNote``/``hp:endNote``) become note calls
  at their place with their bodies (the note's own number, ``hp:autoNum``,
  is left out);
* pictures (``hp:pic`` → ``hc:img`` → the manifest's ``BinData/`` item) with
  their bytes, alt text (``hp:shapeComment``) and caption;
* tables with ``hp:cellAddr``/``hp:cellSpan`` as spans and covered cells;
  text boxes (``hp:drawText``) are read where they are anchored.

:func:`read_hwp` reads the old binary ``.hwp`` by converting it to HWPX parts
with python-hwpx (Apache-2.0); an encrypted ``.hwp`` is refused.
"""

from __future__ import annotations

import posixpath
import re

from cityvoices.importers.model import (Block, Cell, Document, Image, Note, Para, Run, SourceError, Table,
                                        paragraph_blocks)
from cityvoices.importers.package import Package, ole_kind, open_package

HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
HC = "{http://www.hancom.co.kr/hwpml/2011/core}"
HH = "{http://www.hancom.co.kr/hwpml/2011/head}"
OPF = "{http://www.idpf.org/2007/opf/}"
RE_OUTLINE = re.compile(r"^(?:개요|outline)\s*(\d)$", re.I)
TEXT_CHARS = {HP + "lineBreak": " ", HP + "tab": " ", HP + "nbSpace": "\u00a0", HP + "fwSpace": " ",
              HP + "hyphen": "-"}


class _Reader:
    def __init__(self, data: bytes, path: str):
        self.path = path
        self.pkg: Package = open_package(data, path, "HWPX file")
        self.doc = Document(path, "hwpx")
        self.where = 0
        self.manifest: dict[str, str] = {}
        self.sections = self._sections()
        self.styles, self.para_lists = self._header()
        self.note_count = 0

    def _sections(self) -> list[str]:
        spine: list[str] = []
        hpf = "Contents/content.hpf"
        if self.pkg.has(hpf):
            root = self.pkg.xml(hpf)
            for item in root.iter(OPF + "item"):
                self.manifest[item.get("id", "")] = item.get("href", "").lstrip("/")
            for ref in root.iter(OPF + "itemref"):
                href = self.manifest.get(ref.get("idref", ""), "")
                if re.search(r"section\d+\.xml$", href):
                    spine.append(href)
        if not spine:
            spine = sorted((n for n in self.pkg.names if re.fullmatch(r"Contents/section\d+\.xml", n)),
                           key=lambda n: int(re.search(r"(\d+)", n).group(1)))
        if not spine:
            raise SourceError(self.path, "not an HWPX document: no Contents/section*.xml "
                                         "(is it another file renamed .hwpx?)", "import-format")
        return spine

    def _header(self) -> tuple[dict[str, dict], dict[str, str]]:
        styles: dict[str, dict] = {}
        lists: dict[str, str] = {}
        name = "Contents/header.xml"
        if not self.pkg.has(name):
            return styles, lists
        root = self.pkg.xml(name)
        for st in root.iter(HH + "style"):
            styles[st.get("id", "")] = {"name": st.get("name", ""), "eng": st.get("engName", ""),
                                        "para": st.get("paraPrIDRef", "")}
        for pp in root.iter(HH + "paraPr"):
            h = pp.find(HH + "heading")
            if h is not None and h.get("type") in ("BULLET", "NUMBER"):
                lists[pp.get("id", "")] = "bullet" if h.get("type") == "BULLET" else "number"
        return styles, lists

    def props(self, p, para: Para) -> None:
        st = self.styles.get(p.get("styleIDRef", ""), {})
        names = [st.get("name", ""), st.get("eng", "")]
        para.style = st.get("eng") or st.get("name", "")
        for name in names:
            m = RE_OUTLINE.match(name.strip())
            if m:
                para.heading = int(m.group(1))
            elif name.strip().lower() in ("제목", "title"):
                para.title = True
            elif name.strip().lower() in ("캡션", "caption"):
                para.caption = True
            elif name.strip().lower() in ("글머리표", "bullet"):
                para.list = "bullet"
        kind = self.para_lists.get(p.get("paraPrIDRef", ""))
        if kind and not para.heading:
            para.list = kind

    def note(self, el) -> Run:
        self.note_count += 1
        kind = "fn" if el.tag == HP + "footNote" else "en"
        nid = f"{kind}{self.note_count}"
        saved = self.where
        self.where = 0
        paras = []
        for sub in el.iter(HP + "subList"):
            paras = [b for b in self.blocks(sub) if isinstance(b, Para)]
            break
        self.where = saved
        if paras and paras[0].runs and not paras[0].runs[0].note:
            paras[0].runs[0].text = paras[0].runs[0].text.lstrip()
        self.doc.notes[nid] = Note(nid, paras, "footnote" if kind == "fn" else "endnote")
        return Run(note=nid)

    def picture(self, pic) -> tuple[Image | None, list[Block]]:
        img_el = pic.find(f".//{HC}img")
        alt_el = pic.find(HP + "shapeComment")
        alt = (alt_el.text or "").strip() if alt_el is not None else ""
        caption = None
        cap = pic.find(HP + "caption")
        if cap is not None:
            sub = cap.find(HP + "subList")
            paras = [b for b in self.blocks(sub)] if sub is not None else []
            caption = next((b for b in paras if isinstance(b, Para)), None)
            if caption is not None:
                caption.caption = True
        if img_el is None:
            return None, []
        ref = img_el.get("binaryItemIDRef", "")
        href = self.manifest.get(ref) or next((n for n in self.pkg.names if n.startswith(f"BinData/{ref}.")), "")
        if not href or not self.pkg.has(href):
            from cityvoices.problems import Problem
            self.doc.problems.append(Problem(self.path, self.where, "import-image-missing",
                                             f"picture {ref} is not in the file (linked, not embedded?)", "warning"))
            return None, []
        name = posixpath.basename(href)
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
        image = Image(self.pkg.read(href), ext, name, alt, self.where, caption)
        return image, []

    def table(self, tbl) -> Table:
        table = Table(where=self.where + 1)
        cells: dict[tuple[int, int], Cell] = {}
        nrows = ncols = 0
        for r_index, tr in enumerate(tbl.findall(HP + "tr")):
            for c_index, tc in enumerate(tr.findall(HP + "tc")):
                addr, span = tc.find(HP + "cellAddr"), tc.find(HP + "cellSpan")
                row = int(addr.get("rowAddr", r_index)) if addr is not None else r_index
                col = int(addr.get("colAddr", c_index)) if addr is not None else c_index
                cs = int(span.get("colSpan", "1")) if span is not None else 1
                rs = int(span.get("rowSpan", "1")) if span is not None else 1
                sub = tc.find(HP + "subList")
                blocks = self.blocks(sub) if sub is not None else []
                cells[(row, col)] = Cell(blocks, cs, rs)
                for dr in range(rs):
                    for dc in range(cs):
                        if dr or dc:
                            cells.setdefault((row + dr, col + dc), Cell([], 1, 1, merged=True))
                nrows, ncols = max(nrows, row + rs), max(ncols, col + cs)
        for r in range(nrows):
            row_cells = []
            c = 0
            while c < ncols:
                cell = cells.get((r, c), Cell([]))
                row_cells.append(cell)
                c += cell.colspan if not cell.merged else 1
            table.rows.append(row_cells)
        return table

    def paragraph(self, p) -> list[Block]:
        self.where += 1
        proto = Para(where=self.where)
        self.props(p, proto)
        segments: list = []
        for run in p.iter(HP + "run"):
            if run.getparent() is not p:
                continue
            for child in run:
                tag = child.tag
                if tag == HP + "t":
                    text = child.text or ""
                    for sub in child:
                        text += TEXT_CHARS.get(sub.tag, "") + (sub.tail or "")
                    if text:
                        segments.append(Run(text))
                elif tag == HP + "ctrl":
                    for c in child:
                        if c.tag in (HP + "footNote", HP + "endNote"):
                            segments.append(self.note(c))
                elif tag == HP + "tbl":
                    segments.append(self.table(child))
                elif tag in (HP + "pic", HP + "container"):
                    pics = [child] if tag == HP + "pic" else list(child.iter(HP + "pic"))
                    for pic in pics:
                        img, _ = self.picture(pic)
                        if img is not None:
                            segments.append(img)
                elif tag in (HP + "rect", HP + "ellipse", HP + "polygon", HP + "curve"):
                    for dt in child.iter(HP + "drawText"):
                        sub = dt.find(HP + "subList")
                        if sub is not None:
                            segments.extend(self.blocks(sub))
        out: list[Block] = []
        for block in paragraph_blocks(proto, segments):
            out.append(block)
            if isinstance(block, Image) and block.caption is not None:
                out.append(block.caption)  # a caption paragraph after its picture, as in .docx
                block.caption = None
        return out

    def blocks(self, parent) -> list[Block]:
        out: list[Block] = []
        for child in parent:
            if child.tag == HP + "p":
                out.extend(self.paragraph(child))
        return out

    def read(self) -> Document:
        for name in self.sections:
            self.doc.blocks.extend(self.blocks(self.pkg.xml(name)))
        for b in self.doc.blocks:
            if isinstance(b, Para) and b.title:
                self.doc.title = b.text.strip()
                break
        self.doc.pages = max(1, self.where // 12)
        return self.doc


def read(data: bytes, path: str = "<hwpx>") -> Document:
    """The document model of an HWPX file (raises :class:`SourceError`)."""
    return _Reader(data, path).read()


def read_hwp(data: bytes, path: str = "<hwp>") -> Document:
    """The document model of a binary 한글 ``.hwp`` (HWP 5.0), converted to
    HWPX parts by python-hwpx first."""
    kind = ole_kind(data)
    if kind != "hwp":
        if data[:4] == b"PK\x03\x04":
            raise SourceError(path, "this .hwp is an HWPX (zip) file; rename it to .hwpx", "import-format")
        raise SourceError(path, "not a 한글 .hwp file (no HWP 5.0 header); save it as HWPX or DOCX in 한글",
                          "import-format")
    try:
        from hwpx.hwp5.errors import Hwp5Error
        from hwpx.hwp5.package import convert, to_hwpx_bytes
    except ImportError:
        raise SourceError(path, "binary .hwp needs python-hwpx (bash scripts/setup.sh installs it); or save the "
                                "file as HWPX or DOCX in 한글", "import-setup") from None
    try:
        converted = convert(data)
    except Hwp5Error as exc:
        text = str(exc)
        if any(w in text.lower() for w in ("password", "encrypt", "protect", "distribut")):
            raise SourceError(path, "the .hwp is password-protected (or a distribution document); open it in "
                                    "한글, remove the protection and save it as HWPX", "import-encrypted") from None
        raise SourceError(path, f"the .hwp could not be read ({text}); save it as HWPX or DOCX in 한글",
                          "import-corrupt") from None
    except Exception as exc:  # noqa: BLE001 - a converter crash on a damaged file is that file's error
        raise SourceError(path, f"the .hwp could not be read ({type(exc).__name__}: {exc}); save it as HWPX or "
                                "DOCX in 한글", "import-corrupt") from None
    doc = read(to_hwpx_bytes(converted.files), path)
    doc.format = "hwp"
    return doc
