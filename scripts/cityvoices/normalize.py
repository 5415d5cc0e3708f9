"""Bring pasted footnotes and captions into the CityVoices house layout.

Pure: text in, :class:`Result` out; it never touches the disk.  The CLI
(``cityvoices normalize``) and the MkDocs hook are thin shells around
:func:`normalize_text`.  Every form it recognises is defined once, in
:mod:`cityvoices.syntax` (the house vocabulary).

What changes (only markers; every word of the input survives)
------------------------------------------------------------

Footnotes
    References ``¹ ⁶ ¹⁰``, ``<sup>3</sup>``, ``[^1]``, ``[1]`` and ``(주1)``
    become ``[^n]``.  Superscripts and ``<sup>n</sup>`` directly after a
    word, bracket, quote or punctuation are references; a superscript after
    a digit (``10⁶``, ``2<sup>7</sup>``), after a one-letter word (``x²``) or
    a unit (``km²``) is mathematics and left alone.  ``[1]`` and ``(주1)``
    are references only when a matching raw definition exists.

    A raw definition is a paragraph (or a line inside a run of such lines)
    that starts with ``3 text``, ``⁶ text``, ``<sup>3</sup> text``,
    ``[1] text`` or ``(주1) text``.  It counts only when the document refers
    to that number; ``3 text`` without a reference is reported as an
    ambiguous line and left alone.

    Forms are families (:data:`cityvoices.syntax.RAW_FAMILY`): superscripts
    with ``3 text``/``³ text`` definitions, ``[1]`` with ``[1] text``, and
    ``(주1)`` with ``(주1) text``.  A ``[1]`` note and a ``(주1)`` note in one
    file are two different notes, even with a superscript ``¹`` note beside
    them.  A number used by exactly one family's references and exactly one
    other family's definition is paired across (a ``¹`` in the text, ``[1]``
    at the foot).

    Numbering: every note gets its place in order of first reference.
    Numeric labels (raw numbers and ``[^7]``) are renumbered 1..N among the
    numeric labels; other labels (``[^note]``, ``[^tn-3]``) are kept.
    Definitions are gathered at the end of the file in first-reference order
    (unreferenced ``[^x]:`` definitions last, in document order), after one
    blank line.  Definitions are written one per line with no blank line
    between them, unless any definition spans several lines: then one blank
    line separates every definition.  Continuation lines of a raw definition
    are indented by four spaces.

    Translator's notes (:func:`cityvoices.syntax.is_translator_note`): every
    form gets the house label ``tn-N``.  A raw definition whose text starts
    with a lead word (``역주``, ``옮긴이 주``, ``Translator's note`` …) gets
    ``tn-N``, where N is the raw number the editor typed (``3 역주: …`` ->
    ``[^tn-3]: 역주: …``); so does a ``[^3]:`` or ``[^note]:`` definition
    that starts with one (``tn-3``, ``tn-note``), and a label written
    ``tn_3`` or ``TN-3`` becomes ``tn-3``.  The lead word stays in the text.
    If the label is taken, ``tn-N-2``, ``tn-N-3`` … is used.

Captions
    Numbered captions (:func:`cityvoices.syntax.parse_caption`: ``그림1 …``,
    ``그림 1. …``, ``<그림 1> …``, ``[그림 1] …``, ``사진 2 …``,
    ``Figure 3-1. …``, ``Fig. 2: …``, ``Photo 1 – …``, ``표1 …``, ``<표 1> …``,
    ``Table B-1 …``, also in emphasis: ``*Figure 3 – …*``, ``_그림 2 — …_``,
    ``**Figure 3.** …``) are recognised at the start of a paragraph (or on
    the line right after an image).  A figure caption in the block right
    before or after an image (``![alt](src)``, ``<img …>``,
    ``Insert 18333fig0301.png``) becomes a ``/// figure-caption`` block after
    the image; a table caption right before or after a pipe table becomes a
    ``/// table-caption`` block after the table.  The prefix, the number and
    the emphasis markers are dropped: the renderer numbers captions in the
    page's language.  A preceding image without a caption is preferred to a
    following one.  Prose that begins like a caption is left alone.

    Listing captions (``예제``/``리스트``/``코드``/``Listing``) and
    ``<span class="caption">`` captions are not converted; they are only
    used to check the numbering.

Problems (reported, never guessed at): reference without definition,
definition never referenced, two definitions for one number, caption with no
figure or table next to it, caption numbers that repeat, skip or go
backwards (:func:`cityvoices.syntax.numbering_problems`), house caption
blocks that would rearrange the page (:func:`cityvoices.blocks.caption_block_problems`),
ambiguous ``3 text`` lines, and NUL characters.

Never touched: front matter, fenced and indented code, HTML blocks, math,
inline code, URLs, autolinks and link targets.

Lossless means: :func:`content_words` of the output equals that of the input
as a multiset.  Words are runs of letters or runs of digits (superscript
digits read as digits), case-folded; *marker words* are left out on both
sides: every digit run, the letter of a lettered number (``B`` of ``B-1``),
and :data:`cityvoices.syntax.MARKER_WORDS` (caption words, the
``figure-caption``/``table-caption`` block names, ``tn`` and ``주`` of
labels, ``sup`` of tags).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from cityvoices import blocks as _blocks
from cityvoices import mdscan, syntax
from cityvoices.problems import Problem

#: Before a superscript: a digit, a one-letter word or a unit -> mathematics.
RE_MATH_BEFORE = re.compile(
    r"(?:\d|(?<![A-Za-z])[A-Za-z]|(?<![A-Za-z])(?:[kcmdμ]?m|ft|in|sq|mi|yd))$"
)
RE_WORDS = re.compile(r"[^\W\d_]+|\d+")
#: The letter of a lettered number such as ``B-1`` (a marker, like the digits).
RE_LETTER_NUMBER = re.compile(r"(?<!\w)[A-Z](?=[-‐–.]\d)")


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass
class Result:
    """What :func:`normalize_text` returns."""

    text: str
    problems: list[Problem] = field(default_factory=list)
    changed: bool = False
    lang: str = "ko"

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


#: A note's identity: ``("label", "note")`` for ``[^note]``, or
#: ``(family, number)`` for a raw form (``("num", "3")``, ``("br", "1")``).
Ident = tuple[str, str]


@dataclass
class _Ref:
    line: int
    start: int
    end: int
    ident: Ident
    strong: bool  # superscripts and [^x] are references by themselves; [1] and (주1) need a definition
    shown: str  # as written, for messages

    @property
    def raw(self) -> bool:
        return self.ident[0] != "label"


@dataclass
class _Def:
    line: int  # first line
    end: int  # last line (inclusive, no trailing blank lines)
    ident: Ident
    body_start: int  # column where the text of the first line starts
    shown: str
    tn: bool = False

    @property
    def raw(self) -> bool:
        return self.ident[0] != "label"


@dataclass
class _Caption:
    line: int
    end: int
    mark: syntax.CaptionMark


@dataclass
class _Block:
    kind: str  # image | caption | table | figure-caption | table-caption | block | para | other
    start: int
    end: int
    caption: _Caption | None = None
    captioned: bool = False


@dataclass
class _Notes:
    """What the footnote pass found, step by step."""

    refs: list[_Ref] = field(default_factory=list)
    defs: list[_Def] = field(default_factory=list)
    raw_lines: list[tuple[int, re.Match[str]]] = field(default_factory=list)
    math: dict[str, tuple[int, str]] = field(default_factory=dict)
    active: list[_Ref] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------


def guess_lang(text: str, path: str = "") -> str:
    """``ko`` or ``en``: from a ``.ko.md``/``.en.md`` suffix, else from the
    share of Hangul among letters (sampled from the first 20 000 chars)."""
    lang = syntax.lang_of(path)
    if lang:
        return lang
    sample = text[:20000]
    hangul = len(syntax.HANGUL_RE.findall(sample))
    latin = len(syntax.LATIN_RE.findall(sample))
    return "ko" if hangul and hangul * 2 >= latin * 0.5 else "en"


def content_words(text: str) -> Counter:
    """The multiset of content words used by the lossless guarantee."""
    text = RE_LETTER_NUMBER.sub(" ", text)
    words = RE_WORDS.findall(text.translate(syntax.SUPER_TO_DIGIT).casefold())
    return Counter(w for w in words if not w.isdigit() and w not in syntax.MARKER_WORDS)


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    for s, e in spans:
        if s <= pos < e:
            return True
        if s > pos:
            return False
    return False


def _is_para_start(lines: list[str], kinds: list[str], i: int) -> bool:
    if i == 0 or kinds[i - 1] != mdscan.TEXT:
        return True
    prev = lines[i - 1]
    return bool(syntax.HEADING_RE.match(prev) or syntax.BLOCK_CLOSE_RE.match(prev))


def _find_refs(line: str, i: int, start_col: int = 0,
               math: dict[str, tuple[int, str]] | None = None) -> list[_Ref]:
    """References on one line; superscripts read as powers go to ``math``."""
    if not syntax.REF_TRIGGER_RE.search(line, start_col):
        return []
    spans = None
    out: list[_Ref] = []
    for m in syntax.REF_RE.finditer(line, start_col):
        if spans is None:
            spans = mdscan.protected_spans(line)
        if spans and _in_spans(m.start(), spans):
            continue
        s, e = m.span()
        form = syntax.raw_form(m)
        if form == "label":
            out.append(_Ref(i, s, e, ("label", m.group("label")), True, m.group(0)))
            continue
        num = syntax.digits(m.group(form))
        if form in ("sup", "supn"):
            before = line[:s]
            if not before.strip() or before[-1].isspace():
                continue
            if RE_MATH_BEFORE.search(before):
                if math is not None:
                    math.setdefault(num, (i, before[-12:].lstrip() + m.group(0)))
                continue
        out.append(_Ref(i, s, e, (syntax.RAW_FAMILY[form], num), form in ("sup", "supn"), m.group(0)))
    return out


def _is_caption_block(line: str) -> bool:
    m = syntax.BLOCK_OPEN_RE.match(line)
    return bool(m and m.group("name") in syntax.CAPTION_BLOCKS.values())


# ---------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------


def _shown_number(ident: Ident) -> str:
    family, num = ident
    return {"br": f"[{num}]", "ju": f"(주{num})"}.get(family, num)


class _Normalizer:
    def __init__(self, text: str, path: str, lang: str):
        self.text = text
        self.path = path
        self.lang = lang
        self.problems: list[Problem] = []
        self.lines = text.split("\n")
        self.sc = mdscan.scan(text, path)
        self.kinds = self.sc.kinds
        #: original line index -> replacement lines
        self.replace: dict[int, list[str]] = {}
        #: line index -> new content after reference substitution
        self.subst: dict[int, str] = {}
        self.removed: set[int] = set()
        self.notes_out: list[str] = []
        self.has_notes = False

    def warn(self, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, line + 1, code, message, "warning"))

    def line(self, i: int) -> str:
        return self.subst.get(i, self.lines[i])

    # -- pass 1: footnotes, in named steps -----------------------------------

    def footnotes(self) -> None:
        notes = self._scan_notes()
        raw_defs = self._raw_definitions(notes)
        good_raw = self._resolve_raw(notes, raw_defs)
        self._resolve_labels(notes, good_raw)
        if not notes.defs and not notes.active:
            return
        labels = self._assign_labels(notes)
        self._substitute_refs(notes.active, labels)
        self._gather_definitions(notes, labels)

    def _scan_notes(self) -> _Notes:
        """Step 1: every reference, every ``[^x]:`` definition (with its
        extent) and every line that could be a raw definition."""
        lines, kinds, n = self.lines, self.kinds, len(self.lines)
        notes = _Notes()
        i = 0
        while i < n:
            if kinds[i] != mdscan.TEXT:
                i += 1
                continue
            line = lines[i]
            m = syntax.FN_DEF_RE.match(line)
            if m:
                end = self._def_extent(i)
                label = m.group("label")
                notes.defs.append(_Def(i, end, ("label", label), m.end(), f"[^{label}]",
                                       tn=syntax.is_translator_note(label, line[m.end():])))
                notes.refs.extend(_find_refs(line, i, m.end(), notes.math))
                for k in range(i + 1, end + 1):
                    if kinds[k] == mdscan.TEXT:
                        notes.refs.extend(_find_refs(lines[k], k, 0, notes.math))
                i = end + 1
                continue
            r = syntax.RAW_DEF_RE.match(line)
            if r and (_is_para_start(lines, kinds, i) or (notes.raw_lines and notes.raw_lines[-1][0] == i - 1)):
                notes.raw_lines.append((i, r))
                notes.refs.extend(_find_refs(line, i, r.end(), notes.math))
            else:
                notes.refs.extend(_find_refs(line, i, 0, notes.math))
            i += 1
        notes.refs.sort(key=lambda r: (r.line, r.start))
        return notes

    def _pair_families(self, notes: _Notes, def_idents: Counter) -> None:
        """Step 2a: a number referred to in exactly one family that has no
        definition, and defined once in exactly one other family that nobody
        refers to, is one note (``¹`` in the text, ``[1] …`` at the foot)."""
        ref_idents = {r.ident for r in notes.refs if r.raw}
        by_num: dict[str, tuple[list[str], list[str]]] = {}
        for fam, num in ref_idents - set(def_idents):
            by_num.setdefault(num, ([], []))[0].append(fam)
        for (fam, num), count in def_idents.items():
            if count == 1 and (fam, num) not in ref_idents and num in by_num:
                by_num[num][1].append(fam)
        for num, (ref_only, def_only) in by_num.items():
            if len(ref_only) == 1 and len(def_only) == 1:
                target = (def_only[0], num)
                for r in notes.refs:
                    if r.ident == (ref_only[0], num):
                        r.ident = target

    def _raw_definitions(self, notes: _Notes) -> dict[Ident, list[_Def]]:
        """Step 2: the raw definitions that something refers to, with their
        extent; the others are reported (ambiguous ``3 text`` or unreferenced)."""
        lines, kinds, n = self.lines, self.kinds, len(self.lines)
        idents = [(ln, r, (syntax.RAW_FAMILY[syntax.raw_form(r)], syntax.digits(r.group(syntax.raw_form(r)))))
                  for ln, r in notes.raw_lines]
        self._pair_families(notes, Counter(ident for _ln, _r, ident in idents))
        ref_idents = {r.ident for r in notes.refs if r.raw}
        starts = {ln for ln, _r in notes.raw_lines}
        out: dict[Ident, list[_Def]] = {}
        for ln, r, ident in idents:
            num = ident[1]
            if ident not in ref_idents:
                self._warn_unreferenced_raw(ln, r, num, notes.math)
                continue
            end = ln
            while (end + 1 < n and kinds[end + 1] == mdscan.TEXT and end + 1 not in starts
                   and lines[end + 1].strip() and not syntax.FN_DEF_RE.match(lines[end + 1])
                   and not syntax.HEADING_RE.match(lines[end + 1]) and not syntax.BLOCK_OPEN_RE.match(lines[end + 1])):
                end += 1
            out.setdefault(ident, []).append(
                _Def(ln, end, ident, r.end(), r.group(0).strip(), tn=syntax.is_translator_note("", lines[ln][r.end():])))
        return out

    def _warn_unreferenced_raw(self, ln: int, r: re.Match[str], num: str, math: dict[str, tuple[int, str]]) -> None:
        hint = ""
        if num in math:
            ml, shown = math[num]
            hint = (f" (line {ml + 1} has {shown!r}: a superscript right after a number or a "
                    "one-letter word is read as a power, not a footnote; if it is the footnote, "
                    "put the marker after the punctuation, as in '2030.⁵')")
        if syntax.raw_form(r) == "plain":
            if int(num) > 0:
                self.warn(ln, "footnote-ambiguous",
                          f"this paragraph starts with '{num} ', which could be footnote {num} "
                          f"or ordinary text, and nothing in the file refers to a footnote {num}. "
                          "If it is a footnote, put the marker (for example "
                          f"'{num.translate(syntax.DIGIT_TO_SUPER)}') where "
                          "it is referred to; if it is text, join it to the paragraph it belongs to "
                          "or write the number in words" + hint)
        else:
            self.warn(ln, "footnote-unreferenced",
                      f"footnote definition {r.group(0).strip()!r} is never referred to in the "
                      "text: add the reference marker where it belongs, or delete the note" + hint)

    def _resolve_raw(self, notes: _Notes, raw_defs: dict[Ident, list[_Def]]) -> set[Ident]:
        """Step 3: one definition per raw number (two are reported and left
        alone); superscripts without a definition are reported."""
        good: set[Ident] = set()
        for ident, ds in raw_defs.items():
            if len(ds) > 1:
                where = ", ".join(str(d.line + 1) for d in ds)
                self.warn(ds[1].line, "footnote-duplicate",
                          f"footnote {_shown_number(ident)} is defined {len(ds)} times (lines {where}); the "
                          "normalizer cannot tell which one the reference means, so it left them as they are. "
                          "Keep one definition and renumber the other note")
            else:
                good.add(ident)
                notes.defs.append(ds[0])
        first_strong: dict[Ident, _Ref] = {}
        for r in notes.refs:
            if r.raw and r.strong:
                first_strong.setdefault(r.ident, r)
        for ident in sorted(set(first_strong) - set(raw_defs), key=lambda t: (int(t[1]), t[0])):
            first = first_strong[ident]
            num = ident[1]
            self.warn(first.line, "footnote-undefined",
                      f"footnote reference {first.shown!r} has no definition: add a paragraph "
                      f"'{num} text of the note' (or '[^{num}]: text') or remove the marker")
        return good

    def _resolve_labels(self, notes: _Notes, good_raw: set[Ident]) -> None:
        """Step 4: ``[^x]`` references and definitions: duplicates, references
        without a definition, definitions nobody refers to; the references
        that will be rewritten go to ``notes.active``."""
        label_defs: dict[Ident, list[_Def]] = {}
        for d in notes.defs:
            if not d.raw:
                label_defs.setdefault(d.ident, []).append(d)
        for ident, ds in label_defs.items():
            if len(ds) > 1:
                where = ", ".join(str(d.line + 1) for d in ds)
                self.warn(ds[1].line, "footnote-duplicate",
                          f"footnote [^{ident[1]}] is defined {len(ds)} times (lines {where}); "
                          "keep one definition")
        label_refs = [r for r in notes.refs if not r.raw]
        referenced = {r.ident for r in label_refs}
        seen_undef: set[str] = set()
        for r in label_refs:
            key = r.ident[1]
            if r.ident not in label_defs:
                if not syntax.NUMERIC_RE.match(key) and syntax.REGEX_LABEL_RE.search(key):
                    continue  # [^a-z] or [^>] in prose: a regex, not a footnote
                if key not in seen_undef:
                    seen_undef.add(key)
                    self.warn(r.line, "footnote-undefined",
                              f"footnote reference [^{key}] has no definition '[^{key}]: …'")
            notes.active.append(r)
        for d in notes.defs:
            if not d.raw and d.ident not in referenced:
                self.warn(d.line, "footnote-unreferenced",
                          f"footnote definition [^{d.ident[1]}] is never referred to in the text: add "
                          f"[^{d.ident[1]}] where it belongs, or delete the note")
        notes.active.extend(r for r in notes.refs if r.raw and r.ident in good_raw)
        # First reference means first in the text the reader reads: a call
        # inside a note's own definition counts after every call in the
        # body, because definitions move to the end of the file (otherwise a
        # second run, with the definitions already at the end, would number
        # the notes differently).
        in_def = set()
        for d in notes.defs:
            in_def.update(range(d.line, d.end + 1))
        notes.active.sort(key=lambda r: (r.line in in_def, r.line, r.start))

    def _assign_labels(self, notes: _Notes) -> dict[Ident, str]:
        """Step 5: the house label of every note, in order of first reference:
        ``tn-N`` for translator's notes, 1..N for numbered ones, other labels kept."""
        taken = {d.ident[1] for d in notes.defs if not d.raw and not syntax.NUMERIC_RE.match(d.ident[1])}
        taken |= {r.ident[1] for r in notes.refs if not r.raw and not syntax.NUMERIC_RE.match(r.ident[1])}
        defs = {d.ident: d for d in notes.defs}
        new: dict[Ident, str] = {}
        counter = 0

        def assign(ident: Ident) -> None:
            nonlocal counter
            if ident in new:
                return
            d = defs.get(ident)
            key = ident[1]
            if d is not None and d.tn:
                label = syntax.tn_label(key)
                if label != key:
                    base, k = label, 2
                    while label in taken:
                        label = f"{base}-{k}"
                        k += 1
                    taken.add(label)
                new[ident] = label
            elif ident[0] != "label" or syntax.NUMERIC_RE.match(key):
                counter += 1
                new[ident] = str(counter)
            else:
                new[ident] = key

        for r in notes.active:
            assign(r.ident)
        for d in sorted(notes.defs, key=lambda d: d.line):
            assign(d.ident)
        return new

    def _substitute_refs(self, active: list[_Ref], labels: dict[Ident, str]) -> None:
        """Step 6: rewrite references (right to left on each line)."""
        by_line: dict[int, list[_Ref]] = {}
        for r in active:
            by_line.setdefault(r.line, []).append(r)
        for ln, rs in by_line.items():
            s = self.lines[ln]
            for r in sorted(rs, key=lambda r: r.start, reverse=True):
                s = s[: r.start] + f"[^{labels[r.ident]}]" + s[r.end:]
            self.subst[ln] = s

    def _gather_definitions(self, notes: _Notes, labels: dict[Ident, str]) -> None:
        """Step 7: every definition, relabelled, at the end of the file in
        first-reference order; their old lines (and the blank lines they
        leave) are removed."""
        lines, kinds, n = self.lines, self.kinds, len(self.lines)
        order = {ident: idx for idx, ident in enumerate(dict.fromkeys(r.ident for r in notes.active))}
        defs = sorted(notes.defs, key=lambda d: (order.get(d.ident, len(order)), d.line))
        rendered: list[list[str]] = []
        for d in defs:
            first = self.line(d.line)
            # references were searched from body_start on, so the marker before it is intact
            body = first[d.body_start:]
            head = f"[^{labels[d.ident]}]:"
            out = [f"{head} {body}".rstrip() if body.strip() else head]
            for k in range(d.line + 1, d.end + 1):
                cont = self.line(k)
                if d.raw:
                    out.append("    " + cont.lstrip() if cont.strip() else "")
                else:
                    out.append(cont)
            while len(out) > 1 and not out[-1].strip():
                out.pop()
            rendered.append(out)
            for k in range(d.line, d.end + 1):
                self.removed.add(k)
            k = d.end + 1
            if d.line == 0 or not self.lines[d.line - 1].strip() or self.kinds[d.line - 1] != mdscan.TEXT:
                while k < n and not lines[k].strip() and kinds[k] in (mdscan.BLANK, mdscan.TEXT):
                    self.removed.add(k)
                    k += 1
        multi = any(len(r) > 1 for r in rendered)
        sep = [""] if multi else []
        for idx, r in enumerate(rendered):
            if idx:
                self.notes_out.extend(sep)
            self.notes_out.extend(r)
        self.has_notes = bool(rendered)

    def _def_extent(self, i: int) -> int:
        """Last line of the ``[^x]:`` definition starting at ``i``."""
        lines, kinds, n = self.lines, self.kinds, len(self.lines)

        def lazy(k: int) -> int:
            """The last of the lines from ``k`` on that continue the
            paragraph above them (Python-Markdown reads them as part of the
            note), or ``k - 1`` when there are none."""
            end = k - 1
            while (k < n and kinds[k] == mdscan.TEXT and lines[k].strip()
                   and not syntax.FN_DEF_RE.match(lines[k]) and not syntax.HEADING_RE.match(lines[k])
                   and not syntax.BLOCK_OPEN_RE.match(lines[k])):
                end = k
                k += 1
            return end

        end = lazy(i + 1)
        # indented continuation blocks after blank lines, each with the
        # unindented lines that directly follow it
        while True:
            k = end + 1
            while k < n and not lines[k].strip():
                k += 1
            if k < n and k > end + 1 and mdscan.indent_width(lines[k]) >= 4:
                while k < n and (not lines[k].strip() or mdscan.indent_width(lines[k]) >= 4):
                    if lines[k].strip():
                        end = k
                    k += 1
                if k == end + 1:
                    end = lazy(k)
            else:
                return end

    # -- pass 2: captions ----------------------------------------------------

    def _continues_caption(self, j: int) -> bool:
        lines, kinds = self.lines, self.kinds
        return (j < len(lines) and kinds[j] == mdscan.TEXT and bool(lines[j].strip())
                and j not in self.removed and not syntax.IMAGE_LINE_RE.match(lines[j])
                and not syntax.HEADING_RE.match(lines[j]) and not syntax.BLOCK_OPEN_RE.match(lines[j]))

    def blocks(self) -> list[_Block]:
        lines, kinds, n = self.lines, self.kinds, len(self.lines)
        out: list[_Block] = []
        i = 0
        prev_image = False
        while i < n:
            if i in self.removed or kinds[i] == mdscan.BLANK or not lines[i].strip():
                i += 1
                prev_image = False
                continue
            if kinds[i] != mdscan.TEXT:
                j = i
                while j + 1 < n and kinds[j + 1] not in (mdscan.TEXT, mdscan.BLANK):
                    j += 1
                out.append(_Block("other", i, j))
                i = j + 1
                prev_image = False
                continue
            line = self.line(i)
            bo = syntax.BLOCK_OPEN_RE.match(line)
            if bo:
                j = syntax.block_end(lines, i, bo)[0]
                name = bo.group("name")
                out.append(_Block(name if name in syntax.CAPTION_BLOCKS.values() else "block", i, j))
                i = j + 1
                prev_image = False
                continue
            if syntax.IMAGE_LINE_RE.match(line):
                out.append(_Block("image", i, i))
                i += 1
                prev_image = True
                continue
            para_start = prev_image or _is_para_start(lines, kinds, i) or (i - 1) in self.removed
            mark = syntax.parse_caption(line) if para_start and line[:1] in syntax.CAPTION_START else None
            if mark:
                j = i
                while (self._continues_caption(j + 1) and not syntax.parse_caption(lines[j + 1])
                       and not self._table_at(j + 1)):
                    j += 1
                out.append(_Block("caption", i, j, caption=_Caption(i, j, mark)))
                i = j + 1
                prev_image = False
                continue
            if self._table_at(i):
                j = i + 1
                while j + 1 < n and kinds[j + 1] == mdscan.TEXT and "|" in lines[j + 1] and lines[j + 1].strip():
                    j += 1
                out.append(_Block("table", i, j))
                i = j + 1
                prev_image = False
                continue
            if syntax.HEADING_RE.match(line):
                out.append(_Block("other", i, i))
                i += 1
                prev_image = False
                continue
            j = i
            while self._continues_caption(j + 1):
                j += 1
            out.append(_Block("para", i, j))
            i = j + 1
            prev_image = False
        return out

    def _table_at(self, i: int) -> bool:
        lines = self.lines
        return ("|" in lines[i] and i + 1 < len(lines) and self.kinds[i + 1] == mdscan.TEXT
                and "-" in lines[i + 1] and mdscan.indent_width(lines[i + 1]) < 4
                and bool(syntax.TABLE_DELIM_RE.match(lines[i + 1]))
                and ("|" in lines[i + 1] or lines[i].count("|") >= 1))

    def _caption_body(self, cap: _Caption) -> list[str]:
        mark = cap.mark
        body = [mark.rest] if mark.rest else []
        body += [self.line(k).strip() for k in range(cap.line + 1, cap.end + 1)]
        if mark.lead in syntax.EMPHASIS and not mark.closed and body and body[-1].endswith(mark.lead):
            body[-1] = body[-1][: -len(mark.lead)].rstrip()
        return [b for b in body if b]

    def captions(self) -> None:
        blocks = self.blocks()
        target_kind = {"figure": "image", "table": "table"}
        for idx, b in enumerate(blocks):
            if b.kind in ("image", "table") and idx + 1 < len(blocks):
                nxt = blocks[idx + 1]
                if nxt.kind in syntax.CAPTION_BLOCKS.values():
                    b.captioned = True
        numbering: list[tuple[int, syntax.CaptionMark]] = []
        for idx, b in enumerate(blocks):
            if b.kind != "caption":
                continue
            cap = b.caption
            assert cap is not None
            numbering.append((cap.line + 1, cap.mark))
            if not cap.mark.convertible:
                continue
            want = target_kind[cap.mark.kind]
            prev = blocks[idx - 1] if idx else None
            nxt = blocks[idx + 1] if idx + 1 < len(blocks) else None
            target = None
            if prev is not None and prev.kind == want and not prev.captioned:
                target = prev
            elif nxt is not None and nxt.kind == want and not nxt.captioned:
                target = nxt
            if target is None:
                what = "an image" if want == "image" else "a table"
                self.warn(cap.line, "caption-orphan",
                          f"'{self.line(cap.line).strip()[:40]}' looks like a {cap.mark.kind} caption, but there is "
                          f"no {'figure' if want == 'image' else 'table'} right before or after it, so it was "
                          f"left as it is. Put it directly below {what} (only blank lines between), or, "
                          "if it is ordinary text, reword the start of the line")
                continue
            target.captioned = True
            new_block = [f"/// {syntax.CAPTION_BLOCKS[cap.mark.kind]}", *self._caption_body(cap), "///"]
            if target is prev:
                same_para = target.end == cap.line - 1
                self.replace[cap.line] = ([""] if same_para else []) + new_block
                for k in range(cap.line + 1, cap.end + 1):
                    self.replace[k] = []
            else:
                for k in range(cap.line, cap.end + 1):
                    self.replace[k] = []
                k = cap.end + 1
                while k < target.start and not self.lines[k].strip():
                    self.replace[k] = []
                    k += 1
                self.replace[target.end] = [self.line(target.end), "", *new_block]
        self.problems.extend(syntax.numbering_problems(numbering, self.path))
        self.problems.extend(_blocks.caption_block_problems(self.lines, self.kinds, self.path))

    # -- pass 3: assemble ----------------------------------------------------

    def assemble(self) -> str:
        if not self.subst and not self.replace and not self.has_notes:
            return self.text
        out: list[str] = []
        for i, line in enumerate(self.lines):
            if i in self.replace:
                out.extend(self.replace[i])
            elif i in self.removed:
                continue
            else:
                out.append(self.subst.get(i, line))
        if self.has_notes:
            while out and not out[-1].strip():
                out.pop()
            if out:
                out.append("")
            out.extend(self.notes_out)
            out.append("")
        return "\n".join(out)


def normalize_text(text: str, path: str = "<text>", lang: str | None = None) -> Result:
    """Normalize ``text`` (a Markdown file's contents, ``\\n`` line endings)
    to the house layout.  ``path`` only appears in problems (pass the path an
    editor can paste, such as ``docs/cityvoices/…/index.ko.md``); ``lang`` is
    guessed from ``path`` or the text when not given.  When the scan finds an
    error (an unclosed code fence, a NUL character) the text is returned
    unchanged."""
    lang = lang or guess_lang(text, path)
    norm = _Normalizer(text, path, lang)
    if any(p.severity == "error" for p in norm.sc.problems):
        return Result(text, list(norm.sc.problems), False, lang)
    norm.footnotes()
    norm.captions()
    out = norm.assemble()
    problems = sorted(norm.sc.problems + norm.problems, key=lambda p: (p.line, p.code))
    return Result(out, problems, out != text, lang)


def body_for_render(text: str, path: str = "<text>", lang: str | None = None) -> str:
    """The Markdown body to render for ``text``: normalized when it is not in
    house layout (so a pasted file renders like its normalized form on the
    site and in the PDF), front matter removed."""
    from cityvoices.frontmatter import split

    result = normalize_text(text, path, lang)
    return split(result.text)[1]
