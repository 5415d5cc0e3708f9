"""The language switcher keeps the reader's place: the sections of the two
language versions of a page, paired, and marked in the rendered HTML.

Heading ids differ between the languages (``#시티넷citynet이란`` and
``#what-is-citynet``: Python-Markdown slugs each heading in its own
language), and they are left as they are, so every existing link keeps
working.  Instead, the headings of the two versions are paired by position
on the structure that the parallel check extracts
(:func:`cityvoices.parallel.extract`, kept on each
:class:`~cityvoices.parallel.PairReport` as ``headings``), and each paired
heading is given the pair's number in both languages::

    <h2 id="시티넷citynet이란" data-cv-sec="1">   (Korean page)
    <h2 id="what-is-citynet" data-cv-sec="1">      (English page)

``overrides/assets/javascripts/cv-chrome.js`` reads the number of the
section the reader is in, adds ``#cv-sec=1&b=3&f=0.42`` (section, block in
the section, fraction of that block; :data:`FRAGMENT`) to the switcher's
link, and on the other page scrolls to the same place.  It works from
``file://`` and needs no ``navigation.instant``.

Pairing (:func:`pair_headings`): the headings that are not language-only
(``.cv-lang-only``, ``Item.optional``), by position when both languages
have as many; otherwise the runs that :class:`difflib.SequenceMatcher`
finds equal or replaced on their levels, by position within each run.
Language-only headings are paired only when both languages have the same
number of them between the same two paired headings.  An unpaired heading
carries no number: the switcher uses the paired heading before it.

Pure: strings and Items in, strings out.
"""

from __future__ import annotations

import difflib
import re
from typing import Sequence

from cityvoices.parallel import Item

#: The fragment the switcher adds to the other language's link (documented
#: for cv-chrome.js, which parses it): section number (0: before the first
#: paired heading), block within the section, fraction of that block.
FRAGMENT = "cv-sec={sec}&b={block}&f={frac}"
#: The attribute on a paired heading.
ATTR = "data-cv-sec"

HEADING_TAG_RE = re.compile(r"<h(?P<level>[1-6])(?P<attrs>(?:\s[^>]*)?)>")


def _positional(xs: list[int], ys: list[int], kx: list[str], ky: list[str]) -> list[tuple[int, int]]:
    if len(xs) == len(ys):
        return list(zip(xs, ys))
    pairs: list[tuple[int, int]] = []
    sm = difflib.SequenceMatcher(None, kx, ky, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op in ("equal", "replace"):
            pairs.extend(zip(xs[i1:i2], ys[j1:j2]))
    return pairs


def pair_headings(a: Sequence[Item], b: Sequence[Item]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` of indices into ``a`` and ``b`` (the heading Items of
    the two versions, in document order) that open the same section."""
    xs = [i for i, h in enumerate(a) if not h.optional]
    ys = [j for j, h in enumerate(b) if not h.optional]
    pairs = _positional(xs, ys, [a[i].key for i in xs], [b[j].key for j in ys])
    # language-only headings present in both versions, gap by gap
    bounds = [(-1, -1)] + pairs + [(len(a), len(b))]
    extra = []
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        ox = [i for i in range(i0 + 1, i1) if a[i].optional]
        oy = [j for j in range(j0 + 1, j1) if b[j].optional]
        if ox and len(ox) == len(oy):
            extra.extend(zip(ox, oy))
    return sorted(pairs + extra)


def numbers(pairs: Sequence[tuple[int, int]], side: int) -> dict[int, int]:
    """``{heading index on one side: pair number}`` (1-based, in document
    order); ``side`` 0 for the first sequence of :func:`pair_headings`, 1 for
    the second."""
    return {p[side]: n for n, p in enumerate(sorted(pairs), 1)}


def heading_levels(html: str) -> list[int]:
    return [int(m.group("level")) for m in HEADING_TAG_RE.finditer(html)]


def mark_headings(html: str, own: Sequence[Item], numbered: dict[int, int]) -> str:
    """``html`` with :data:`ATTR` on each heading that :func:`numbers` gave a
    number.  The rendered headings are lined up with the source's by level
    (the page may add headings of its own, such as the title above a
    publication): only headings found in equal runs are marked, so a
    heading the source does not have is never given a number."""
    if not numbered:
        return html
    found = list(HEADING_TAG_RE.finditer(html))
    src_levels = [int(h.key[1:]) if h.key[1:].isdigit() else 0 for h in own]
    sm = difflib.SequenceMatcher(None, src_levels, [int(m.group("level")) for m in found], autojunk=False)
    marks: dict[int, int] = {}  # index into found -> pair number
    for op, i1, i2, j1, _j2 in sm.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                if i1 + k in numbered:
                    marks[j1 + k] = numbered[i1 + k]
    if not marks:
        return html
    out, last = [], 0
    for k, m in enumerate(found):
        if k not in marks or ATTR in m.group("attrs"):
            continue
        out.append(html[last:m.end() - 1])
        out.append(f' {ATTR}="{marks[k]}">')
        last = m.end()
    out.append(html[last:])
    return "".join(out)
