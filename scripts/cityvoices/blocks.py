"""Caption blocks and what they caption: the structure rule shared by
``cityvoices normalize`` (and so the build) and ``cityvoices check``.

pymdownx's caption block wraps *the block right before it* in a
``<figure>``.  So a ``/// figure-caption`` after a paragraph turns the
paragraph into a figure, a ``/// table-caption`` after an image wraps the
image's figure in a table caption, a second caption after a captioned
figure nests it in another figure, and a block opened inside a caption
loses the caption's own text.  :func:`caption_block_problems` reports each of
these with its line; nothing here changes the text.

Input is the lines of a file and their kinds from :func:`cityvoices.mdscan.scan`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cityvoices import mdscan, syntax
from cityvoices.problems import Problem


@dataclass(frozen=True)
class CaptionBlock:
    """A ``///`` caption block: 0-based opener and closer lines."""

    name: str
    start: int
    end: int
    closed: bool


def caption_blocks(lines: list[str], kinds: list[str]) -> list[CaptionBlock]:
    """Every caption block (``figure-caption``, ``table-caption``, ``caption``)
    opened on a prose line, with its extent."""
    out = []
    for i, line in enumerate(lines):
        if kinds[i] != mdscan.TEXT or "///" not in line:
            continue
        m = syntax.BLOCK_OPEN_RE.match(line)
        if not m or m.group("name") not in syntax.CAPTION_BLOCK_NAMES:
            continue
        end, closed = syntax.block_end(lines, i, m)
        out.append(CaptionBlock(m.group("name"), i, end, closed))
    return out


def _previous_block(lines: list[str], kinds: list[str], i: int) -> tuple[str, int]:
    """``(kind, line)`` of the block that ends right before line ``i``:
    image | table | heading | caption | block | para | other | none."""
    p = i - 1
    while p >= 0 and not lines[p].strip():
        p -= 1
    if p < 0 or kinds[p] == mdscan.FRONT:
        return "none", -1
    if kinds[p] != mdscan.TEXT:
        return "other", p
    line = lines[p]
    if syntax.BLOCK_CLOSE_RE.match(line):
        width = line.strip()
        q = p - 1
        while q >= 0:
            m = syntax.BLOCK_OPEN_RE.match(lines[q]) if kinds[q] == mdscan.TEXT else None
            if m and m.group("slashes") == width:
                return ("caption" if m.group("name") in syntax.CAPTION_BLOCK_NAMES else "block"), q
            q -= 1
        return "block", p
    if syntax.IMAGE_LINE_RE.match(line):
        return "image", p
    if syntax.HEADING_RE.match(line):
        return "heading", p
    # the paragraph that ends at p: a table when its second line is a delimiter row
    s = p
    while s > 0 and kinds[s - 1] == mdscan.TEXT and lines[s - 1].strip():
        s -= 1
    if s + 1 <= p and "|" in lines[s] and syntax.TABLE_DELIM_RE.match(lines[s + 1]):
        return "table", p
    if any(syntax.IMAGE_LINE_RE.match(lines[k]) for k in range(s, p + 1)):
        return "image", p
    return "para", p


#: caption block -> the block it must follow
_WANT = {name: ("image" if kind == "figure" else "table") for kind, name in syntax.CAPTION_BLOCKS.items()}
_WHAT = {"image": "an image", "table": "a table"}


def caption_block_problems(lines: list[str], kinds: list[str], path: str) -> list[Problem]:
    """Caption blocks that would rearrange the content around them."""
    out: list[Problem] = []
    inner: set[int] = set()
    for cb in caption_blocks(lines, kinds):
        if cb.start in inner:
            continue  # reported as nested
        ln = cb.start + 1
        opener = f"/// {cb.name}"
        if not cb.closed:
            out.append(Problem(path, ln, "caption-block-unclosed",
                               f"'{opener}' opened here is never closed: add a line '///' after the caption text"))
        for k in range(cb.start + 1, cb.end):
            if kinds[k] == mdscan.TEXT and syntax.BLOCK_OPEN_RE.match(lines[k]):
                inner.add(k)
                out.append(Problem(path, k + 1, "caption-block-nested",
                                   f"a block opens inside the '{opener}' of line {ln}: the caption's own text "
                                   f"would be lost; close the caption ('///') before it"))
        want = _WANT.get(cb.name)
        if want is None:
            continue  # the generic /// caption captions anything
        prev, pline = _previous_block(lines, kinds, cb.start)
        if prev in (want, "other", "block"):
            continue
        if prev == "para":
            why = (f"the block before it (line {pline + 1}) is a paragraph, which would be turned into a "
                   f"{'figure' if want == 'image' else 'table'}")
        elif prev == "caption":
            why = (f"the block before it is another caption (line {pline + 1}): the same "
                   f"{'figure' if want == 'image' else 'table'} would be captioned twice, one figure inside another")
        elif prev == "image" or prev == "table":
            why = (f"the block before it (line {pline + 1}) is {_WHAT[prev]}, not {_WHAT[want]}: its figure would "
                   f"be wrapped in a {'table' if want == 'table' else 'figure'} caption")
        else:
            why = f"there is no {'figure' if want == 'image' else 'table'} before it"
        other = next(name for name in _WANT if name != cb.name)
        fix = f", or write '/// {other}' if it captions this {prev}" if prev in ("image", "table") else ""
        out.append(Problem(path, ln, "caption-block-orphan",
                           f"'{opener}' must come right after {_WHAT[want]} (only blank lines between); {why}. "
                           f"Move it under its {'image' if want == 'image' else 'table'}{fix}"))
    return out


def figure_captioned(lines: list[str], kinds: list[str], i: int) -> tuple[bool, int]:
    """``(captioned, last line)`` for the image on 0-based line ``i``: a
    ``/// figure-caption`` (or a pasted figure caption) right after it, or a
    pasted caption right before it (the normalizer moves it below)."""
    return _captioned(lines, kinds, i, "figure")


def table_captioned(lines: list[str], kinds: list[str], start: int, end: int) -> tuple[bool, int]:
    """The same for the table on lines ``start``..``end``."""
    return _captioned(lines, kinds, start, "table", end)


def _captioned(lines: list[str], kinds: list[str], i: int, kind: str, end: int | None = None) -> tuple[bool, int]:
    n = len(lines)
    last = i if end is None else end
    k = last + 1
    while k < n and not lines[k].strip():
        k += 1
    if k < n and kinds[k] == mdscan.TEXT:
        m = syntax.BLOCK_OPEN_RE.match(lines[k])
        if m and m.group("name") in (syntax.CAPTION_BLOCKS[kind], "caption"):
            return True, syntax.block_end(lines, k, m)[0]
        cap = syntax.parse_caption(lines[k])
        if cap and cap.kind == kind:
            return True, k
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k >= 0 and kinds[k] == mdscan.TEXT:
        s = k
        while s > 0 and kinds[s - 1] == mdscan.TEXT and lines[s - 1].strip():
            s -= 1
        cap = syntax.parse_caption(lines[s])
        if cap and cap.kind == kind and cap.convertible:
            return True, last
    return False, last
