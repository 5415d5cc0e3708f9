"""Korean and English side by side: the two texts of a publication lined up
row by row, for the parallel view, the parallel-text PDF and ``cityvoices check``.

The API (pure; strings and data in, data out):

* :func:`align` ``(ko_text, en_text, *, ko_path, en_path) -> Alignment``, or
  :func:`align_structures` over two :class:`cityvoices.parallel.Structure`
  (the extraction ``cityvoices check`` makes; one implementation);
* :class:`Alignment` ``.rows``: :class:`Row` s in reading order, each with one
  :class:`Cell` per language (a run of whole top-level blocks,
  :class:`cityvoices.parallel.Block`, and its exact source text), a kind, a
  confidence between 0 and 1 and a label; ``.sections``: :class:`Section` s;
* the guarantee: nothing is dropped or reordered, so
  ``alignment.text("ko") == ko_text`` and ``alignment.text("en") == en_text``;
* :func:`hints` ``(alignment, path_lang) -> list[Problem]``: the sections whose
  paragraphs line up with low confidence, as warnings for ``cityvoices check``.

How the rows are found
----------------------

1. Front matter with front matter.
2. Sections by heading position: the headings that are not marked
   ``.cv-lang-only`` pair in order (when the two languages have as many;
   otherwise a small edit-distance alignment on their levels decides which
   heading has no partner).  A pair whose levels differ (an h2 against an
   h3) is a row of low confidence (label ``level-differs``), never a shift
   of everything after it.
3. Within a section, blocks by a dynamic programme in the style of Gale and
   Church (1993): paragraphs (and raw HTML) pair 1:1, 1:2 or 2:1 by their
   lengths, or stand alone (1:0, 0:1); figures pair only with the same image,
   tables with tables, boxes with boxes, code with code, footnote
   definitions with the same label.  A block inside ``.cv-lang-only``
   content, and a translator's note (:func:`cityvoices.syntax.is_translator_note`),
   may stand alone at little cost: it is labelled ``lang-only`` or
   ``translator-note`` and aligned against an empty cell.  Anything else
   with no partner is labelled ``unmatched`` (confidence 0).

The length model: for a pair of paragraphs, the Korean length ``l_ko``
(visible characters without white space: :func:`visible_length`) is normal
with mean ``RATIO * l_en`` and variance ``VARIANCE * l_en``; a bead's cost is
``-log P(bead type) - log P(|δ| ≥ |d|)``, ``d = (l_ko - RATIO·l) / sqrt(VARIANCE·l)``
over the mean length ``l = (l_en + l_ko / RATIO) / 2``.  Its confidence is
``P(|δ| ≥ |d|)`` (two-tailed), times ``MERGE_FACTOR`` for a 2:1 or 1:2 bead.

The parameters were measured (``cityvoices`` at issue 13, visible characters
without white space, Korean per English character):

========================================  =====  =======  ========
pairs                                       n     RATIO   VARIANCE
========================================  =====  =======  ========
seed, paired by hand (tests/fixtures/align)   26  0.501    3.06
corpus, rust-book (sections with equal        568  0.533    1.49
paragraph counts, paired in order)
corpus, fastapi (the same)                   273  0.577    1.95
pooled (used)                                867  0.538    1.74
========================================  =====  =======  ========

(With white space counted the spread is larger: pooled 0.566 / 1.81.)  The
bead priors are Gale and Church's: 1:1 0.89, 2:1 and 1:2 0.089 together,
1:0 and 0:1 0.0099 together.

Sections whose text rows line up with a length-weighted mean confidence below
:data:`LOW_SECTION` (0.2: the lowest section of the seed is at 0.39, of the
clean corpus pairs at 0.36), or that hold an ``unmatched`` or
``level-differs`` row, are reported by :func:`hints`.  On the seed the
alignment pairs all 26 English paragraphs as paired by hand
(tests/fixtures/align/seed-pairs.json).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from cityvoices import i18n, mdscan, parallel, syntax
from cityvoices.parallel import Block, Structure
from cityvoices.problems import Problem

#: Korean visible characters per English one (see the module docstring).
RATIO = 0.538
#: Variance of the Korean length per English character.
VARIANCE = 1.74
#: Prior probabilities of the bead types (Gale and Church 1993).
P_ONE = 0.89
P_MERGE = 0.089 / 2  # each of 2:1 and 1:2
P_ALONE = 0.0099 / 2  # each of 1:0 and 0:1
#: A block marked .cv-lang-only stands alone as often as not.
P_ALONE_MARKED = 0.3
#: A 2:1 or 1:2 pair is a little less sure than a 1:1 one of the same fit.
MERGE_FACTOR = 0.75
#: Confidence of a heading pair whose levels differ.
LEVEL_DIFFERS = 0.25
#: A section whose text rows line up below this mean confidence is reported.
LOW_SECTION = 0.2
#: Above this many cells a section's programme runs in a band around the diagonal.
BAND_CELLS = 40_000

TEXT_KINDS = frozenset({"paragraph", "html"})
#: Labels of rows (besides "").
LABELS = ("lang-only", "translator-note", "unmatched", "level-differs", "no-text")

INF = float("inf")

# --------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Cell:
    """One language's side of a row: blocks ``start`` .. ``stop - 1`` of its
    :class:`~cityvoices.parallel.Structure` (none: an empty cell)."""

    lang: str
    start: int
    stop: int
    line: int  # 1-based first line (0 for an empty cell)
    end: int  # 1-based last line (0 for an empty cell)
    text: str  # the exact source text of those blocks ("" for an empty cell)

    @property
    def empty(self) -> bool:
        return self.start == self.stop

    @property
    def blocks(self) -> range:
        return range(self.start, self.stop)


@dataclass(frozen=True)
class Row:
    """One aligned row: what one language says here, and the other."""

    kind: str  # front-matter | heading | text | figure | table | box | code | footnote | other
    ko: Cell
    en: Cell
    confidence: float
    label: str = ""  # one of LABELS, or ""
    section: int = 0

    def cell(self, lang: str) -> Cell:
        return self.ko if lang == "ko" else self.en

    @property
    def one_sided(self) -> str | None:
        """The language that has this row alone (``None`` when both have it)."""
        if self.ko.empty and not self.en.empty:
            return "en"
        if self.en.empty and not self.ko.empty:
            return "ko"
        return None


@dataclass(frozen=True)
class Section:
    """The rows from one paired heading to the next (section 0: before the first)."""

    index: int
    first: int  # index of its first row
    stop: int  # one past its last row
    title: str  # its heading as written (both languages), "" for section 0
    lines: dict[str, int]  # 1-based line of the heading (or first row) per language
    confidence: float  # length-weighted mean confidence of its text rows (1.0 without any)
    flagged: tuple[int, ...] = ()  # rows labelled unmatched or level-differs

    @property
    def low(self) -> bool:
        return self.confidence < LOW_SECTION or bool(self.flagged)


@dataclass
class Alignment:
    structures: dict[str, Structure]
    rows: list[Row] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def text(self, lang: str) -> str:
        """One language's text, put back together from its cells."""
        return "".join(row.cell(lang).text for row in self.rows)

    def path(self, lang: str) -> str:
        return self.structures[lang].path


# --------------------------------------------------------------------------
# Lengths

_IMAGE_RE = syntax.IMAGE_MD_RE
_ATTR_RE = re.compile(r"\{[:#.][^{}]*\}")
#: the characters Markdown marks up with: not counted (nor is white space)
_MARKUP = "*_`~#[]|>"


def visible_length(markdown: str) -> int:
    """The characters a reader sees in a Markdown block, without white
    space: link targets, images, footnote references, HTML tags, attribute
    lists and markup characters are not counted."""
    text = markdown
    if "](" in text or "![" in text:  # cheap tests first: most paragraphs have none of these
        text = _IMAGE_RE.sub("", text)
        text = syntax.LINK_TARGET_RE.sub("]", text)
    if "[^" in text:
        text = syntax.FN_REF_RE.sub("", text)
    if "<" in text:
        text = mdscan.HTML_TAG_RE.sub("", text)
    if "{" in text:
        text = _ATTR_RE.sub("", text)
    return sum(map(len, text.split())) - sum(map(text.count, _MARKUP))


def _fit(l_ko: int, l_en: int) -> float:
    """P(|δ| ≥ |d|) of a Korean length against an English one."""
    base = max((l_en + l_ko / RATIO) / 2, 1.0)
    d = (l_ko - RATIO * base) / math.sqrt(VARIANCE * base)
    return math.erfc(abs(d) / math.sqrt(2))


def _neglog(p: float) -> float:
    return -math.log(max(p, 1e-300))


_C_ONE = _neglog(P_ONE)
_C_MERGE = _neglog(P_MERGE)
_C_ALONE = _neglog(P_ALONE)
_C_ALONE_MARKED = _neglog(P_ALONE_MARKED)
#: a figure, table, box or code block standing alone costs like two lost paragraphs
_C_ANCHOR_ALONE = 2 * _C_ALONE
_C_FREE = 0.01  # a translator's note, a block with no visible text


def _text_cost(l_ko: int, l_en: int, prior_cost: float) -> float:
    return prior_cost + _neglog(_fit(l_ko, l_en))


# --------------------------------------------------------------------------
# The side of one language


class _Side:
    """One language's blocks, with their lengths computed once."""

    def __init__(self, st: Structure):
        self.st = st
        self.blocks = st.blocks
        self.text = st.text
        self._len: dict[int, int] = {}

    def length(self, i: int) -> int:
        n = self._len.get(i)
        if n is None:
            b = self.blocks[i]
            s, e = self.st.span(b.start, b.stop)
            n = self._len[i] = visible_length(self.text[s:e])
        return n

    def cell(self, start: int, stop: int) -> Cell:
        if start == stop:
            return Cell(self.st.lang, start, stop, 0, 0, "")
        first, last = self.blocks[start], self.blocks[stop - 1]
        s, e = self.st.span(first.start, last.stop)
        return Cell(self.st.lang, start, stop, first.start + 1, last.stop, self.text[s:e])

    def is_text(self, i: int) -> bool:
        return self.blocks[i].kind in TEXT_KINDS

    def alone(self, i: int) -> tuple[float, str, float]:
        """(cost, label, confidence) of block ``i`` standing alone."""
        b = self.blocks[i]
        if b.translator_note:
            return _C_FREE, "translator-note", 1.0
        if b.kind == "other" or (b.kind in TEXT_KINDS and self.length(i) == 0):
            return _C_FREE, "no-text", 1.0
        if b.optional:
            return (_C_FREE if b.kind == "heading" else _C_ALONE_MARKED), "lang-only", 1.0
        if b.kind in TEXT_KINDS:
            return _C_ALONE, "unmatched", 0.0
        if b.kind == "footnote":
            return _C_ALONE, "unmatched", 0.0
        return _C_ANCHOR_ALONE, "unmatched", 0.0


def _anchor_match(a: Block, b: Block) -> tuple[float, float, str] | None:
    """(cost, confidence, label) of two non-text blocks as one row, or None."""
    if a.kind != b.kind:
        return None
    kind = a.kind
    if kind == "figure":
        return (0.0, 1.0, "") if a.key == b.key else None
    if kind == "footnote":
        return (0.0, 1.0, "") if a.key == b.key else None
    if kind in ("table", "box"):
        return (0.0, 1.0, "") if a.key == b.key else (1.0, 0.5, "")
    if kind == "heading":
        return (0.5, 1.0, "") if a.key == b.key else (3.0, LEVEL_DIFFERS, "level-differs")
    if kind == "code":
        return 0.5, 1.0, ""
    if kind == "other":
        return 0.0, 1.0, ""
    return None


# --------------------------------------------------------------------------
# Beads within a section

@dataclass(frozen=True)
class _Bead:
    a0: int
    a1: int
    b0: int
    b1: int
    kind: str
    confidence: float
    label: str = ""


def _same_shape(a: _Side, a0: int, a1: int, b: _Side, b0: int, b1: int) -> bool:
    """Both sides have the same blocks in the same order, none marked
    language-only, every anchor with its partner: pair them 1:1."""
    if a1 - a0 != b1 - b0:
        return False
    for i, j in zip(range(a0, a1), range(b0, b1)):
        x, y = a.blocks[i], b.blocks[j]
        if x.optional or y.optional or x.translator_note or y.translator_note:
            return False
        if (x.kind in TEXT_KINDS) != (y.kind in TEXT_KINDS):
            return False
        if x.kind not in TEXT_KINDS and (x.kind != y.kind or (x.kind in ("figure", "footnote", "heading")
                                                               and x.key != y.key)):
            return False
    return True


def _section_beads(a: _Side, a0: int, a1: int, b: _Side, b0: int, b1: int) -> list[_Bead]:
    if _same_shape(a, a0, a1, b, b0, b1):
        out = []
        for i, j in zip(range(a0, a1), range(b0, b1)):
            if a.is_text(i):
                out.append(_Bead(i, i + 1, j, j + 1, "text", _fit(a.length(i), b.length(j))))
            else:
                cost_conf = _anchor_match(a.blocks[i], b.blocks[j])
                conf, label = (cost_conf[1], cost_conf[2]) if cost_conf else (0.5, "")
                out.append(_Bead(i, i + 1, j, j + 1, a.blocks[i].kind, conf, label))
        return out
    return _programme(a, a0, a1, b, b0, b1)


_A, _B, _T11, _T21, _T12, _M = ("a", 1, 0), ("b", 0, 1), ("t", 1, 1), ("t", 2, 1), ("t", 1, 2), ("m", 1, 1)


def _programme(a: _Side, a0: int, a1: int, b: _Side, b0: int, b1: int) -> list[_Bead]:
    """The cheapest sequence of beads over ``a[a0:a1]`` and ``b[b0:b1]``."""
    n, m = a1 - a0, b1 - b0
    band = None
    if n * m > BAND_CELLS:
        band = max(50, abs(n - m) + 20)
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    alone_a = [a.alone(a0 + i) for i in range(n)]
    alone_b = [b.alone(b0 + j) for j in range(m)]
    text_a = [a.is_text(a0 + i) for i in range(n)]
    text_b = [b.is_text(b0 + j) for j in range(m)]
    la = [a.length(a0 + i) if text_a[i] else 0 for i in range(n)]
    lb = [b.length(b0 + j) if text_b[j] else 0 for j in range(m)]
    anchors = {}
    for i in range(n):
        if not text_a[i]:
            for j in range(m):
                if not text_b[j]:
                    am = _anchor_match(a.blocks[a0 + i], b.blocks[b0 + j])
                    if am is not None:
                        anchors[i, j] = am[0]
    tcost = _text_cost
    for i in range(n + 1):
        row, prev = cost[i], cost[i - 1] if i else None
        if band is not None:
            centre = i * m / max(n, 1)
            lo, hi = max(0, int(centre - band)), min(m, int(centre + band) + 1)
        else:
            lo, hi = 0, m
        ta = text_a[i - 1] if i else False
        ca = alone_a[i - 1][0] if i else 0.0
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            best, how = INF, None
            if i:
                c = prev[j] + ca
                if c < best:
                    best, how = c, _A
            if j:
                c = row[j - 1] + alone_b[j - 1][0]
                if c < best:
                    best, how = c, _B
            if i and j:
                x, y = i - 1, j - 1
                if ta and text_b[y]:
                    c = prev[y] + tcost(la[x], lb[y], _C_ONE)
                    if c < best:
                        best, how = c, _T11
                    if i > 1 and text_a[x - 1]:
                        c = cost[i - 2][y] + tcost(la[x - 1] + la[x], lb[y], _C_MERGE)
                        if c < best:
                            best, how = c, _T21
                    if j > 1 and text_b[y - 1]:
                        c = prev[y - 1] + tcost(la[x], lb[y - 1] + lb[y], _C_MERGE)
                        if c < best:
                            best, how = c, _T12
                elif not ta and not text_b[y]:
                    am = anchors.get((x, y))
                    if am is not None and prev[y] + am < best:
                        best, how = prev[y] + am, _M
            row[j] = best
            back[i][j] = how
    beads: list[_Bead] = []
    i, j = n, m
    while i or j:
        how = back[i][j]
        if how is None:  # outside the band: fall back to standing alone
            how = ("a", 1, 0) if i else ("b", 0, 1)
        tag, di, dj = how
        x0, y0 = a0 + i - di, b0 + j - dj
        if tag == "a":
            _c, label, conf = alone_a[i - 1]
            beads.append(_Bead(x0, x0 + 1, y0, y0, a.blocks[x0].kind, conf, label))
        elif tag == "b":
            _c, label, conf = alone_b[j - 1]
            beads.append(_Bead(x0, x0, y0, y0 + 1, b.blocks[y0].kind, conf, label))
        elif tag == "t":
            la = sum(a.length(k) for k in range(x0, x0 + di))
            lb = sum(b.length(k) for k in range(y0, y0 + dj))
            conf = _fit(la, lb) * (1.0 if di == dj == 1 else MERGE_FACTOR)
            beads.append(_Bead(x0, x0 + di, y0, y0 + dj, "text", conf))
        else:
            _c, conf, label = _anchor_match(a.blocks[x0], b.blocks[y0])
            beads.append(_Bead(x0, x0 + 1, y0, y0 + 1, a.blocks[x0].kind, conf, label))
        i, j = i - di, j - dj
    beads.reverse()
    return beads


# --------------------------------------------------------------------------
# Headings

def _pair_headings(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Positions of paired headings (levels ``a`` against ``b``): in order
    when both have as many, else the cheapest alignment on their levels."""
    if len(a) == len(b):
        return list(zip(range(len(a)), range(len(b))))
    n, m = len(a), len(b)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = float(i)
    for j in range(1, m + 1):
        cost[0][j] = float(j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(cost[i - 1][j] + 1.0, cost[i][j - 1] + 1.0,
                             cost[i - 1][j - 1] + (0.0 if a[i - 1] == b[j - 1] else 1.2))
    pairs = []
    i, j = n, m
    while i and j:
        if cost[i][j] == cost[i - 1][j - 1] + (0.0 if a[i - 1] == b[j - 1] else 1.2):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1.0:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


# --------------------------------------------------------------------------
# The alignment

def align(ko_text: str, en_text: str, *, ko_path: str = "<ko>", en_path: str = "<en>") -> Alignment:
    """The rows of a Korean and an English text (see the module docstring)."""
    return align_structures(parallel.extract(ko_text, ko_path, "ko"), parallel.extract(en_text, en_path, "en"))


def align_structures(ko: Structure, en: Structure) -> Alignment:
    """The rows of two extracted versions (:func:`cityvoices.parallel.extract`)."""
    a, b = _Side(ko), _Side(en)
    out = Alignment({"ko": ko, "en": en})
    beads: list[tuple[_Bead, int]] = []  # (bead, section)
    na, nb = len(a.blocks), len(b.blocks)
    a0 = b0 = 0
    fa = 1 if na and a.blocks[0].kind == "front-matter" else 0
    fb = 1 if nb and b.blocks[0].kind == "front-matter" else 0
    if fa or fb:
        beads.append((_Bead(0, fa, 0, fb, "front-matter", 1.0), 0))
        a0, b0 = fa, fb
    ha = [i for i in range(a0, na) if a.blocks[i].kind == "heading" and not a.blocks[i].optional]
    hb = [j for j in range(b0, nb) if b.blocks[j].kind == "heading" and not b.blocks[j].optional]
    anchors = [(ha[x], hb[y]) for x, y in _pair_headings([a.blocks[i].key for i in ha],
                                                          [b.blocks[j].key for j in hb])]
    section = 0
    for hi, hj in anchors + [(na, nb)]:
        for bead in _section_beads(a, a0, hi, b, b0, hj):
            beads.append((bead, section))
        if hi == na and hj == nb:
            break
        section += 1
        same = a.blocks[hi].key == b.blocks[hj].key
        beads.append((_Bead(hi, hi + 1, hj, hj + 1, "heading", 1.0 if same else LEVEL_DIFFERS,
                            "" if same else "level-differs"), section))
        a0, b0 = hi + 1, hj + 1
    for bead, sec in _merge_lang_only(beads):
        kind = "text" if bead.kind in TEXT_KINDS or bead.kind == "text" else bead.kind
        out.rows.append(Row(kind, a.cell(bead.a0, bead.a1), b.cell(bead.b0, bead.b1), bead.confidence,
                            bead.label, sec))
    out.sections = _sections(out, a, b)
    return out


def _merge_lang_only(beads: list[tuple[_Bead, int]]) -> list[tuple[_Bead, int]]:
    """Consecutive language-only blocks of one language become one row
    (the seed's Korean-only section is one row against one empty cell)."""
    out: list[tuple[_Bead, int]] = []
    for bead, sec in beads:
        if out and bead.label == "lang-only" and out[-1][0].label == "lang-only" and out[-1][1] == sec:
            prev = out[-1][0]
            if prev.b0 == prev.b1 == bead.b0 == bead.b1 and prev.a1 == bead.a0:
                out[-1] = (_Bead(prev.a0, bead.a1, prev.b0, prev.b1, "text", 1.0, "lang-only"), sec)
                continue
            if prev.a0 == prev.a1 == bead.a0 == bead.a1 and prev.b1 == bead.b0:
                out[-1] = (_Bead(prev.a0, prev.a1, prev.b0, bead.b1, "text", 1.0, "lang-only"), sec)
                continue
        out.append((bead, sec))
    return out


def _sections(al: Alignment, a: _Side, b: _Side) -> list[Section]:
    out: list[Section] = []
    rows = al.rows
    start = 0
    for k in range(len(rows) + 1):
        if k < len(rows) and (k == 0 or rows[k].section == rows[k - 1].section):
            continue
        chunk = rows[start:k]
        if chunk:
            sec = chunk[0].section
            head = chunk[0] if chunk[0].kind == "heading" and sec else None
            weight = total = 0.0
            flagged = []
            for idx, row in enumerate(chunk, start):
                if row.label in ("unmatched", "level-differs"):
                    flagged.append(idx)
                if row.kind == "text" and not row.label:
                    w = sum(a.length(i) for i in row.ko.blocks) + sum(b.length(j) for j in row.en.blocks)
                    weight += w
                    total += w * row.confidence
            title = ""
            if head is not None:
                title = " / ".join(t for t in (_heading_text(head.ko.text), _heading_text(head.en.text)) if t)
            lines = {lang: next((r.cell(lang).line for r in chunk if not r.cell(lang).empty), 0)
                     for lang in i18n.LANGS}
            out.append(Section(sec, start, k, title, lines, total / weight if weight else 1.0, tuple(flagged)))
        start = k
    return out


def _heading_text(md: str) -> str:
    line = md.strip().split("\n", 1)[0]
    line = re.sub(r"^#{1,6}[ \t]*", "", line)
    line = syntax.HEADING_ATTR_RE.sub("", line)
    return line.strip()


# --------------------------------------------------------------------------
# Hints for the translator

def _describe(row: Row) -> str:
    ko, en = row.ko, row.en
    if row.label == "level-differs":
        return (f"the heading on line {ko.line} ({ko.text.split(' ', 1)[0]}) pairs with line {en.line} "
                f"({en.text.split(' ', 1)[0]}): the levels differ")
    if row.label == "unmatched":
        side = row.one_sided or "ko"
        cell = row.cell(side)
        other = i18n.other(side)
        what = "paragraph" if row.kind == "text" else row.kind
        where = f"line {cell.line}" if cell.line == cell.end or row.kind != "text" else f"lines {cell.line}–{cell.end}"
        return f"a {what} in {side} ({where}) has no {other} counterpart"
    return f"ko lines {ko.line}–{ko.end} against en lines {en.line}–{en.end} ({row.confidence:.2f})"


def hints(al: Alignment, lang: str = "ko") -> list[Problem]:
    """Warnings for the sections whose paragraphs line up with low
    confidence, pointing at ``lang``'s file (the translation)."""
    out = []
    for sec in al.sections:
        if not sec.low:
            continue
        rows = [al.rows[k] for k in sec.flagged] or sorted(
            (r for r in al.rows[sec.first:sec.stop] if r.kind == "text" and not r.label),
            key=lambda r: r.confidence)[:2]
        name = f"section “{sec.title}”" if sec.title else "the text before the first heading"
        details = "; ".join(_describe(r) for r in rows[:3])
        if sec.flagged:
            what = f"{len(sec.flagged)} part(s) do not line up: {details}"
        else:
            what = f"the paragraphs line up with low confidence (mean {sec.confidence:.2f}; lowest: {details})"
        out.append(Problem(al.path(lang), sec.lines.get(lang) or 1, "align-low-confidence",
                           f"{name}: {what}; check that the translation is complete and in the same order",
                           "warning"))
    return out
