"""Korean and English stay in step: structure extraction and comparison.

The API (pure; nothing here reads or writes files):

* :func:`extract` ``(text, path, lang) -> Structure``: the structure of one
  language version, as :class:`Item` s in document order, each with its
  kind, the key that must match in the other language, and its 1-based line
  range (``line``..``end``).  Kinds (:data:`KINDS`): ``heading``, ``figure``
  (an image; ``captioned`` says whether a caption follows it), ``table``
  (also ``captioned``), ``footnote`` (by label, in order of first reference;
  translator's notes go to ``Structure.translator_notes``), ``box``
  (admonitions, details, ``///`` blocks), ``link`` and ``caption``
  (hand-numbered captions such as ``Listing 8-1:``).  ``Structure.blocks``
  cuts the same file into its top-level blocks (:class:`Block`: front
  matter, headings, paragraphs, figures with their captions, tables, boxes,
  code, footnote definitions …) that cover every line exactly once, so the
  side-by-side view (:mod:`cityvoices.align`) can line the two languages up
  block by block and give back each text unchanged.
* :func:`compare` ``(a, b) -> list[Divergence]``: lines two structures up;
  each divergence names the file to open and the line, and the counterpart.
* :func:`check_pair` / :func:`check_sources`: one :class:`PairReport` per
  publication, with the translation state (missing, outdated:
  :mod:`cityvoices.sourcehash`) and the findings of each file on its own
  (caption numbering, caption blocks).

Every finding is a :class:`cityvoices.problems.Problem` (``Divergence`` is
one, with the counterpart's place added), printed as
``path:line: severity: message [code]``.

What is *not* compared, on purpose:

* code (fenced, indented, math, as classified by :func:`mdscan.scan`):
  translators localize comments (``// --생략--``);
* translator's notes (:func:`cityvoices.syntax.is_translator_note`);
* content marked ``.cv-lang-only``: a heading carrying it (attr_list) makes
  its whole section, up to the next heading of the same or a higher level,
  language-only; on any other line it makes that block language-only.

The vocabulary (patterns) is :mod:`cityvoices.syntax`; pairing and the key
rule are :mod:`cityvoices.catalog`; the reader-facing notices and the status
table are :mod:`cityvoices.notices`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

from cityvoices import blocks, catalog, frontmatter, i18n, mdscan, sourcehash, syntax
from cityvoices.problems import Problem

#: Front matter fields that must agree between the two languages.
MUST_AGREE = ("type", "date", "issue", "original")

KIND_NAMES = {
    "heading": "headings", "figure": "figures", "table": "tables", "footnote": "footnotes",
    "box": "boxes", "link": "links", "caption": "captions",
}
KINDS = tuple(KIND_NAMES)

STATUSES = ("complete", "missing", "outdated", "divergent")

# --------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Item:
    """One structural element of a language version."""

    kind: str  # a key of KIND_NAMES
    key: str  # what must match in the other language
    line: int  # 1-based first line in the file
    label: str = ""  # how to name it in a message
    #: inside .cv-lang-only content: paired when the other language has a
    #: counterpart, never reported when it has none
    optional: bool = False
    end: int = 0  # 1-based last line (0: the same as ``line``)
    #: figures and tables: is a caption attached (``None`` for other kinds)
    captioned: bool | None = None

    def describe(self) -> str:
        return self.label or self.key

    @property
    def last(self) -> int:
        return self.end or self.line


#: Kinds of :class:`Block`.
BLOCK_KINDS = ("front-matter", "heading", "paragraph", "figure", "table", "box", "code", "footnote", "html",
               "other")


@dataclass(frozen=True)
class Block:
    """One top-level block of a file: lines ``start`` .. ``stop - 1``
    (0-based), its trailing blank lines included.  The blocks of a file
    follow each other with no gap and no overlap (see :func:`extract`)."""

    kind: str  # one of BLOCK_KINDS
    start: int
    stop: int
    #: heading: ``h2``; figure: the image path; table: ``3 columns``; box: its
    #: type; footnote: its label; otherwise ""
    key: str = ""
    optional: bool = False  # inside .cv-lang-only content
    translator_note: bool = False  # a footnote definition that is a translator's note
    label: str = ""  # how to name it in a message


@dataclass
class Structure:
    path: str
    lang: str
    meta: dict[str, Any] = field(default_factory=dict)
    fm_lines: dict[str, int] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    translator_notes: list[Item] = field(default_factory=list)
    #: 1-based inclusive line ranges marked .cv-lang-only
    lang_only: list[tuple[int, int]] = field(default_factory=list)
    #: errors that stop the comparison of this file (front matter, code fences …)
    problems: list[Problem] = field(default_factory=list)
    #: findings of this file alone: caption numbering, caption blocks
    findings: list[Problem] = field(default_factory=list)
    n_lines: int = 0
    #: the text itself (the blocks are slices of it)
    text: str = field(default="", repr=False)
    #: the file cut into top-level blocks, in order, covering every line once
    blocks: list[Block] = field(default_factory=list)
    #: character offset of the start of each line, plus ``len(text)`` at the end
    line_starts: list[int] = field(default_factory=list)

    def of(self, kind: str) -> list[Item]:
        return [it for it in self.items if it.kind == kind]

    def span(self, start: int, stop: int) -> tuple[int, int]:
        """Character offsets of lines ``start`` .. ``stop - 1`` (0-based),
        the line break after the last one included."""
        return self.line_starts[start], self.line_starts[stop]


@dataclass(frozen=True, order=True)
class Divergence(Problem):
    """A place where the two languages do not match.  ``path``/``line`` point
    at the file an editor should open; ``other_*`` at the counterpart."""

    kind: str = field(default="", compare=False)
    other_path: str = field(default="", compare=False)
    other_line: int = field(default=0, compare=False)


def divergence(kind: str, message: str, path: str, line: int, other_path: str = "", other_line: int = 0) -> Divergence:
    return Divergence(path, line, f"pair-{kind}", message, "warning", kind, other_path, other_line)


@dataclass
class PairReport:
    key: str
    paths: dict[str, str]
    status: str = "complete"
    divergences: list[Divergence] = field(default_factory=list)
    #: errors (front matter, unreadable files …)
    problems: list[Problem] = field(default_factory=list)
    #: findings of one file alone (caption numbering, caption blocks); the
    #: build reports these through the normalizer, ``check`` prints them
    file_problems: list[Problem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # languages with no file
    outdated: bool = False
    outdated_reason: str = ""
    source_lang: str | None = None
    translation_lang: str | None = None
    expected_hash: str | None = None
    recorded_hash: str | None = None
    translator_notes: dict[str, list[str]] = field(default_factory=dict)
    lang_only: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: sections whose paragraphs line up with low confidence
    #: (:func:`cityvoices.align.hints`): warnings for the translator that do
    #: not change the status (nor ``cityvoices check``'s exit code)
    alignment_hints: list[Problem] = field(default_factory=list)
    #: the extracted versions (not part of the report: reused by the side-by-side view and the switcher)
    structures: Mapping[str, Structure] = field(default_factory=dict, repr=False, compare=False)

    @property
    def headings(self) -> dict[str, list[Item]]:
        """Each version's headings as extracted (the language switcher pairs
        them: :mod:`cityvoices.switcher`)."""
        return {lang: st.of("heading") for lang, st in self.structures.items()}

    @property
    def clean(self) -> bool:
        return self.status == "complete" and not self.problems and not self.file_problems

    def to_json(self) -> dict[str, Any]:
        data = asdict(replace(self, structures={}))
        del data["structures"]
        data["clean"] = self.clean
        return data


# --------------------------------------------------------------------------
# Extraction


def _mask_inline_code(line: str) -> str:
    return mdscan.INLINE_CODE_RE.sub(lambda m: " " * len(m.group(0)), line)


def _attrs_have_lang_only(attrs: str) -> bool:
    return any(tok == "." + syntax.LANG_ONLY_CLASS for tok in attrs.split())


def _trailing_backslashes(text: str) -> int:
    return len(text) - len(text.rstrip("\\"))


def _atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) when ``line`` is a hash heading as Python-Markdown reads
    it (its ``HashHeaderProcessor``; :data:`syntax.HEADING_RE` is looser in
    some ways and stricter in others):

    * the ``#`` stands in the first column (``   # a`` is text);
    * no space is needed after the ``#`` s (``#a`` is an ``h1``), and seven
      or more make an ``h6`` whose text starts with the extra ones;
    * closing ``#`` s are dropped, an escaped first one (``\\#``) stays;
    * a line ending in an unescaped backslash is no heading at all: the
      escape would take the line break (``# \\`` is text; with a setext
      underline below it, the text of a setext heading)."""
    line = line.rstrip("\r")
    if not line.startswith("#") or _trailing_backslashes(line) % 2:
        return None
    level = min(len(line) - len(line.lstrip("#")), 6)
    rest = line[level:]
    text = rest.rstrip("#")
    if len(text) < len(rest) and _trailing_backslashes(text) % 2:
        text += "#"
    return level, text.strip()


def _setext_underline(line: str) -> str | None:
    """``=`` or ``-`` when ``line`` underlines a setext heading for
    Python-Markdown: :data:`syntax.SETEXT_RE`, from the first column (an
    indented ``===`` is text)."""
    m = syntax.SETEXT_RE.match(line)
    return m.group("ch")[0] if m and line[:1] in ("=", "-") else None


def _heading_of(lines: list[str], kinds: list[str], i: int,
                starts_block: bool) -> tuple[int, str, str, int] | None:
    """(level, text, attrs, last line index) when line ``i`` is a heading
    for Python-Markdown: a hash heading (:func:`_atx_heading`), or the first
    line of a block above a setext underline.  ``starts_block``: the line
    before ``i`` is not text, or ends a heading (a heading ends the block it
    is found in, so a setext heading may follow it directly)."""
    line = lines[i]
    if kinds[i] != mdscan.TEXT:
        return None
    atx = _atx_heading(line)
    if atx:
        level, text = atx
        last = i
    elif (starts_block and i + 1 < len(lines) and kinds[i + 1] == mdscan.TEXT
          and (under := _setext_underline(lines[i + 1])) and line.strip() and mdscan.indent_width(line) < 4
          and not syntax.BLOCK_OPEN_RE.match(line) and not line.strip().startswith(("///", "!!!", "???"))):
        # a list item or a table row above the underline is its text too
        level, text, last = (1 if under == "=" else 2), line.strip(), i + 1
    else:
        return None
    attrs = ""
    am = syntax.HEADING_ATTR_RE.search(text)
    if am:
        attrs, text = am.group("attrs"), text[: am.start()].rstrip()
    return level, text, attrs, last


def _block_range(lines: list[str], i: int) -> tuple[int, int]:
    """0-based inclusive range of the block around line ``i``: the paragraph,
    or a container (admonition / ``///`` block) with its indented body."""
    start = i
    while start > 0 and lines[start - 1].strip():
        start -= 1
    end = i
    n = len(lines)
    while end + 1 < n and lines[end + 1].strip():
        end += 1
    opener = lines[start]
    if syntax.ADMONITION_RE.match(opener):
        j = end + 1
        while j < n and (not lines[j].strip() or mdscan.indent_width(lines[j]) >= 4):
            if lines[j].strip():
                end = j
            j += 1
    elif (bo := syntax.BLOCK_OPEN_RE.match(opener)):
        end = max(end, syntax.block_end(lines, start, bo)[0])
    return start, end


def _norm_src(src: str) -> str:
    src = src.strip()
    while src.startswith("./"):
        src = src[2:]
    return src


def _norm_link(url: str) -> str:
    """Link targets as compared: fragments are dropped (heading slugs are
    translated with the headings), ``index.md``/``.html`` kept as written."""
    url = url.strip()
    if url.startswith("#"):
        return "#"
    base = url.split("#", 1)[0]
    while base.startswith("./"):
        base = base[2:]
    base = re.sub(r"^(?:https?:)?//(?:www\.)?", "//", base, flags=re.I).rstrip("/")
    return base or "#"


def _line_at(offsets: list[int], pos: int) -> int:
    """1-based line of character offset ``pos`` (``offsets``: line starts)."""
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _lang_only_ranges(lines: list[str], prose: list[bool], headings: list[tuple[int, int, str, str, int]],
                      st: Structure) -> list[bool]:
    excluded = [False] * len(lines)
    for n, (i, level, _text, attrs, _last) in enumerate(headings):
        if not _attrs_have_lang_only(attrs):
            continue
        end = len(lines) - 1
        for j, lvl2, _t, _a, _l in headings[n + 1:]:
            if lvl2 <= level:
                end = j - 1
                break
        for k in range(i, end + 1):
            excluded[k] = True
        st.lang_only.append((i + 1, end + 1))
    for i, line in enumerate(lines):
        if excluded[i] or not prose[i] or syntax.LANG_ONLY_CLASS not in line:
            continue
        if any(_attrs_have_lang_only(m.group("attrs")) for m in syntax.ATTR_LIST_RE.finditer(line)) or (
            (am := syntax.ADMONITION_RE.match(line)) and syntax.LANG_ONLY_CLASS in am.group("types").split()
        ):
            s, e = _block_range(lines, i)
            if any(s <= h[0] <= e for h in headings):
                continue  # a heading: handled above (its whole section)
            for k in range(s, e + 1):
                excluded[k] = True
            st.lang_only.append((s + 1, e + 1))
    st.lang_only.sort()
    return excluded

_CONTINUES_BLOCK = frozenset({*syntax.CAPTION_BLOCK_NAMES, "attrs"})


def _segment(lines: list[str], kinds: list[str], headings: list[tuple[int, int, str, str, int]],
             excluded: list[bool], figures: dict[int, str], defs: dict[int, str],
             notes: set[int]) -> list[Block]:
    """Cut a file into top-level blocks (see :class:`Block`).

    A block starts at a non-blank line and runs over the following non-blank
    lines; it goes on past blank lines when what follows still belongs to it
    for Python-Markdown: a line indented by four or more (the body of a list
    item, an admonition or a footnote definition, more indented code), the
    next item of the same list, or a caption block (``/// figure-caption`` wraps the block before
    it).  A heading is always a block of its own; a ``///`` block, a fence
    and an HTML block are never cut.  Trailing blank lines belong to the
    block before them (leading ones to the first block), so the blocks cover
    every line exactly once."""
    n = len(lines)
    heading_at = {i: (level, last) for i, level, _t, _a, last in headings}
    heading_lines = {k for i, (_l, last) in heading_at.items() for k in range(i, last + 1)}
    out: list[Block] = []

    def blank(k: int) -> bool:
        return kinds[k] == mdscan.BLANK or (kinds[k] == mdscan.TEXT and not lines[k].strip())

    i = 0
    while i < n and kinds[i] == mdscan.FRONT:
        i += 1
    if i:
        while i < n and blank(i):
            i += 1
        out.append(Block("front-matter", 0, i))
    while i < n:
        if blank(i):
            i += 1
            continue
        start = i
        if i in heading_at:
            end = heading_at[i][1]
        else:
            end = i
            k = i
            while k < n and not blank(k) and (k == i or (k not in heading_lines and k not in defs)):
                bo = syntax.BLOCK_OPEN_RE.match(lines[k]) if kinds[k] == mdscan.TEXT else None
                if bo:
                    k = syntax.block_end(lines, k, bo)[0]
                elif kinds[k] == mdscan.HTML and lines[k].lstrip().startswith("<!--"):
                    while k + 1 < n and kinds[k + 1] == mdscan.HTML:
                        k += 1
                end = k
                k += 1
            first = lines[start]
            container = bool(mdscan.CONTAINER_RE.match(first)) and kinds[start] == mdscan.TEXT
            is_list = bool(mdscan.LIST_ITEM_RE.match(first)) and kinds[start] == mdscan.TEXT
            # continuation past blank lines
            while True:
                j = end + 1
                while j < n and blank(j):
                    j += 1
                if j >= n or j == end + 1 or j in heading_lines or j in defs:
                    break
                nxt = lines[j]
                bo = syntax.BLOCK_OPEN_RE.match(nxt) if kinds[j] == mdscan.TEXT else None
                if bo and bo.group("name") in _CONTINUES_BLOCK and kinds[end] != mdscan.HTML:
                    pass  # a caption block wraps the block before it
                elif kinds[j] == mdscan.TEXT and mdscan.indent_width(nxt) >= 4 and (container or is_list):
                    pass
                elif mdscan.indent_width(nxt) >= 4 and (kinds[end] == mdscan.CODE
                                                         or mdscan.indent_width(lines[end]) >= 4):
                    pass  # indented code goes on past blank lines
                elif is_list and kinds[j] == mdscan.TEXT and mdscan.LIST_ITEM_RE.match(nxt):
                    pass
                else:
                    break
                # take the continuing lines up to the next blank line
                k = j
                while k < n and not blank(k) and k not in heading_lines and (k == j or k not in defs):
                    bo = syntax.BLOCK_OPEN_RE.match(lines[k]) if kinds[k] == mdscan.TEXT else None
                    if bo:
                        k = syntax.block_end(lines, k, bo)[0]
                    end = k
                    k += 1
        # an HTML comment opened in the block runs to its end (a cut inside
        # it would end it early)
        while end + 1 < n and _opens_comment(lines, kinds, start, end):
            k = end + 1
            while k < n and not (kinds[k] in (mdscan.TEXT, mdscan.HTML) and "-->" in lines[k]):
                k += 1
            end = min(k, n - 1)
            while end + 1 < n and not blank(end + 1) and end + 1 not in heading_lines:
                end += 1
        stop = end + 1
        while stop < n and blank(stop):
            stop += 1
        out.append(_classify(lines, kinds, start, end, stop, heading_at, excluded, figures, defs, notes))
        i = stop
    if not out and n:  # nothing but blank lines
        out.append(Block("other", 0, n))
    elif out[0].start:  # leading blank lines go with the first block
        out[0] = replace(out[0], start=0)
    return out


def _opens_comment(lines: list[str], kinds: list[str], start: int, end: int) -> bool:
    """Does an HTML comment opened on lines ``start``..``end`` stay open?"""
    text = "\n".join(lines[k] for k in range(start, end + 1) if kinds[k] in (mdscan.TEXT, mdscan.HTML))
    return text.rfind("<!--") > text.rfind("-->")


def _classify(lines: list[str], kinds: list[str], start: int, end: int, stop: int,
              heading_at: dict[int, tuple[int, int]], excluded: list[bool], figures: dict[int, str],
              defs: dict[int, str], notes: set[int]) -> Block:
    first = lines[start]
    optional = excluded[start]
    if start in heading_at:
        return Block("heading", start, stop, f"h{heading_at[start][0]}", optional, label=first.strip())
    kind = kinds[start]
    if kind == mdscan.CODE:
        return Block("code", start, stop, optional=optional)
    if kind == mdscan.HTML:
        return Block("html", start, stop, optional=optional)
    if kind == mdscan.MATH:
        return Block("other", start, stop, optional=optional)
    if start in defs:
        return Block("footnote", start, stop, defs[start], optional, translator_note=start in notes,
                     label=f"[^{defs[start]}]")
    if syntax.IMAGE_LINE_RE.match(first) and start in figures:
        return Block("figure", start, stop, figures[start], optional, label=f"figure {figures[start]}")
    if end > start and "|" in first and syntax.TABLE_DELIM_RE.match(lines[start + 1]):
        cols = len(lines[start + 1].strip().strip("|").split("|"))
        return Block("table", start, stop, f"{cols} columns", optional, label=f"table with {cols} columns")
    m = syntax.ADMONITION_RE.match(first)
    if m:
        types = [t for t in m.group("types").split() if t not in ("inline", "end")]
        return Block("box", start, stop, types[0] if types else "note", optional, label=first.strip())
    m = syntax.BLOCK_OPEN_RE.match(first)
    if m and m.group("name") not in syntax.NON_BOX_BLOCKS:
        return Block("box", start, stop, m.group("name"), optional, label=first.strip())
    if all(syntax.REF_DEF_RE.match(lines[k]) or not lines[k].strip() for k in range(start, end + 1)):
        return Block("other", start, stop, optional=optional)
    return Block("paragraph", start, stop, optional=optional)



def extract(text: str, path: str = "<text>", lang: str = "") -> Structure:
    """The comparable structure of one language version of a publication."""
    st = Structure(path, lang, text=text)
    fm, fm_probs = catalog.parsed(text, path)  # shared with the catalogue: one YAML parse per file
    st.meta, st.fm_lines = fm.data, fm.lines
    st.problems.extend(p for p in fm_probs if p.code not in mdscan.TEXT_CODES)  # the scan reports those
    if not any(p.severity == "error" for p in fm_probs):
        # errors and warnings (unknown fields): what the build says, check says
        st.problems.extend(p for p in frontmatter.validate(fm, path, require=False) if p.severity != "info")
    sc = mdscan.scan(text, path)
    st.problems.extend(sc.problems)
    lines = text.split("\n")
    st.n_lines = len(lines)
    kinds = sc.kinds
    prose = [k in (mdscan.TEXT, mdscan.BLANK, mdscan.HTML) for k in kinds]

    # 1. headings, and the language-only ranges they open
    headings: list[tuple[int, int, str, str, int]] = []  # (index, level, text, attrs, last index)
    i = 0
    while i < len(lines):
        # a heading ends a block for Python-Markdown: a setext heading may follow it directly
        after_heading = bool(headings) and headings[-1][4] == i - 1
        h = _heading_of(lines, kinds, i, starts_block=i == 0 or kinds[i - 1] != mdscan.TEXT or after_heading)
        if h:
            headings.append((i, *h))
            i = h[3]
        i += 1
    excluded = _lang_only_ranges(lines, prose, headings, st)
    for i, level, htext, attrs, last in headings:
        ident = next((t[1:] for t in attrs.split() if t.startswith("#")), "")
        st.items.append(Item("heading", f"h{level}", i + 1, f"h{level} “{htext}”" + (f" #{ident}" if ident else ""),
                             end=last + 1))

    # The text the remaining extractors see: code, math, front matter and
    # language-only lines blanked (line numbers kept), inline code masked.
    masked_lines = []
    for i, line in enumerate(lines):
        if not prose[i]:
            masked_lines.append("")
        elif kinds[i] == mdscan.HTML:
            masked_lines.append(line)
        else:
            masked_lines.append(_mask_inline_code(line))
    masked = "\n".join(masked_lines)
    offsets = [0]
    for line in masked_lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)

    # reference definitions (links and images by reference)
    refdefs: dict[str, str] = {}
    refdef_lines: set[int] = set()
    for i, line in enumerate(masked_lines):
        m = syntax.REF_DEF_RE.match(line)
        if m and kinds[i] == mdscan.TEXT:
            refdefs.setdefault(m.group("label").strip().lower(), m.group("url"))
            refdef_lines.add(i)

    # 2. figures: Markdown images and <img> tags, in order, with their captions
    figures: list[tuple[int, Item]] = []

    def figure(pos: int, src: str) -> None:
        line = _line_at(offsets, pos)
        captioned, last = blocks.figure_captioned(lines, kinds, line - 1)
        figures.append((pos, Item("figure", _norm_src(src), line, end=last + 1, captioned=captioned)))

    for m in syntax.IMAGE_MD_RE.finditer(masked):
        src = m.group("src")
        if src is None:
            ref = (m.group("ref") or m.group("alt")).strip().lower()
            src = refdefs.get(ref)
            if src is None:
                continue
        figure(m.start(), src)
    for m in syntax.IMAGE_HTML_RE.finditer(masked):
        figure(m.start(), m.group("src"))
    st.items.extend(it for _pos, it in sorted(figures, key=lambda t: t[0]))

    # 3. tables: GFM tables (key: number of columns) and <table>
    for i in range(1, len(masked_lines)):
        line, prev = masked_lines[i], masked_lines[i - 1]
        if syntax.TABLE_DELIM_RE.match(line) and "|" in prev and ("|" in line or line.count("-") >= 3) \
                and kinds[i] == mdscan.TEXT and not syntax.SETEXT_RE.match(line):
            cells = [c for c in line.strip().strip("|").split("|")]
            last = i
            while last + 1 < len(lines) and kinds[last + 1] == mdscan.TEXT and "|" in masked_lines[last + 1]:
                last += 1
            captioned, last = blocks.table_captioned(lines, kinds, i - 1, last)
            st.items.append(Item("table", f"{len(cells)} columns", i, f"table with {len(cells)} columns",
                                 end=last + 1, captioned=captioned))
    for m in syntax.HTML_TABLE_RE.finditer(masked):
        st.items.append(Item("table", "html table", _line_at(offsets, m.start()), "HTML table"))

    # 4. footnotes: by label in order of first reference; translator's notes apart
    defs: dict[str, tuple[int, str]] = {}
    def_cols: dict[int, int] = {}
    for i, line in enumerate(masked_lines):
        m = syntax.FN_DEF_RE.match(line)
        if m:
            defs.setdefault(m.group("label"), (i + 1, line[m.end():]))
            def_cols[i] = m.end()
    seen: dict[str, int] = {}
    for i, line in enumerate(masked_lines):
        for m in syntax.FN_REF_RE.finditer(line, def_cols.get(i, 0)):
            seen.setdefault(m.group("label"), i + 1)
    for label, (line_no, _t) in defs.items():
        seen.setdefault(label, line_no)
    for label, line_no in sorted(seen.items(), key=lambda kv: kv[1]):
        text_of_def = defs.get(label, (0, ""))[1]
        item = Item("footnote", label, line_no, f"[^{label}]")
        if syntax.is_translator_note(label, text_of_def):
            st.translator_notes.append(item)
        else:
            st.items.append(item)

    # 5. boxes: admonitions, details and pymdownx blocks
    for i, line in enumerate(masked_lines):
        m = syntax.ADMONITION_RE.match(line)
        if m:
            types = [t for t in m.group("types").split() if t not in ("inline", "end")]
            kind = types[0] if types else "note"
            title = m.group("title")
            st.items.append(Item("box", kind, i + 1, f"box {kind}" + (f" “{title}”" if title else ""),
                                 end=_block_range(lines, i)[1] + 1))
            continue
        m = syntax.BLOCK_OPEN_RE.match(line)
        if m and m.group("name") not in syntax.NON_BOX_BLOCKS:
            title = (m.group("title") or "").strip()
            st.items.append(Item("box", m.group("name"), i + 1,
                                 f"box {m.group('name')}" + (f" “{title}”" if title else ""),
                                 end=_block_range(lines, i)[1] + 1))

    # 6. links (not images, not footnotes, not the definition lines)
    links: list[tuple[int, Item]] = []
    for m in syntax.LINK_MD_RE.finditer(masked):
        line_idx = _line_at(offsets, m.start()) - 1
        if line_idx in refdef_lines:
            continue
        url = m.group("url")
        if url is None:
            text_ = m.group("text")
            if text_.startswith("^"):
                continue
            ref = (m.group("ref") or text_).strip().lower()
            if m.group("ref") is not None and not m.group("ref").strip():
                ref = text_.strip().lower()
            url = refdefs.get(ref)
            if url is None:
                continue
        links.append((m.start(), Item("link", _norm_link(url), line_idx + 1, url)))
    for rx in (syntax.LINK_HTML_RE, syntax.AUTOLINK_RE):
        for m in rx.finditer(masked):
            links.append((m.start(), Item("link", _norm_link(m.group("url")), _line_at(offsets, m.start()),
                                          m.group("url"))))
    st.items.extend(it for _p, it in sorted(links, key=lambda t: t[0]))

    # 7. hand-numbered captions (house caption blocks belong to their figure
    #    or table: ``captioned``), and the file's own caption findings
    numbered: list[tuple[int, syntax.CaptionMark]] = []
    prev_nonblank = ""
    for i, line in enumerate(masked_lines):
        if not line.strip():
            continue
        head = line.lstrip()[:1]
        if head not in syntax.CAPTION_START:
            prev_nonblank = line
            continue
        starts_block = i == 0 or not masked_lines[i - 1].strip() or kinds[i - 1] != mdscan.TEXT \
            or bool(syntax.IMAGE_LINE_RE.match(masked_lines[i - 1])) \
            or masked_lines[i - 1].lstrip().startswith("<")
        cm = syntax.parse_caption(line.lstrip()) if (starts_block or "caption" in line
                                                     or syntax.IMAGE_LINE_RE.match(prev_nonblank)) else None
        if cm and cm.lead not in syntax.HTML_LEADS and not starts_block \
                and not syntax.IMAGE_LINE_RE.match(prev_nonblank):
            cm = None  # a sentence that wraps onto a line starting "Listing 4-6."
        if cm:
            numbered.append((i + 1, cm))
            st.items.append(Item("caption", f"{cm.kind} {cm.num}", i + 1, cm.label))
        prev_nonblank = line
    st.findings.extend(syntax.numbering_problems(numbered, path))
    st.findings.extend(blocks.caption_block_problems(lines, kinds, path))

    # 8. top-level blocks (the side-by-side alignment's units)
    st.line_starts = [0]
    for line in lines:
        st.line_starts.append(st.line_starts[-1] + len(line) + 1)
    st.line_starts[-1] = len(text)
    fig_at = {it.line - 1: it.key for it in st.items if it.kind == "figure"}
    def_at = {line_no - 1: label for label, (line_no, _t) in defs.items()}
    tn_at = {line_no - 1 for label, (line_no, t) in defs.items() if syntax.is_translator_note(label, t)}
    st.blocks = _segment(lines, kinds, headings, excluded, fig_at, def_at, tn_at)
    # language-only content: optional (see Item.optional); translator's notes
    # are out of the comparison altogether
    st.items = [replace(it, optional=True) if excluded[it.line - 1] else it for it in st.items]
    return st


# --------------------------------------------------------------------------
# Comparison


def _fm_value(meta: dict[str, Any], key: str) -> str | None:
    val = meta.get(key)
    if val is None or val == "":
        return None
    return str(val)


def _after(items: list[Item], idx: int) -> str:
    if idx <= 0 or not items:
        return "at the start"
    return f"after line {items[min(idx, len(items)) - 1].line}"


def compare(a: Structure, b: Structure, translation: str | None = None) -> list[Divergence]:
    """Divergences between two language versions ``a`` and ``b``.  Where an
    element exists in both but differs, the finding points at the
    ``translation`` language's file (``b`` when unknown)."""
    if translation == a.lang:
        return [_flip(d) if d.kind != "frontmatter" and "differs" in d.message else d
                for d in compare(a, b)]
    out: list[Divergence] = []
    # front matter that must agree
    fm_broken = any(p.code.startswith("frontmatter") for p in a.problems + b.problems)
    for key in () if fm_broken else MUST_AGREE:
        va, vb = _fm_value(a.meta, key), _fm_value(b.meta, key)
        if va != vb and not (key == "original" and (va is None or vb is None)):
            out.append(divergence(
                "frontmatter",
                f"front matter '{key}': {va if va is not None else '(none)'} in {a.lang} vs "
                f"{vb if vb is not None else '(none)'} in {b.lang} ({a.path}:{a.fm_lines.get(key, 1)})",
                b.path, b.fm_lines.get(key, 1), a.path, a.fm_lines.get(key, 1)))
    for kind in KINDS:
        xs, ys = a.of(kind), b.of(kind)
        out.extend(_compare_seq(kind, a, xs, b, ys))
    out.extend(_compare_captioned(a, b))
    return out


def _flip(d: Divergence) -> Divergence:
    return divergence(d.kind, d.message, d.other_path, d.other_line, d.path, d.line)


def _compare_captioned(a: Structure, b: Structure) -> list[Divergence]:
    """A figure or table captioned in one language and not in the other
    (paired in order, when both languages have the same ones)."""
    out = []
    for kind in ("figure", "table"):
        xs = [x for x in a.of(kind) if not x.optional]
        ys = [y for y in b.of(kind) if not y.optional]
        if [x.key for x in xs] != [y.key for y in ys]:
            continue  # reported as figures/tables that differ
        for x, y in zip(xs, ys):
            if x.captioned == y.captioned:
                continue
            has, lacks = (x, y) if x.captioned else (y, x)
            s_has, s_lacks = (a, b) if x.captioned else (b, a)
            out.append(divergence("caption",
                                  f"captions: {kind} {lacks.describe()} has no caption in {s_lacks.lang}; "
                                  f"{s_has.lang} has one ({s_has.path}:{has.line}): add a "
                                  f"'/// {syntax.CAPTION_BLOCKS[kind]}' block under it",
                                  s_lacks.path, lacks.line, s_has.path, has.line))
    return out


def _compare_seq(kind: str, a: Structure, xs: list[Item], b: Structure, ys: list[Item]) -> list[Divergence]:
    if [x.key for x in xs] == [y.key for y in ys]:
        return []
    name = KIND_NAMES[kind]
    head = f"{name}: {len(xs)} vs {len(ys)}"
    out: list[Divergence] = []
    if kind == "link" and len(xs) == len(ys):
        # Same number of links: targets may be localized on purpose (a Korean
        # edition, an absolute URL for a relative one), which is not structure.
        return []
    xn = [x for x in xs if not x.optional]
    yn = [y for y in ys if not y.optional]
    if kind == "heading" and len(xn) == len(yn) and [x.key for x in xn] != [y.key for y in yn]:
        # Same number of headings: compare level by level, so that a changed
        # level is reported as such and not as one missing plus one extra.
        for x, y in zip(xn, yn):
            if x.key != y.key:
                out.append(divergence(kind, f"{head}; level differs: {x.describe()} in {a.lang} "
                                            f"({a.path}:{x.line}) vs {y.describe()} in {b.lang} ({b.path}:{y.line})",
                                      b.path, y.line, a.path, x.line))
        return out

    def missing(item: Item, where: Structure, other: Structure, others: list[Item], idx: int) -> Divergence:
        return divergence(kind, f"{head}; missing in {other.lang}: {item.describe()} "
                                f"({where.path}:{item.line}), expected {_after(others, idx)}",
                          other.path, others[idx - 1].line if idx > 0 and others else 0, where.path, item.line)

    sm = difflib.SequenceMatcher(None, [x.key for x in xs], [y.key for y in ys], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if op == "delete":
            out.extend(missing(x, a, b, ys, j1) for x in xs[i1:i2] if not x.optional)
        elif op == "insert":
            out.extend(missing(y, b, a, xs, i1) for y in ys[j1:j2] if not y.optional)
        else:  # replace: pair them up, report leftovers as missing
            xr = [x for x in xs[i1:i2] if not x.optional]
            yr = [y for y in ys[j1:j2] if not y.optional]
            for k in range(max(len(xr), len(yr))):
                x = xr[k] if k < len(xr) else None
                y = yr[k] if k < len(yr) else None
                if x and y and kind == "link":
                    continue  # a localized target: counted, not compared
                if x and y:
                    out.append(divergence(kind, f"{head}; differs: {x.describe()} in {a.lang} "
                                                f"({a.path}:{x.line}) vs {y.describe()} in {b.lang} ({b.path}:{y.line})",
                                          b.path, y.line, a.path, x.line))
                elif x:
                    out.append(missing(x, a, b, ys, j2))
                elif y:
                    out.append(missing(y, b, a, xs, i2))
    return out


# --------------------------------------------------------------------------
# Checking a publication


def check_pair(key: str, versions: dict[str, tuple[str, str]], *, align: bool = True) -> PairReport:
    """Check one publication. ``versions``: ``{lang: (path, text)}``; with
    ``align``, a pair is also aligned paragraph by paragraph
    (:mod:`cityvoices.align`) and its low-confidence sections become
    ``alignment_hints``."""
    rep = PairReport(key, {lang: p for lang, (p, _t) in versions.items()})
    structs = {lang: extract(text, path, lang) for lang, (path, text) in versions.items()}
    rep.structures = structs
    for lang, st in structs.items():
        rep.problems.extend(p for p in st.problems if p.severity == "error")
        rep.file_problems.extend(p for p in st.problems if p.severity == "warning")
        rep.file_problems.extend(st.findings)
        rep.translator_notes[lang] = [it.key for it in st.translator_notes]
        rep.lang_only[lang] = st.lang_only
        rep.counts[lang] = {k: len(st.of(k)) for k in KINDS}
    present = [lang for lang in i18n.LANGS if lang in structs]
    rep.missing = [lang for lang in i18n.LANGS if lang not in structs]
    if len(present) == 2:
        a, b = structs["ko"], structs["en"]
        original = _fm_value(a.meta, "original") or _fm_value(b.meta, "original")
        translation = i18n.other(original) if original in i18n.LANGS else "ko"
        rep.divergences.extend(compare(a, b, translation))
        if align and not rep.problems:
            from cityvoices import align as _align  # it builds on this module

            rep.alignment_hints = _align.hints(_align.align_structures(a, b), translation)
        if original in i18n.LANGS:
            _translation_state(rep, original, versions, structs)
    if rep.missing:
        rep.status = "missing"
    elif rep.outdated:
        rep.status = "outdated"
    elif rep.divergences or rep.problems or rep.file_problems:
        rep.status = "divergent"
    else:
        rep.status = "complete"
    return rep


def _translation_state(rep: PairReport, original: str, versions: dict[str, tuple[str, str]],
                       structs: dict[str, Structure]) -> None:
    rep.source_lang, rep.translation_lang = original, i18n.other(original)
    src_path, src_text = versions[original]
    rep.expected_hash = sourcehash.source_hash(src_text)
    rep.recorded_hash = _fm_value(structs[rep.translation_lang].meta, "source_hash")
    tpath = versions[rep.translation_lang][0]
    if rep.recorded_hash is None:
        rep.outdated = True
        rep.outdated_reason = Problem(
            tpath, 0, "translation-unmarked", f"no source_hash recorded; after checking the translation "
            f"against {src_path}, run 'cityvoices check --mark-translated {tpath}'").format()
    elif rep.recorded_hash != rep.expected_hash:
        rep.outdated = True
        rep.outdated_reason = Problem(
            tpath, structs[rep.translation_lang].fm_lines.get("source_hash", 1), "translation-outdated",
            f"translation outdated: the {original} source {src_path} changed after it was translated "
            f"(source_hash {rep.recorded_hash}, source now {rep.expected_hash})").format()


def check_sources(files: Iterable[tuple[str, str]], *, align: bool = True,
                  pair: Callable[..., PairReport] | None = None) -> dict[str, PairReport]:
    """Check every publication among ``(path, text)`` files, keyed by
    :func:`cityvoices.catalog.publication_key` (the catalogue's keys).
    ``pair``: what checks one publication (default :func:`check_pair`; the
    build's remembers the reports of unchanged pairs)."""
    texts = dict(files)
    check = pair or check_pair
    out = {}
    for key, langs in catalog.pair_files(texts).items():
        out[key] = check(key, {lang: (p, texts[p]) for lang, p in langs.items()}, align=align)
    return out


#: What a :class:`PairReport` is made of (to keep one in a build memo).
REPORT_TYPES = (PairReport, Structure, Item, Block, Divergence, Problem)


def without_texts(rep: PairReport) -> PairReport:
    """``rep`` without its structures (what a build memo keeps: the findings;
    :func:`with_texts` gives them back)."""
    return dataclasses.replace(rep, structures={})


class Structures(Mapping):
    """The extracted versions of a pair (``{lang: Structure}``), extracted
    from ``versions`` when first asked for: a report taken from a build memo
    carries only its findings, and only the pages rendered again read its
    structures (they are exactly what :func:`check_pair` extracts)."""

    def __init__(self, versions: dict[str, tuple[str, str]]):
        self._versions = versions
        self._done: dict[str, Structure] | None = None

    def _all(self) -> dict[str, Structure]:
        if self._done is None:
            self._done = {lang: extract(text, path, lang) for lang, (path, text) in self._versions.items()}
        return self._done

    def __getitem__(self, lang: str) -> Structure:
        return self._all()[lang]

    def __iter__(self):
        return iter(self._versions)

    def __len__(self) -> int:
        return len(self._versions)


def with_texts(rep: PairReport, versions: dict[str, tuple[str, str]]) -> PairReport:
    """A report of :func:`without_texts` with its structures again (of ``versions``, the pair's texts)."""
    rep.structures = Structures(versions)
    return rep


def format_report(rep: PairReport) -> str:
    """The readable report of one publication."""
    names = ", ".join(f"{lang}: {rep.paths[lang]}" for lang in i18n.LANGS if lang in rep.paths)
    lines = [f"== {rep.key or '(home page)'} [{rep.status}] ({names})"]
    for p in rep.problems + rep.file_problems:
        lines.append("  " + p.format())
    for lang in rep.missing:
        have = next(iter(rep.paths.values()), "")
        if have:
            lines.append("  " + Problem(have, 0, "translation-missing",
                                        f"missing translation: no {lang} version (expected "
                                        f"{syntax.with_lang(have, lang)})", "info").format())
    if rep.outdated:
        lines.append("  " + rep.outdated_reason)
    for d in rep.divergences:
        lines.append("  " + d.format())
    for h in rep.alignment_hints:
        lines.append("  " + h.format())
    notes = {lang: v for lang, v in rep.translator_notes.items() if v}
    if notes:
        lines.append("  (translator's notes left out: " + "; ".join(
            f"{lang} {', '.join('[^' + n + ']' for n in v)}" for lang, v in notes.items()) + ")")
    only = {lang: v for lang, v in rep.lang_only.items() if v}
    if only:
        lines.append("  (.cv-lang-only left out: " + "; ".join(
            f"{lang} lines " + ", ".join(f"{s}–{e}" for s, e in v) for lang, v in only.items()) + ")")
    return "\n".join(lines)
