"""The one document model every importer produces.

A reader (``docx``, ``hwpx``, ``pdf``) turns the bytes of one source file
into a :class:`Document`: a list of blocks (paragraphs, images, tables) and
the bodies of the notes they call.  Nothing here knows a file format or the
house Markdown; :mod:`cityvoices.importers.layouts` and
:mod:`cityvoices.importers.emit` work on this model only.

``where`` numbers are what an editor can find again in the source: the
paragraph number of a Word or 한글 file (1-based, body paragraphs and table
cell paragraphs counted in reading order) or the page number of a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from cityvoices.problems import Problem


@dataclass
class Run:
    """A piece of a paragraph: text, or a note call (``note`` set, ``text`` empty)."""

    text: str = ""
    note: str | None = None
    bold: bool = False
    italic: bool = False
    link: str | None = None


@dataclass
class Para:
    """A paragraph.  ``heading`` 1..6 is the source's outline level (Word's
    Heading 1 is 1); ``list`` is ``"bullet"``/``"number"`` for list items;
    ``caption`` is set when the source's style says it is a caption."""

    runs: list[Run] = field(default_factory=list)
    where: int = 0
    style: str = ""
    heading: int = 0
    list: str = ""
    level: int = 0
    caption: bool = False
    title: bool = False
    lines: int = 0  # PDF: lines the paragraph was set in
    bold: bool = False  # PDF: set in a bold face

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def notes(self) -> list[str]:
        return [r.note for r in self.runs if r.note]


@dataclass
class Image:
    """An embedded picture: ``data`` is its bytes as stored in the source;
    ``name`` is stable within the source (the part or object name)."""

    data: bytes
    ext: str
    name: str
    alt: str = ""
    where: int = 0
    caption: Para | None = None  # a caption the format ties to the picture (HWPX)


@dataclass
class Cell:
    blocks: list["Block"] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1
    merged: bool = False  # covered by the cell above or to the left

    @property
    def paras(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras)


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)
    where: int = 0
    caption: Para | None = None

    @property
    def width(self) -> int:
        return max((sum(c.colspan for c in r) for r in self.rows), default=0)


Block = Union[Para, Image, Table]


@dataclass
class Note:
    """A footnote or endnote body, called from the run whose ``note`` is ``id``."""

    id: str
    paras: list[Para] = field(default_factory=list)
    kind: str = "footnote"  # footnote | endnote
    where: int = 0
    label: str = ""  # what the source prints (a PDF's "3.")

    @property
    def text(self) -> str:
        return " ".join(p.text.strip() for p in self.paras if p.text.strip())


@dataclass
class Document:
    """One source file, read."""

    path: str
    format: str  # docx | hwpx | pdf | text
    blocks: list[Block] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)
    title: str | None = None
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)

    def walk(self):
        """Every block, table cells included, in reading order."""
        def rec(blocks):
            for b in blocks:
                yield b
                if isinstance(b, Table):
                    for row in b.rows:
                        for cell in row:
                            yield from rec(cell.blocks)
        yield from rec(self.blocks)

    def paragraphs(self) -> list[Para]:
        return [b for b in self.walk() if isinstance(b, Para)]

    def images(self) -> list[Image]:
        return [b for b in self.walk() if isinstance(b, Image)]

    def has_text(self) -> bool:
        return any(p.text.strip() for p in self.paragraphs()) or any(n.text for n in self.notes.values())


def paragraph_blocks(proto: Para, segments: list) -> list:
    """A source paragraph's runs as blocks: a paragraph (with ``proto``'s
    style) split where a picture, table or text-box paragraph stands in it;
    empty pieces are left out."""
    out: list = []
    cur: list[Run] = []

    def flush() -> None:
        if any(r.note or r.text.strip() for r in cur):
            out.append(Para(list(cur), proto.where, proto.style, proto.heading, proto.list, proto.level,
                            proto.caption, proto.title))
        cur.clear()

    for seg in segments:
        if isinstance(seg, Run):
            cur.append(seg)
        else:
            flush()
            out.append(seg)
    flush()
    return out


class SourceError(Exception):
    """A source that cannot be read at all; carries the :class:`Problem`."""

    def __init__(self, path: str, message: str, code: str, line: int = 0):
        self.problem = Problem(path, line, code, message, "error")
        super().__init__(self.problem.format())
