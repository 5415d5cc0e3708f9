"""Bring pasted footnotes and captions into the CityVoices house layout.

Pure: text in, :class:`Result` out; it never touches the disk.  The CLI
(``cityvoices normalize``) and the MkDocs hook are thin shells around
:func:`normalize_text`.

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

    Numbering: every note gets its place in order of first reference.
    Numeric labels (raw numbers and ``[^7]``) are renumbered 1..N among the
    numeric labels; other labels (``[^note]``, ``[^tn-3]``) are kept.
    Definitions are gathered at the end of the file in first-reference order
    (unreferenced ``[^x]:`` definitions last, in document order), after one
    blank line.  Definitions are written one per line with no blank line
    between them, unless any definition spans several lines: then one blank
    line separates every definition.  Continuation lines of a raw definition
    are indented by four spaces.

    Translator's notes: a *raw* definition whose text starts with the lead
    word ``역주`` or ``Translator's note`` gets the label ``tn-N``, where N is
    the raw number the editor typed (``3 역주: …`` → ``[^tn-3]: 역주: …``).
    The lead word stays in the text.  If ``tn-N`` is taken, ``tn-N-2``,
    ``tn-N-3`` … is used.  Existing ``[^n]`` definitions are never relabelled.

Captions
    Figure captions ``그림1 …``, ``그림 1. …``, ``<그림 1> …``, ``[그림 1] …``,
    ``Figure 3-1. …``, ``Fig. 2: …`` and table captions ``표1 …``,
    ``<표 1> …``, ``Table B-1 …`` are recognised at the start of a paragraph
    (or on the line right after an image).  A figure caption in the block
    right before or after an image (``![alt](src)``, ``<img …>``,
    ``Insert 18333fig0301.png``) becomes a ``/// figure-caption`` block after
    the image; a table caption right before or after a pipe table becomes a
    ``/// table-caption`` block after the table.  The prefix and number are
    dropped: the renderer numbers captions in the page's language.  A
    preceding image without a caption is preferred to a following one.

    Prose that begins like a caption is left alone.  After the number, a
    caption has a separator (``.``, ``:``, ``)``, ``>``, ``]``, a dash) or the
    end of the line, or whitespace followed by text that is not a Korean
    particle (``그림 1 과 …``) and, after an English prefix, does not start with
    a lower-case word (``Figure 4-3 shows``).  A Korean letter glued to the
    number (``그림 4-3과``) or other punctuation (``Figure 3, 4``) is prose.

    ``예제``/``Listing`` captions and ``<span class="caption">`` captions are
    not converted; they are only used to check the numbering.

Problems (reported, never guessed at): reference without definition,
definition never referenced, two definitions for one number, caption with no
figure or table next to it, caption numbers that repeat, skip or go
backwards, and ambiguous ``3 text`` lines.

Never touched: front matter, fenced and indented code, HTML blocks, math,
inline code, URLs, autolinks and link targets.

Lossless means: :func:`content_words` of the output equals that of the input
as a multiset.  Words are runs of letters or runs of digits (superscript
digits read as digits), case-folded; *marker words* are left out on both
sides: every digit run, the letter of a lettered number (``B`` of ``B-1``),
and the vocabulary in :data:`MARKER_WORDS` (caption
prefixes, the ``figure-caption``/``table-caption`` block names, ``tn`` and
``주`` of labels, ``sup`` of tags).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from cityvoices import mdscan
from cityvoices.problems import Problem

# ---------------------------------------------------------------------------
# RE_* constants
# ---------------------------------------------------------------------------

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")

#: Every inline reference form, in one alternation (one pass per line).
RE_REF = re.compile(
    r"\[\^(?P<label>[^\]\s\[]+)\](?!:)"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|<sup>[ \t]*(?P<supn>\d{1,3})[ \t]*</sup>"
    r"|(?<![\]\\!])\[(?P<br>\d{1,3})\](?![(\[:])"
    r"|\(주[ \t]?(?P<ju>\d{1,3})\)"
)
RE_REF_TRIGGER = re.compile(r"[\[⁰¹²³⁴⁵⁶⁷⁸⁹]|<sup>|\(주")

#: An existing definition ``[^label]: text``.
RE_FN_DEF = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s\[]+)\]:(?:[ \t]+|$)")
#: Raw definitions, at the start of a paragraph.
RE_RAW_DEF = re.compile(
    r"^ {0,3}(?:"
    r"(?P<plain>\d{1,3})[ \t]+"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)[ \t]*"
    r"|<sup>[ \t]*(?P<supn>\d{1,3})[ \t]*</sup>[ \t]*"
    r"|\[(?P<br>\d{1,3})\][ \t]+"
    r"|\(주[ \t]?(?P<ju>\d{1,3})\)[ \t]*"
    r")(?=\S)"
)
RE_TN_LEAD = re.compile(r"^(?:역주|translator[’']?s\s+note)(?![A-Za-z가-힣])", re.I)
RE_NUMERIC = re.compile(r"^\d+$")
#: Labels that are regex classes in prose (``[^a-z]``), not footnotes.
RE_REGEX_LABEL = re.compile(r"^(?:.-.)+$|[\\^$*+?{}|]")
#: Before a superscript: a digit, a one-letter word or a unit -> mathematics.
RE_MATH_BEFORE = re.compile(
    r"(?:\d|(?<![A-Za-z])[A-Za-z]|(?<![A-Za-z])(?:[kcmdμ]?m|ft|in|sq|mi|yd))$"
)

RE_CAPTION = re.compile(
    r"^(?P<indent> {0,3})(?P<open>[<\[〈《(]?)[ \t]*"
    r"(?P<word>그림|표|예제|(?i:figure|fig\.|fig|table|listing))"
    r"(?P<gap>[ \t]*)"
    r"(?P<num>(?:[A-Z][-‐–.])?\d{1,3}(?:[-‐–.]\d{1,3})?)(?![\d])"
    r"(?P<tail>.*)$"
)
RE_SPAN_CAPTION = re.compile(r'^ {0,3}<span class="caption">(?P<inner>.*)$')
RE_CLOSE = re.compile(r"^[ \t]*(?P<close>[>\]〉》)])")
RE_SEP = re.compile(r"^[ \t]*(?:[.:|]|[-–—](?=\s|$))(?=\s|$)")
KO_PROSE_NEXT = frozenset(
    "과 와 은 는 이 가 을 를 의 에 에서 에서는 에는 에서의 으로 로 처럼 같이 과같이 와같이 "
    "참조 참고 및 또는 이다 입니다 이며 에서와 을를 보면 보듯이 와의 과의 까지 부터 등".split()
)
EN_PROSE_NEXT = frozenset(
    "shows show illustrates illustrate depicts depict contains contain lists list presents "
    "present summarizes summarises summarize gives give provides provide describes describe "
    "displays display compares compare demonstrates indicates outlines highlights is are was "
    "were has have had and or of in on at to for from with by as below above above, which that "
    "also again".split()
)
#: Endings that make the first word after a *spaced* Korean number prose-like.
KO_PARTICLE_ENDINGS = ("의", "을", "를", "은", "는", "이", "가", "에", "에서", "와", "과", "로", "도", "만")
WORD_KIND = {
    "그림": "figure", "figure": "figure", "fig.": "figure", "fig": "figure",
    "표": "table", "table": "table",
    "예제": "listing", "listing": "listing",
}

RE_IMAGE_LINE = re.compile(
    r"^ {0,3}(?:"
    r"!\[[^\n]*\](?:\([^\n]*\)|\[[^\n]*\])(?:\{[^}\n]*\})?"
    r"|\[!\[[^\n]*\]\([^\n]*\)\]\([^\n]*\)(?:\{[^}\n]*\})?"
    r"|<img\b[^>\n]*>"
    r"|(?i:insert)[ \t]+\S+\.(?i:png|jpe?g|gif|svg|tiff?|bmp|webp)"
    r")[ \t]*$"
)
RE_TABLE_DELIM = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
RE_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
RE_BLOCK_OPEN = re.compile(r"^(?P<slashes> {0,3}/{3,})[ \t]*(?P<name>[\w-]+)")
RE_BLOCK_CLOSE = re.compile(r"^ {0,3}/{3,}[ \t]*$")
RE_HANGUL = re.compile(r"[가-힣]")
RE_LATIN = re.compile(r"[A-Za-z]")
RE_WORDS = re.compile(r"[^\W\d_]+|\d+")
#: The letter of a lettered number such as ``B-1`` (a marker, like the digits).
RE_LETTER_NUMBER = re.compile(r"(?<!\w)[A-Z](?=[-‐–.]\d)")

#: Tokens that are markers, not content (see the module docstring).
MARKER_WORDS = frozenset(
    "그림 표 예제 figure fig table listing caption tn 주 sup".split()
)

CAPTION_BLOCK = {"figure": "figure-caption", "table": "table-caption"}


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


@dataclass
class _Ref:
    line: int
    start: int
    end: int
    space: str  # "raw" (number) or "label" ([^x])
    key: str  # the number or the label
    strong: bool
    shown: str  # as written, for messages


@dataclass
class _Def:
    line: int  # first line
    end: int  # last line (inclusive, no trailing blank lines)
    space: str
    key: str
    body_start: int  # column where the text of the first line starts
    shown: str
    tn: bool = False


@dataclass
class _Caption:
    line: int
    end: int
    kind: str  # figure | table | listing
    word: str
    num: str
    text_first: str  # remainder of the first line
    convertible: bool = True


@dataclass
class _Block:
    kind: str  # image | caption | table | figure-caption | table-caption | block | para | other
    start: int
    end: int
    caption: _Caption | None = None
    captioned: bool = False


# ---------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------


def guess_lang(text: str, path: str = "") -> str:
    """``ko`` or ``en``: from a ``.ko.md``/``.en.md`` suffix, else from the
    share of Hangul among letters (sampled from the first 20 000 chars)."""
    name = path.lower()
    for lang in ("ko", "en"):
        if name.endswith(f".{lang}.md") or name.endswith(f".{lang}.markdown"):
            return lang
    sample = text[:20000]
    hangul = len(RE_HANGUL.findall(sample))
    latin = len(RE_LATIN.findall(sample))
    return "ko" if hangul and hangul * 2 >= latin * 0.5 else "en"


def content_words(text: str) -> Counter:
    """The multiset of content words used by the lossless guarantee."""
    text = RE_LETTER_NUMBER.sub(" ", text)
    words = RE_WORDS.findall(text.translate(SUPER_TO_DIGIT).casefold())
    return Counter(w for w in words if not w.isdigit() and w not in MARKER_WORDS)


def _digits(s: str) -> str:
    return str(int(s.translate(SUPER_TO_DIGIT)))


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
    return bool(RE_HEADING.match(prev) or RE_BLOCK_CLOSE.match(prev))


def _find_refs(line: str, i: int, start_col: int = 0,
               math: dict[str, tuple[int, str]] | None = None) -> list[_Ref]:
    """References on one line; superscripts read as powers go to ``math``."""
    if not RE_REF_TRIGGER.search(line, start_col):
        return []
    spans = None
    out: list[_Ref] = []
    for m in RE_REF.finditer(line, start_col):
        if spans is None:
            spans = mdscan.protected_spans(line)
        if spans and _in_spans(m.start(), spans):
            continue
        s, e = m.span()
        before = line[:s]
        if m.group("label") is not None:
            label = m.group("label")
            out.append(_Ref(i, s, e, "label", label, True, m.group(0)))
        elif m.group("sup") is not None:
            if not before.strip() or before[-1].isspace():
                continue
            if RE_MATH_BEFORE.search(before):
                if math is not None:
                    math.setdefault(_digits(m.group("sup")), (i, before[-12:].lstrip() + m.group(0)))
                continue
            out.append(_Ref(i, s, e, "raw", _digits(m.group("sup")), True, m.group(0)))
        elif m.group("supn") is not None:
            if not before.strip() or before[-1].isspace():
                continue
            if RE_MATH_BEFORE.search(before):
                if math is not None:
                    math.setdefault(_digits(m.group("supn")), (i, before[-12:].lstrip() + m.group(0)))
                continue
            out.append(_Ref(i, s, e, "raw", _digits(m.group("supn")), True, m.group(0)))
        elif m.group("br") is not None:
            out.append(_Ref(i, s, e, "raw", _digits(m.group("br")), False, m.group(0)))
        else:
            out.append(_Ref(i, s, e, "raw", _digits(m.group("ju")), False, m.group(0)))
    return out


def _parse_caption(line: str) -> tuple[str, str, str, str] | None:
    """``(kind, word, num, remainder)`` if ``line`` starts with a caption
    marker (and not with prose that merely names a figure)."""
    m = RE_CAPTION.match(line)
    if not m:
        return None
    word = m.group("word")
    kind = WORD_KIND[word.lower()]
    english = word[0].isascii()
    gap = m.group("gap")
    if english and not gap and not word.endswith("."):
        return None  # "Figure3" / "Tables1"
    tail = m.group("tail")
    opener = m.group("open")
    if opener:
        closer = {"<": ">", "[": "]", "〈": "〉", "《": "》", "(": ")"}[opener]
        c = RE_CLOSE.match(tail)
        if not c or c.group("close") != closer:
            return None
        rest = tail[c.end():]
        s = RE_SEP.match(rest)
        if s:
            rest = rest[s.end():]
        return kind, word, m.group("num"), rest.strip()
    if not tail.strip():
        return kind, word, m.group("num"), ""
    s = RE_SEP.match(tail)
    if s:
        return kind, word, m.group("num"), tail[s.end():].strip()
    if tail[0] == ")" and (len(tail) == 1 or tail[1] in " \t"):
        return kind, word, m.group("num"), tail[1:].strip()
    if tail[0] not in " \t":
        return None  # glued particle (그림 4-3과) or punctuation (Figure 3, 4)
    rest = tail.strip()
    first = re.split(r"[\s,.;:!?]", rest, maxsplit=1)[0]
    if english:
        if rest[0].islower() or first.lower() in EN_PROSE_NEXT:
            return None
    elif first in KO_PROSE_NEXT:
        return None
    elif gap and first.endswith(KO_PARTICLE_ENDINGS):
        return None  # "예제 14-4 코드의 저자…": a spaced number without separator needs a bare noun
    return kind, word, m.group("num"), rest


def _num_key(num: str) -> tuple[str, int]:
    parts = re.split(r"[-‐–.]", num)
    return "-".join(parts[:-1]), int(parts[-1])


# ---------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------


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

    # -- pass 1: footnotes ---------------------------------------------------

    def footnotes(self) -> None:
        lines, kinds = self.lines, self.kinds
        n = len(lines)
        refs: list[_Ref] = []
        defs: list[_Def] = []
        raw_def_lines: list[tuple[int, re.Match]] = []
        math: dict[str, tuple[int, str]] = {}
        i = 0
        while i < n:
            if kinds[i] != mdscan.TEXT:
                i += 1
                continue
            line = lines[i]
            m = RE_FN_DEF.match(line)
            if m:
                end = self._def_extent(i)
                d = _Def(i, end, "label", m.group("label"), m.end(), f"[^{m.group('label')}]")
                defs.append(d)
                refs.extend(_find_refs(line, i, m.end(), math))
                for k in range(i + 1, end + 1):
                    if kinds[k] == mdscan.TEXT:
                        refs.extend(_find_refs(lines[k], k, 0, math))
                i = end + 1
                continue
            r = RE_RAW_DEF.match(line)
            if r and (_is_para_start(lines, kinds, i) or (raw_def_lines and raw_def_lines[-1][0] == i - 1)):
                raw_def_lines.append((i, r))
                refs.extend(_find_refs(line, i, r.end(), math))
            else:
                refs.extend(_find_refs(line, i, 0, math))
            i += 1

        raw_ref_nums = {r.key for r in refs if r.space == "raw"}
        strong_raw = {r.key for r in refs if r.space == "raw" and r.strong}
        raw_def_starts = {ln for ln, _ in raw_def_lines}
        raw_by_num: dict[str, list[_Def]] = {}
        for ln, r in raw_def_lines:
            g = next(k for k in ("plain", "sup", "supn", "br", "ju") if r.group(k) is not None)
            num = _digits(r.group(g))
            if num not in raw_ref_nums:
                hint = ""
                if num in math:
                    ml, shown = math[num]
                    hint = (f" (line {ml + 1} has {shown!r}: a superscript right after a number or a "
                            "one-letter word is read as a power, not a footnote; if it is the footnote, "
                            "put the marker after the punctuation, as in '2030.⁵')")
                if g == "plain":
                    if int(num) > 0:
                        self.warn(ln, "footnote-ambiguous",
                                  f"this paragraph starts with '{num} ', which could be footnote {num} "
                                  f"or ordinary text, and nothing in the file refers to a footnote {num}. "
                                  "If it is a footnote, put the marker (for example "
                                  f"'{num.translate(str.maketrans('0123456789', SUPERSCRIPTS))}') where "
                                  "it is referred to; if it is text, join it to the paragraph it belongs to "
                                  "or write the number in words" + hint)
                else:
                    self.warn(ln, "footnote-unreferenced",
                              f"footnote definition {r.group(0).strip()!r} is never referred to in the "
                              "text: add the reference marker where it belongs, or delete the note" + hint)
                continue
            end = ln
            while (end + 1 < n and kinds[end + 1] == mdscan.TEXT and end + 1 not in raw_def_starts
                   and lines[end + 1].strip() and not RE_FN_DEF.match(lines[end + 1])
                   and not RE_HEADING.match(lines[end + 1]) and not RE_BLOCK_OPEN.match(lines[end + 1])):
                end += 1
            text_first = lines[ln][r.end():]
            d = _Def(ln, end, "raw", num, r.end(), r.group(0).strip(),
                     tn=bool(RE_TN_LEAD.match(text_first)))
            raw_by_num.setdefault(num, []).append(d)
        refs.sort(key=lambda r: (r.line, r.start))

        # resolve raw numbers
        good_raw: set[str] = set()
        for num, ds in raw_by_num.items():
            if len(ds) > 1:
                where = ", ".join(str(d.line + 1) for d in ds)
                self.warn(ds[1].line, "footnote-duplicate",
                          f"footnote {num} is defined {len(ds)} times (lines {where}); the normalizer "
                          "cannot tell which one the reference means, so it left them as they are. "
                          "Keep one definition and renumber the other note")
            else:
                good_raw.add(num)
                defs.append(ds[0])
        first_strong: dict[str, _Ref] = {}
        for r in refs:
            if r.space == "raw" and r.strong:
                first_strong.setdefault(r.key, r)
        for num in sorted(strong_raw - set(raw_by_num), key=int):
            first = first_strong[num]
            self.warn(first.line, "footnote-undefined",
                      f"footnote reference {first.shown!r} has no definition: add a paragraph "
                      f"'{num} text of the note' (or '[^{num}]: text') or remove the marker")

        # resolve labels
        label_defs: dict[str, list[_Def]] = {}
        for d in defs:
            if d.space == "label":
                label_defs.setdefault(d.key, []).append(d)
        for label, ds in label_defs.items():
            if len(ds) > 1:
                where = ", ".join(str(d.line + 1) for d in ds)
                self.warn(ds[1].line, "footnote-duplicate",
                          f"footnote [^{label}] is defined {len(ds)} times (lines {where}); "
                          "keep one definition")
        label_refs = [r for r in refs if r.space == "label"]
        referenced = {r.key for r in label_refs}
        active_refs: list[_Ref] = []
        seen_undef: set[str] = set()
        for r in label_refs:
            if r.key not in label_defs:
                if not RE_NUMERIC.match(r.key) and RE_REGEX_LABEL.search(r.key):
                    continue  # [^a-z] or [^>] in prose: a regex, not a footnote
                if r.key not in seen_undef:
                    seen_undef.add(r.key)
                    self.warn(r.line, "footnote-undefined",
                              f"footnote reference [^{r.key}] has no definition '[^{r.key}]: …'")
            active_refs.append(r)
        for d in defs:
            if d.space == "label" and d.key not in referenced:
                self.warn(d.line, "footnote-unreferenced",
                          f"footnote definition [^{d.key}] is never referred to in the text: add "
                          f"[^{d.key}] where it belongs, or delete the note")
        active_refs.extend(r for r in refs if r.space == "raw" and r.key in good_raw)
        active_refs.sort(key=lambda r: (r.line, r.start))
        if not defs and not active_refs:
            return

        # new labels, in order of first reference
        taken = {d.key for d in defs if d.space == "label" and not RE_NUMERIC.match(d.key)}
        taken |= {r.key for r in label_refs if not RE_NUMERIC.match(r.key)}
        raw_defs = {d.key: d for d in defs if d.space == "raw"}
        new: dict[tuple[str, str], str] = {}
        counter = 0

        def assign(space: str, key: str) -> None:
            nonlocal counter
            if (space, key) in new:
                return
            d = raw_defs.get(key) if space == "raw" else None
            if d is not None and d.tn:
                label = f"tn-{key}"
                k = 2
                while label in taken:
                    label = f"tn-{key}-{k}"
                    k += 1
                taken.add(label)
                new[(space, key)] = label
            elif space == "raw" or RE_NUMERIC.match(key):
                counter += 1
                new[(space, key)] = str(counter)
            else:
                new[(space, key)] = key

        for r in active_refs:
            assign(r.space, r.key)
        for d in sorted(defs, key=lambda d: d.line):
            assign(d.space, d.key)

        # substitute references (right to left per line)
        by_line: dict[int, list[_Ref]] = {}
        for r in active_refs:
            by_line.setdefault(r.line, []).append(r)
        for ln, rs in by_line.items():
            s = self.lines[ln]
            for r in sorted(rs, key=lambda r: r.start, reverse=True):
                s = s[: r.start] + f"[^{new[(r.space, r.key)]}]" + s[r.end:]
            self.subst[ln] = s

        # gather definitions
        order = {key: idx for idx, key in enumerate(dict.fromkeys((r.space, r.key) for r in active_refs))}
        defs.sort(key=lambda d: (order.get((d.space, d.key), len(order)), d.line))
        rendered: list[list[str]] = []
        for d in defs:
            first = self.line(d.line)
            # references were searched from body_start on, so the marker before it is intact
            body = first[d.body_start:]
            head = f"[^{new[(d.space, d.key)]}]:"
            out = [f"{head} {body}".rstrip() if body.strip() else head]
            for k in range(d.line + 1, d.end + 1):
                cont = self.line(k)
                if d.space == "raw":
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
        end = i
        k = i + 1
        while (k < n and kinds[k] == mdscan.TEXT and lines[k].strip()
               and not RE_FN_DEF.match(lines[k]) and not RE_HEADING.match(lines[k])
               and not RE_BLOCK_OPEN.match(lines[k])):
            end = k
            k += 1
        # indented continuation blocks after blank lines
        while True:
            k = end + 1
            while k < n and not lines[k].strip():
                k += 1
            if k < n and k > end + 1 and mdscan.indent_width(lines[k]) >= 4:
                while k < n and (not lines[k].strip() or mdscan.indent_width(lines[k]) >= 4):
                    if lines[k].strip():
                        end = k
                    k += 1
            else:
                return end

    # -- pass 2: captions ----------------------------------------------------

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
            bo = RE_BLOCK_OPEN.match(line)
            if bo:
                j = i + 1
                width = bo.group("slashes").strip()
                while j < n and not (RE_BLOCK_CLOSE.match(lines[j]) and lines[j].strip() == width):
                    j += 1
                j = min(j, n - 1)
                name = bo.group("name")
                out.append(_Block(name if name in ("figure-caption", "table-caption") else "block", i, j))
                i = j + 1
                prev_image = False
                continue
            if RE_IMAGE_LINE.match(line):
                out.append(_Block("image", i, i))
                i += 1
                prev_image = True
                continue
            para_start = prev_image or _is_para_start(lines, kinds, i) or (i - 1) in self.removed
            cap = None
            if para_start and line[:1] in "<[〈《(그표예FfTtLl" or para_start and line[:1] == " ":
                span = RE_SPAN_CAPTION.match(line)
                parsed = _parse_caption(span.group("inner") if span else line)
                if parsed:
                    kind, word, num, rest = parsed
                    cap = _Caption(i, i, kind, word, num, rest,
                                   convertible=not span and kind != "listing")
            if cap:
                j = i
                while (j + 1 < n and kinds[j + 1] == mdscan.TEXT and lines[j + 1].strip()
                       and j + 1 not in self.removed and not RE_IMAGE_LINE.match(lines[j + 1])
                       and not RE_HEADING.match(lines[j + 1]) and not RE_BLOCK_OPEN.match(lines[j + 1])
                       and not _parse_caption(lines[j + 1]) and not self._table_at(j + 1)):
                    j += 1
                cap.end = j
                out.append(_Block("caption", i, j, caption=cap))
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
            if RE_HEADING.match(line):
                out.append(_Block("other", i, i))
                i += 1
                prev_image = False
                continue
            j = i
            while (j + 1 < n and kinds[j + 1] == mdscan.TEXT and lines[j + 1].strip()
                   and j + 1 not in self.removed and not RE_IMAGE_LINE.match(lines[j + 1])
                   and not RE_HEADING.match(lines[j + 1]) and not RE_BLOCK_OPEN.match(lines[j + 1])):
                j += 1
            out.append(_Block("para", i, j))
            i = j + 1
            prev_image = False
        return out

    def _table_at(self, i: int) -> bool:
        lines = self.lines
        return ("|" in lines[i] and i + 1 < len(lines) and self.kinds[i + 1] == mdscan.TEXT
                and "-" in lines[i + 1] and bool(RE_TABLE_DELIM.match(lines[i + 1]))
                and ("|" in lines[i + 1] or lines[i].count("|") >= 1))

    def captions(self) -> None:
        blocks = self.blocks()
        target_kind = {"figure": "image", "table": "table"}
        for idx, b in enumerate(blocks):
            if b.kind in ("image", "table") and idx + 1 < len(blocks):
                nxt = blocks[idx + 1]
                if nxt.kind in ("figure-caption", "table-caption"):
                    b.captioned = True
        numbering: list[_Caption] = []
        for idx, b in enumerate(blocks):
            if b.kind != "caption":
                continue
            cap = b.caption
            assert cap is not None
            numbering.append(cap)
            if not cap.convertible:
                continue
            want = target_kind[cap.kind]
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
                          f"'{self.line(cap.line).strip()[:40]}' looks like a {cap.kind} caption, but there is "
                          f"no {'figure' if want == 'image' else 'table'} right before or after it, so it was "
                          f"left as it is. Put it directly below {what} (only blank lines between), or, "
                          "if it is ordinary text, reword the start of the line")
                continue
            target.captioned = True
            body = [cap.text_first] if cap.text_first else []
            body += [self.line(k).strip() for k in range(cap.line + 1, cap.end + 1)]
            new_block = [f"/// {CAPTION_BLOCK[cap.kind]}", *body, "///"]
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
        self._check_numbering(numbering)

    def _check_numbering(self, caps: list[_Caption]) -> None:
        groups: dict[tuple[str, bool, str], list[tuple[int, _Caption]]] = {}
        for cap in caps:
            chapter, number = _num_key(cap.num)
            groups.setdefault((cap.kind, cap.word[0].isascii(), chapter), []).append((number, cap))
        for (_kind, _en, chapter), items in groups.items():
            seen: dict[int, int] = {}
            prev = None
            for number, cap in items:
                label = f"{cap.word} {cap.num}"
                if number in seen:
                    self.warn(cap.line, "caption-duplicate",
                              f"caption number '{label}' is used twice (first on line {seen[number]}); "
                              "check which one is wrong and renumber it")
                elif prev is not None and number != prev + 1:
                    prefix = f"{chapter}-" if chapter else ""
                    if number > prev + 1:
                        missing = ", ".join(f"{prefix}{k}" for k in range(prev + 1, min(number, prev + 4)))
                        more = " …" if number - prev - 1 > 3 else ""
                        self.warn(cap.line, "caption-gap",
                                  f"caption numbering jumps from {prefix}{prev} to '{label}' "
                                  f"({missing}{more} missing); check the numbers")
                    else:
                        self.warn(cap.line, "caption-order",
                                  f"caption '{label}' comes after {prefix}{prev}: the numbers go "
                                  "backwards; check the numbers")
                seen.setdefault(number, cap.line + 1)
                prev = number if prev is None else max(prev, number)

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
    to the house layout.  ``path`` only appears in problems; ``lang`` is
    guessed from ``path`` or the text when not given.  When the scan finds
    an error (an unclosed code fence) the text is returned unchanged."""
    lang = lang or guess_lang(text, path)
    norm = _Normalizer(text, path, lang)
    if any(p.severity == "error" for p in norm.sc.problems):
        return Result(text, list(norm.sc.problems), False, lang)
    norm.footnotes()
    norm.captions()
    out = norm.assemble()
    problems = sorted(norm.sc.problems + norm.problems, key=lambda p: (p.line, p.code))
    return Result(out, problems, out != text, lang)
