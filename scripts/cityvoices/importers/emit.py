"""A stream in the house layout: Markdown text and the image files it names.

Pure.  ``##`` headings (a source's Heading 1 is ``##``: the page title is
the front matter's), paragraphs with ``[^label]`` note calls and ``<url>``
autolinks, ``- `` / ``1. `` list items, ``![alt](images/fig-NN.ext)``
followed by a ``/// figure-caption`` block, pipe tables (HTML tables when a
cell holds more than one paragraph, a picture or a table, or spans
columns) followed by a ``/// table-caption`` block, and the note bodies at
the end.  The result then goes through the normalizer, as every editor's
file does.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field

from cityvoices import langsplit
from cityvoices.importers.layouts import Figure, Stream
from cityvoices.importers.model import Image, Para, Run, Table

RE_URL = re.compile(r"(?<![<(\[])\b(?:https?://|www\.)[^\s<>\]]*[^\s<>\].,;:!?)'\"’”]")
RE_LEAD = re.compile(r"^(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s|=+\s*$|-{3,}\s*$|!!!|\?\?\?|/{3}|`{3}|~{3}|\$\$)")


@dataclass
class Images:
    """Image files of one publication: the same bytes get one name."""

    files: dict[str, bytes] = field(default_factory=dict)  # "images/fig-01.png" -> bytes
    by_hash: dict[str, str] = field(default_factory=dict)

    def name(self, img: Image) -> str:
        digest = hashlib.sha256(img.data).hexdigest()
        if digest not in self.by_hash:
            ext = {"jpeg": "jpg", "tif": "tiff"}.get(img.ext, img.ext)
            ext = ext if re.fullmatch(r"[a-z0-9]{1,5}", ext or "") else "bin"  # names we make, never the source's
            self.by_hash[digest] = f"images/fig-{len(self.by_hash) + 1:02d}.{ext}"
            self.files[self.by_hash[digest]] = img.data
        return self.by_hash[digest]


def _inline(runs: list[Run], labels: dict[str, str]) -> str:
    out: list[str] = []
    for r in runs:
        if r.note:
            out.append(f"[^{labels.get(r.note, r.note)}]")
            continue
        text = r.text
        if not text:
            continue
        if r.link and r.link.startswith(("http://", "https://", "mailto:")):
            label = text.strip()
            out.append(f"<{r.link}>" if label in (r.link, r.link.replace("mailto:", "")) else
                       f"[{_escape(label)}]({r.link})")
            continue
        piece = _escape(text)
        piece = RE_URL.sub(lambda m: f"<{m.group(0) if m.group(0).startswith('http') else 'http://' + m.group(0)}>",
                           piece)
        if r.bold and piece.strip():
            piece = _wrap(piece, "**")
        if r.italic and piece.strip():
            piece = _wrap(piece, "*")
        out.append(piece)
    text = "".join(out)
    text = re.sub(r"[ \t\u00a0]+", " ", text).strip()
    return "\\" + text if RE_LEAD.match(text) else text


def _wrap(piece: str, mark: str) -> str:
    lead = piece[: len(piece) - len(piece.lstrip())]
    trail = piece[len(piece.rstrip()):]
    return f"{lead}{mark}{piece.strip()}{mark}{trail}"


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    text = re.sub(r"(?<!\w)([*_])(?=\S)", r"\\\1", text)
    text = text.replace("[^", "\\[^")
    return text


def _simple(table: Table) -> bool:
    for row in table.rows:
        for cell in row:
            if cell.colspan > 1 or len(cell.blocks) > 1 or any(not isinstance(b, Para) for b in cell.blocks):
                return False
            if any(b.list or b.heading for b in cell.paras):
                return False
    return True


class _Emitter:
    def __init__(self, stream: Stream, images: Images):
        self.s = stream
        self.images = images
        self.labels = stream.labels

    def para(self, p: Para) -> str:
        return _inline(p.runs, self.labels)

    def figure(self, f: Figure) -> str:
        src = self.images.name(f.image)
        alt = f.image.alt.strip()
        if f.caption is not None and (not alt or langsplit.language_of(alt) not in (self.s.lang, "both")):
            alt = f.caption.text.strip()  # no alt text in this language: the caption says what it shows
        alt = re.sub(r"\s+", " ", alt).replace("[", "(").replace("]", ")")
        out = f"![{alt}]({src})"
        if f.caption is not None:
            out += f"\n\n/// figure-caption\n{self.para(f.caption)}\n///"
        return out

    def cell_html(self, cell) -> str:
        parts = []
        for b in cell.blocks:
            if isinstance(b, Para):
                parts.append(f"<p>{html.escape(self.para(b), quote=False)}</p>")
            elif isinstance(b, Image):
                alt = html.escape(b.alt or "", quote=True)
                parts.append(f'<img src="{self.images.name(b)}" alt="{alt}">')
            elif isinstance(b, Table):
                parts.append(self.table_html(b))
        return "".join(parts)

    def table_html(self, t: Table) -> str:
        rows = []
        for r, row in enumerate(t.rows):
            tag = "th" if r == 0 else "td"
            cells = []
            for cell in row:
                if cell.merged:
                    continue
                attrs = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + \
                        (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
                cells.append(f"<{tag}{attrs}>{self.cell_html(cell)}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return "<table>\n" + "\n".join(rows) + "\n</table>"

    def table(self, t: Table) -> str:
        if _simple(t) and t.rows:
            width = t.width
            lines = []
            for r, row in enumerate(t.rows):
                cells = ["" if c.merged else self.para(c.paras[0]).replace("|", "\\|") if c.paras else ""
                         for c in row]
                cells += [""] * (width - len(cells))
                lines.append("| " + " | ".join(cells) + " |")
                if r == 0:
                    lines.append("|" + "---|" * width)
            out = "\n".join(lines).replace("|  |", "| |")
        else:
            out = self.table_html(t)
        if t.caption is not None:
            out += f"\n\n/// table-caption\n{self.para(t.caption)}\n///"
        return out

    def body(self) -> str:
        chunks: list[str] = []
        items: list[str] = []
        for b in self.s.blocks:
            if isinstance(b, Para) and b.list:
                mark = "1." if b.list == "number" else "-"
                items.append("    " * b.level + f"{mark} {self.para(b)}")
                continue
            if items:
                chunks.append("\n".join(items))
                items = []
            if isinstance(b, Figure):
                chunks.append(self.figure(b))
            elif isinstance(b, Table):
                chunks.append(self.table(b))
            elif isinstance(b, Para):
                text = self.para(b)
                if not text:
                    continue
                if b.heading:
                    text = "#" * min(6, b.heading + 1) + " " + text.lstrip("\\")
                chunks.append(text)
        if items:
            chunks.append("\n".join(items))
        defs = []
        for nid, label in self.labels.items():  # in order of first call
            note = self.s.notes.get(nid)
            if note is None:
                continue
            paras = [self.para(p) for p in note.paras if p.text.strip() or p.notes]
            body = ("\n\n    ".join(paras)) if paras else ""
            defs.append(f"[^{label}]: {body}")
        text = "\n\n".join(chunks)
        if defs:
            sep = "\n\n" if any("\n" in d for d in defs) else "\n"
            text += "\n\n" + sep.join(defs)
        return text + "\n"


def markdown(stream: Stream, images: Images) -> str:
    """The body of one language file (no front matter)."""
    return _Emitter(stream, images).body()
