"""PDF with a text layer -> the document model, from the characters'
positions (PDFium, through pypdfium2: BSD-3/Apache-2.0, the fastest of the
candidates measured in BENCHMARKS.md, "import").

Pure: :func:`read` takes the file's bytes.  What it does, page by page:

* characters are grouped into lines by baseline; a smaller character whose
  baseline is raised above a line's belongs to it as a superscript;
* page furniture is removed: a line that repeats at the same place on at
  least half of the pages (running header, digits ignored) or a bare page
  number in the top or bottom margin;
* ruled tables (rows separated by horizontal rules, as print styles draw
  them) become tables, cell by cell between the rules' column edges;
* note bodies: small lines below the page's text that start with a number
  (``1.``, ``1``, ``¹``); superscript digits in the text call them;
* reading order: lines, pictures and tables are read top to bottom; where a
  page has two columns (a gutter no line crosses), each band between
  full-width lines is read left column first;
* lines make paragraphs by spacing and font size; a hyphen at a line end is
  removed when the word is hyphenated nowhere else in the document (and kept
  when it is, as in ``mega-cities``);
* headings come from the PDF's outline (bookmarks) when it has one, else
  from font sizes; the title is the outline's top entry or the largest text
  on page 1;
* pictures are extracted: JPEG streams as they are, other images decoded to
  PNG pixels.

A PDF with no text layer (a scan) raises :class:`SourceError` "needs OCR
first"; an encrypted one that needs a password raises too.
"""

from __future__ import annotations

import ctypes
import re
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field

from cityvoices.importers.model import Document, Image, Note, Para, Run, SourceError, Table, Cell
from cityvoices.problems import Problem

SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FROM_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
RE_NOTE_LABEL = re.compile(r"^(?:(?P<n>\d{1,3})[.)]?\s+|(?P<s>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s*)(?=\S)")
RE_PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*[-–—])?$|^\d{1,4}\s*/\s*\d{1,4}$", re.I)
HYPHENS = "-\u00ad\u2010"
TERMINAL = tuple('.!?。…"”’\':;)]')


@dataclass
class Char:
    u: str
    size: float
    x: float
    y: float
    right: float
    bold: bool
    sup: bool = False


@dataclass
class Line:
    chars: list[Char]
    page: int
    y: float = 0.0
    size: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    bold: bool = False
    kind: str = "text"  # text | note

    def finish(self) -> "Line":
        body = [c for c in self.chars if not c.sup and c.u != " "] or self.chars
        self.size = Counter([c.size for c in body]).most_common(1)[0][0]
        self.y = Counter([c.y for c in body]).most_common(1)[0][0]
        self.x0 = min(c.x for c in self.chars)
        self.x1 = max(c.right for c in self.chars)
        self.bold = sum(c.bold for c in body) * 2 > len(body)
        return self

    @property
    def text(self) -> str:
        return "".join(c.u for c in self.chars).strip()


@dataclass
class Item:
    """Something in a page's reading flow: a line, a picture or a table."""

    top: float
    bottom: float
    x0: float
    x1: float
    line: Line | None = None
    image: Image | None = None
    table: Table | None = None


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)


# --------------------------------------------------------------------------
# Opening and low-level extraction


def _open(data: bytes, path: str):
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a missing pin
        raise SourceError(path, "reading PDF needs pypdfium2 (bash scripts/setup.sh installs it)", "import-setup")
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise SourceError(path, "not a PDF: no %PDF header", "import-format")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise SourceError(path, "the PDF is encrypted and needs a password to open; save an unprotected "
                                    "copy (print to PDF from a reader that has the password) and import that",
                              "import-encrypted") from None
        raise SourceError(path, f"not a readable PDF: the file is damaged or truncated ({exc})",
                          "import-corrupt") from None


def _chars(textpage, raw) -> list[Char]:
    """Every character with its font size, baseline origin, right edge and
    weight.  PDFium calls are the cost here: the text comes in one call, each
    character costs two (origin, size), the weight is asked again only when
    the size changes, and the right edge is the next glyph's origin on the
    same line (or an estimate from the size)."""
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return []
    buf = ctypes.create_string_buffer((n + 1) * 2)
    got = raw.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: max(0, got - 1) * 2].decode("utf-16-le", errors="replace")
    if len(text) != n:  # characters outside the BMP: fall back to one call each
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, k)) for k in range(n))
    x, y = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.byref(x), ctypes.byref(y)
    get_origin, get_size, get_weight = raw.FPDFText_GetCharOrigin, raw.FPDFText_GetFontSize, raw.FPDFText_GetFontWeight
    out: list[Char] = []
    index: list[int] = []  # PDFium's index of each character kept
    last_size, bold = -1.0, False
    for k, u in enumerate(text):
        if u in "\r\n\ufeff\x00":
            continue
        if u == " " or u == "\xa0":
            if out:
                get_origin(textpage, k, px, py)
                prev = out[-1]
                out.append(Char(" ", prev.size, x.value, prev.y, x.value, prev.bold))
                index.append(k)
            continue
        if u in "\x02\ufffe":
            u = "-"  # PDFium's hyphen at a line end (0x02 one by one, U+FFFE in the page text)
        get_origin(textpage, k, px, py)
        size = round(get_size(textpage, k), 1)
        if size != last_size:
            bold, last_size = get_weight(textpage, k) >= 600, size
        out.append(Char(u, size, x.value, round(y.value, 1), x.value, bold))
        index.append(k)
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    pl, pr, pb, pt = ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top)
    get_box = raw.FPDFText_GetCharBox
    for i, c in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else None
        if nxt is not None and nxt.u != " " and abs(nxt.y - c.y) < 0.6 and 0 <= nxt.x - c.x <= c.size * 0.45:
            c.right = nxt.x  # glyphs this close touch: no gap between them
        elif c.u != " ":
            get_box(textpage, index[i], pl, pr, pb, pt)
            c.right = max(right.value, c.x)
    return out


def _png(width: int, height: int, channels: int, rows: list[bytes]) -> bytes:
    color = {1: 0, 3: 2, 4: 6}[channels]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _image_bytes(obj) -> tuple[bytes, str]:
    """The picture as a file: a JPEG stream unchanged, anything else as PNG."""
    filters = obj.get_filters()
    if filters == ["DCTDecode"]:
        return bytes(obj.get_data(decode_simple=False)), "jpg"
    bitmap = obj.get_bitmap(render=False)
    w, h, stride, n = bitmap.width, bitmap.height, bitmap.stride, bitmap.n_channels
    buf = bytes(bitmap.buffer)
    rows = []
    for r in range(h):
        row = buf[r * stride: r * stride + w * n]
        if n >= 3:  # PDFium's BGR(x/A) -> RGB(A)
            arr = bytearray(row)
            arr[0::n], arr[2::n] = row[2::n], row[0::n]
            if n == 4 and bitmap.format == 3:  # BGRx: no alpha
                arr = bytearray(b for i, b in enumerate(arr) if i % 4 != 3)
            row = bytes(arr)
        rows.append(row)
    channels = 3 if (n == 4 and bitmap.format == 3) else n
    return _png(w, h, channels, rows), "png"


# --------------------------------------------------------------------------
# Lines


def _lines(chars: list[Char], page: int) -> list[Line]:
    """Characters grouped by baseline; superscripts joined to their line."""
    rows: dict[int, list[Char]] = {}
    for c in chars:
        b = round(c.y * 2)  # half-point buckets; a neighbour bucket is the same baseline
        key = b if b in rows else (b - 1 if b - 1 in rows else (b + 1 if b + 1 in rows else b))
        rows.setdefault(key, []).append(c)
    lines = [Line(sorted(cs, key=lambda c: c.x), page).finish() for cs in rows.values() if cs]
    # a row of small characters raised a little above a bigger one: superscripts
    big = [ln for ln in lines if ln.text]
    keep: list[Line] = []
    for ln in big:
        host = None
        for other in big:
            if other is ln or other.size < ln.size * 1.25:
                continue
            if 0 < ln.y - other.y <= other.size * 0.6 and ln.x0 >= other.x0 - 2 and ln.x1 <= other.x1 + other.size * 3:
                host = other
                break
        if host is None:
            keep.append(ln)
            continue
        for c in ln.chars:
            c.sup = True
        host.chars = sorted(host.chars + ln.chars, key=lambda c: c.x)
        host.finish()
    return sorted(keep, key=lambda ln: (-ln.y, ln.x0))


def _split(line: Line, gap: float = 2.0) -> list[Line]:
    """A line cut where characters are more than ``gap`` ems apart (two
    columns, a two-column list) into separate lines."""
    parts: list[list[Char]] = [[]]
    prev = None
    for c in line.chars:
        if prev is not None and c.u != " " and c.x - prev.right > gap * line.size:
            parts.append([])
        if c.u != " " or parts[-1]:
            parts[-1].append(c)
        if c.u != " ":
            prev = c
    if len(parts) == 1 and parts[0] and len(parts[0]) == len(line.chars):
        return [line]  # nothing to cut: the line as it is
    return [Line(p, line.page).finish() for p in parts if any(c.u != " " for c in p)]


def _text(chars: list[Char]) -> list[Run]:
    """Runs of a line: text (spaces put back where glyphs are apart) and
    superscript digits, marked with ``note="?N"`` for the caller to resolve."""
    runs: list[Run] = []
    prev = None
    buf: list[str] = []
    for c in chars:
        if c.sup and c.u.isdigit():
            if buf:
                runs.append(Run("".join(buf)))
                buf = []
            if runs and runs[-1].note and prev is not None and prev.sup:
                runs[-1].note += c.u
            else:
                runs.append(Run(note="?" + c.u))
            prev = c
            continue
        after_note = not buf and runs and runs[-1].note
        if prev is not None and c.u != " " and (buf and buf[-1] != " " or after_note) \
                and c.x - prev.right > 0.22 * c.size:
            buf.append(" ")
        if c.u == " " and (buf[-1:] == [" "] or not buf and not after_note):
            continue
        buf.append(c.u)
        prev = c
    if buf:
        runs.append(Run("".join(buf)))
    return runs


# --------------------------------------------------------------------------
# Pages


def _furniture(pages: list[Page]) -> tuple[set[int], list[str]]:
    """ids of lines that are running headers/footers or page numbers."""
    drop: set[int] = set()
    seen: Counter = Counter()
    keys: dict[int, tuple] = {}
    for page in pages:
        for ln in page.lines:
            margin = ln.y > page.height * 0.88 or ln.y < page.height * 0.10
            if not margin:
                continue
            if RE_PAGE_NUMBER.match(ln.text):
                drop.add(id(ln))
                continue
            key = (round(ln.y / 3), re.sub(r"\d+", "#", ln.text))
            keys[id(ln)] = key
            seen[key] += 1
    threshold = max(2, len(pages) // 2)
    repeated = {k for k, n in seen.items() if n >= threshold}
    texts = []
    for page in pages:
        for ln in page.lines:
            if keys.get(id(ln)) in repeated:
                drop.add(id(ln))
    for k in repeated:
        texts.append(k[1])
    return drop, texts


def _rules(page_obj, raw) -> list[tuple[float, float, float]]:
    """Horizontal rules (thin filled paths): ``(y, x0, x1)``."""
    out = []
    for obj in page_obj.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:  # noqa: BLE001 - a path PDFium cannot measure is no rule
            continue
        if y1 - y0 <= 2.0 and x1 - x0 >= 8:
            out.append(((y0 + y1) / 2, x0, x1))
    return out


def _tables(page: Page, rules: list[tuple[float, float, float]]) -> None:
    """Turn the lines between stacked rules into tables (in ``page.items``)."""
    if len(rules) < 2:
        return
    rows: dict[float, list[tuple[float, float]]] = {}
    for y, x0, x1 in sorted(rules, key=lambda r: -r[0]):
        key = next((k for k in rows if abs(k - y) <= 0.8), round(y, 1))
        rows.setdefault(key, []).append((x0, x1))
    ys = sorted(rows, reverse=True)
    groups: list[list[float]] = []
    for y in ys:
        ext = (min(a for a, _ in rows[y]), max(b for _, b in rows[y]))
        if groups:
            last = groups[-1][-1]
            lext = (min(a for a, _ in rows[last]), max(b for _, b in rows[last]))
            if abs(ext[0] - lext[0]) <= 3 and abs(ext[1] - lext[1]) <= 3 and last - y <= 80:
                groups[-1].append(y)
                continue
        groups.append([y])
    for g in groups:
        if len(g) < 2:
            continue
        x0 = min(a for y in g for a, _ in rows[y])
        x1 = max(b for y in g for _, b in rows[y])
        edges = sorted({round(a) for y in g for a, _ in rows[y]})
        cols: list[float] = []
        for e in edges:
            if not cols or e - cols[-1] > 4:
                cols.append(e)
        pitch = min(a - b for a, b in zip(g, g[1:]))
        bounds = [g[0] + pitch * 1.05] + g  # the header row sits above the first rule
        # the header row's top: the nearest line above the first rule that is not in the table's font
        table = Table(where=page.number)
        claimed: set[int] = set()
        for top, bottom in zip(bounds, bounds[1:]):
            inside = [ln for ln in page.lines if bottom < ln.y < top and ln.x0 >= x0 - 2 and ln.x1 <= x1 + 2]
            if top == bounds[0]:
                # only the lines right above the first rule, in the table's size
                sizes = {round(ln.size) for ln in page.lines if g[-1] < ln.y < g[0]}
                inside = [ln for ln in inside if round(ln.size) in sizes]
            if not inside:
                continue
            texts = [[] for _ in cols]
            for ln in inside:
                claimed.add(id(ln))
                for c in ln.chars:
                    k = max(i for i, e in enumerate(cols) if c.x >= e - 1.5) if c.x >= cols[0] - 1.5 else 0
                    texts[k].append(c)
            cells = []
            for cs in texts:
                cs.sort(key=lambda c: (-round(c.y), c.x))
                cells.append(Cell([Para(_text(cs), page.number)] if cs else []))
            table.rows.append(cells)
        if len(table.rows) >= 2:
            page.lines = [ln for ln in page.lines if id(ln) not in claimed]
            page.items.append(Item(bounds[0], g[-1], x0, x1, table=table))


def _notes_area(page: Page, body_size: float) -> None:
    """Small lines under the page's text that start with a number: note bodies."""
    body = [ln for ln in page.lines if ln.size >= body_size * 0.92]
    floor = min((ln.y for ln in body), default=page.height)
    small = [ln for ln in page.lines if ln.y < floor and ln.size <= body_size * 0.9]
    small.sort(key=lambda ln: -ln.y)
    started = False
    for ln in small:
        if RE_NOTE_LABEL.match(ln.text) or (ln.chars and ln.chars[0].sup and ln.chars[0].u.isdigit()):
            started = True
        if started:
            ln.kind = "note"
            page.notes.append(ln)
    page.lines = [ln for ln in page.lines if ln.kind != "note"]


def _reading_order(page: Page, right_edges: dict[int, float]) -> list[Item]:
    items = page.items + [Item(ln.y + ln.size, ln.y, ln.x0, ln.x1, line=ln) for ln in page.lines]
    items.sort(key=lambda it: (-it.top, it.x0))
    texts = [it for it in items if it.line is not None]
    if len(texts) < 4:
        return items
    w = page.width
    best, gutter = None, w / 2
    for step in range(int(w * 0.3), int(w * 0.7), 3):
        crossing = sum(1 for it in texts if it.x0 < step - 2 < step + 2 < it.x1)
        key = (crossing, abs(step - w / 2))
        if best is None or key < best:
            best, gutter = key, step
    full = [it.x1 for it in texts if it.x0 < gutter - 2 and it.x1 > gutter + 2]
    sides = {"full": max(full, default=max(it.x1 for it in texts)),
             "left": max((it.x1 for it in texts if it.x1 <= gutter + 2), default=gutter),
             "right": max((it.x1 for it in texts if it.x0 >= gutter - 2), default=w)}
    two = any(it.x0 >= gutter - 2 for it in texts) and any(it.x1 <= gutter + 2 for it in texts) and not full
    for it in texts:
        side = "full" if not two or (it.x0 < gutter - 2 and it.x1 > gutter + 2) else \
            ("left" if it.x1 <= gutter + 2 else "right")
        right_edges[id(it.line)] = sides[side] if side != "full" or full else sides["full"]
    out: list[Item] = []
    band: list[Item] = []

    def flush():
        left = [it for it in band if (it.x0 + it.x1) / 2 < gutter]
        right = [it for it in band if (it.x0 + it.x1) / 2 >= gutter]
        out.extend(left + right)
        band.clear()

    for it in items:
        if it.x0 < gutter - 2 and it.x1 > gutter + 2:
            flush()
            out.append(it)
        else:
            band.append(it)
    flush()
    return out


# --------------------------------------------------------------------------
# Paragraphs


def _join_lines(a: str, b: str) -> str:
    if not a:
        return b
    if a[-1] in HYPHENS and len(a) > 1 and a[-2].isalpha() and b[:1].islower():
        return a[:-1] + "\x00" + b  # decided later, with the whole document's words
    return a + " " + b


def _dehyphenate(doc: Document) -> list[str]:
    words: Counter = Counter()
    texts = [r.text for p in doc.paragraphs() for r in p.runs if r.text]
    texts += [r.text for n in doc.notes.values() for p in n.paras for r in p.runs if r.text]
    for t in texts:
        for w in re.findall(r"[\w-]+", t.replace("\x00", "\x01")):
            if "\x01" not in w:
                words[w.lower()] += 1
    undone: list[str] = []

    def fix(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        if words[f"{left}-{right}".lower()] and not words[(left + right).lower()]:
            return f"{left}-{right}"
        undone.append(f"{left}-{right}")
        return left + right

    def walk(paras):
        for p in paras:
            for r in p.runs:
                if "\x00" in r.text:
                    r.text = re.sub(r"(\w*)\x00(\w*)", fix, r.text).replace("\x00", "-")

    walk(doc.paragraphs())
    for n in doc.notes.values():
        walk(n.paras)
    return undone


class _Builder:
    def __init__(self, path: str, body_size: float, outline: dict[str, int], title_size: float):
        self.path = path
        self.body = body_size
        self.outline = outline
        self.title_size = title_size
        self.blocks: list = []
        self.cur: Para | None = None
        self.cur_line: Line | None = None
        self.pitch: dict[float, float] = {}
        self.right: dict[int, float] = {}  # line id -> right edge of its column

    def close(self) -> None:
        if self.cur is not None and self.cur.text.strip():
            text = " ".join(self.cur.text.split())
            level = self.outline.get(text)
            if level is not None:
                self.cur.title, self.cur.heading = level == 0, level
            self.blocks.append(self.cur)
        self.cur = None
        self.cur_line = None

    def fits(self, prev: Line, ln: Line) -> bool:
        """Would the first word of ``ln`` have fitted at the end of ``prev``?
        Then the typesetter did not break there: ``prev`` ended its paragraph."""
        right = self.right.get(id(prev))
        if right is None:
            return False
        seen = False
        end = ln.x1
        for c in ln.chars:
            if c.u != " ":
                seen = True
            elif seen:
                end = c.x
                break
        return (end - ln.x0) + prev.size * 0.5 < right - prev.x1

    def short(self, ln: Line) -> bool:
        right = self.right.get(id(ln))
        return right is not None and ln.x1 < right - max(4 * ln.size, 0.12 * (right - ln.x0))

    def add_line(self, ln: Line, prev_page_break: bool) -> None:
        runs = _text(ln.chars)
        p = self.cur_line
        same = (p is not None and not prev_page_break and abs(p.size - ln.size) < 0.3
                and 0 < p.y - ln.y <= ln.size * 2.0 and abs(p.bold - ln.bold) == 0)
        if same:
            # a new paragraph when the gap is clearly bigger than this paragraph's line pitch
            gap = p.y - ln.y
            pitch = self.pitch.get(round(ln.size, 1))
            if pitch and gap > pitch * 1.3:
                same = False
            elif not pitch:
                self.pitch[round(ln.size, 1)] = gap
        if same and p is not None and self.short(p) and (p.text.endswith(TERMINAL) or self.short(ln)
                                                          or self.fits(p, ln)):
            same = False  # a line that stops short of the column ends its paragraph
        if same and self.cur is not None:
            last = self.cur.runs[-1] if self.cur.runs else None
            if last is not None and not last.note and runs and not runs[0].note:
                joined = _join_lines(last.text, runs[0].text)
                last.text = joined
                self.cur.runs.extend(runs[1:])
            else:
                if runs and not runs[0].note and last is not None:
                    runs[0].text = " " + runs[0].text
                self.cur.runs.extend(runs)
        else:
            self.close()
            self.cur = Para(runs, ln.page)
            self.cur.style = f"{ln.size:.1f}pt"
            self.cur.lines, self.cur.bold = 0, ln.bold
            if not self.outline and ln.size > self.body * 1.05:
                self.cur.title = ln.size >= self.title_size and ln.page == 1
                self.cur.heading = 0 if self.cur.title else 1
        if self.cur is not None:
            self.cur.lines += 1
        self.cur_line = ln


def _lists(blocks: list, builder: "_Builder") -> list:
    """Three or more one-line paragraphs in a row, short and without final
    punctuation, in the same font: the items of a list (a box of figures, a
    list set without bullets)."""
    def item(b) -> bool:
        return (isinstance(b, Para) and not b.heading and not b.title and b.lines == 1
                and len(b.text) < 80 and not b.text.rstrip().endswith(TERMINAL))

    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and item(blocks[j]) and blocks[j].style == blocks[i].style \
                and blocks[j].bold == blocks[i].bold:
            j += 1
        if j - i >= 3:
            for b in blocks[i:j]:
                b.list = "bullet"
            i = j
        else:
            i += 1
    return blocks


def _outline(pdf) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for item in pdf.get_toc():
            title = " ".join((item.get_title() or "").split())
            if title and title not in out:
                out[title] = item.level
    except Exception:  # noqa: BLE001 - a broken outline is only a missing hint
        return {}
    return out


def read(data: bytes, path: str = "<pdf>") -> Document:
    """The document model of a PDF with a text layer (raises :class:`SourceError`)."""
    import pypdfium2.raw as raw

    pdf = _open(data, path)
    doc = Document(path, "pdf")
    pages: list[Page] = []
    images_seen = 0
    try:
        for i in range(len(pdf)):
            page_obj = pdf[i]
            w, h = page_obj.get_size()
            tp = page_obj.get_textpage()
            page = Page(i + 1, w, h)
            page.lines = [part for ln in _lines(_chars(tp.raw, raw), i + 1) for part in _split(ln)]
            for obj in page_obj.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
                try:
                    x0, y0, x1, y1 = obj.get_bounds()
                    blob, ext = _image_bytes(obj)
                except Exception as exc:  # noqa: BLE001 - one unreadable picture is reported, not fatal
                    doc.problems.append(Problem(path, i + 1, "import-image-unreadable",
                                                f"page {i + 1}: a picture could not be extracted ({exc})", "warning"))
                    continue
                images_seen += 1
                img = Image(blob, ext, f"page{i + 1:03d}-{images_seen:02d}.{ext}", "", i + 1)
                page.items.append(Item(y1, y0, x0, x1, image=img))
            rules = _rules(page_obj, raw)
            page.rules = rules  # type: ignore[attr-defined]
            pages.append(page)
            tp.close()
            page_obj.close()
        outline = _outline(pdf)
    finally:
        pdf.close()
    doc.pages = len(pages)
    if not any(ln.text for p in pages for ln in p.lines):
        raise SourceError(path, f"the PDF has no text layer ({len(pages)} page(s) of pictures: a scan); "
                                "it needs OCR first (for example ocrmypdf), then import the OCR'd PDF",
                          "import-needs-ocr")
    drop, furniture = _furniture(pages)
    for page in pages:
        page.lines = [ln for ln in page.lines if id(ln) not in drop]
    if furniture:
        doc.problems.append(Problem(path, 0, "import-furniture",
                                    "removed page furniture repeated on most pages: "
                                    + "; ".join(f"'{t}'" for t in sorted(furniture)), "info"))
    sizes: Counter = Counter()
    for page in pages:
        for ln in page.lines:
            sizes[round(ln.size, 1)] += len(ln.chars)
    body_size = sizes.most_common(1)[0][0]
    first = [ln for ln in pages[0].lines]
    title_size = max((ln.size for ln in first), default=body_size)
    builder = _Builder(path, body_size, outline, title_size)
    note_lines: list[Line] = []
    for page in pages:
        _tables(page, page.rules)  # type: ignore[attr-defined]
        _notes_area(page, body_size)
        note_lines.extend(page.notes)
        first_item = True
        for it in _reading_order(page, builder.right):
            if it.line is not None:
                builder.add_line(it.line, first_item)
            else:
                builder.close()
                builder.blocks.append(it.image if it.image is not None else it.table)
            first_item = False
        builder.close()
    doc.blocks = _lists(builder.blocks, builder)
    # note bodies
    notes_by_label: dict[tuple[int, str], str] = {}
    cur: Note | None = None
    for ln in note_lines:
        text = ln.text
        m = RE_NOTE_LABEL.match(text)
        runs = _text(ln.chars)
        if m:
            label = (m.group("n") or m.group("s").translate(FROM_SUPER))
            nid = f"p{ln.page}-{label}"
            cur = Note(nid, [Para([], ln.page)], "footnote", ln.page, label)
            doc.notes[nid] = cur
            notes_by_label[(ln.page, label)] = nid
            # drop the label from the first run
            if runs and runs[0].note:
                runs = runs[1:]
            elif runs:
                runs[0].text = runs[0].text[m.end():] if runs[0].text.startswith(m.group(0)) else \
                    RE_NOTE_LABEL.sub("", runs[0].text.lstrip(), count=1)
            cur.paras[0].runs = [r if not r.note else Run(r.note[1:].translate(SUPER)) for r in runs]
        elif cur is not None:
            last = cur.paras[0].runs[-1] if cur.paras[0].runs else None
            plain = [r if not r.note else Run(r.note[1:].translate(SUPER)) for r in runs]
            if last is not None and plain:
                last.text = _join_lines(last.text, plain[0].text)
                cur.paras[0].runs.extend(plain[1:])
            else:
                cur.paras[0].runs.extend(plain)
    # note calls
    for para in doc.paragraphs():
        for r in para.runs:
            if r.note and r.note.startswith("?"):
                label = r.note[1:]
                nid = None
                for pg in range(para.where, para.where + 3):
                    nid = notes_by_label.get((pg, label))
                    if nid:
                        break
                if nid:
                    r.note = nid
                else:  # a superscript number with no body on the page: leave it to the normalizer
                    r.note, r.text = None, label.translate(SUPER)
    # headings and title
    for para in doc.paragraphs():
        if para.title and doc.title is None:
            doc.title = " ".join(para.text.split())
    undone = _dehyphenate(doc)
    if undone:
        doc.problems.append(Problem(path, 0, "import-hyphen",
                                    f"undid {len(undone)} hyphenation(s) at line ends: " + ", ".join(undone), "info"))
    return doc
