"""The house vocabulary: every Markdown form CityVoices recognises, in one place.

Each rule here has exactly one implementation, read by everyone who needs
it: :mod:`cityvoices.normalize` (pasted forms -> house layout),
:mod:`cityvoices.parallel` (``cityvoices check``), :mod:`cityvoices.langsplit`
(``cityvoices import``), :mod:`cityvoices.render` (the site and the PDFs),
:mod:`cityvoices.pdf.assemble`, :mod:`cityvoices.catalog`, the search
analyser and the synthetic corpus.  If you are about to write a regex for
one of these forms elsewhere, import it from here instead.

What it owns
------------

Scripts
    :data:`HANGUL` (syllables) and :data:`HANGUL_ANY` (syllables and jamo).

Footnotes
    House forms: reference ``[^label]`` (:data:`FN_REF_RE`), definition
    ``[^label]: text`` (:data:`FN_DEF_RE`).  Raw (pasted) forms, one
    alternation for references (:data:`REF_RE`: ``¹``, ``<sup>1</sup>``,
    ``[1]``, ``(주1)``, and the house ``[^x]``) and one for definitions at the
    start of a paragraph (:data:`RAW_DEF_RE`: ``1 text``, ``¹ text``,
    ``<sup>1</sup> text``, ``[1] text``, ``(주1) text``).  Each raw form
    belongs to a *family* (:data:`RAW_FAMILY`): a ``[1]`` note and a
    ``(주1)`` note are different notes even when both are number 1.

Translator's notes
    A footnote is a translator's note when its label starts with ``tn-``
    (accepted variants: ``tn_``, any case: :data:`TN_LABEL_RE`) or its text
    starts with a lead word (:data:`TN_LEAD_RE`: 역주, 역자 주, 옮긴이 주,
    Translator's note, ``TN:``).  The house label is ``tn-N``
    (:func:`tn_label`); :func:`is_translator_note` is the one test.

Captions
    The caption words and their kinds (:data:`CAPTION_WORDS`: 그림, 사진,
    Figure, Fig., Photo -> figure; 표, Table -> table; 예제, 리스트, 코드,
    Listing -> listing), the house caption blocks (``/// figure-caption``,
    ``/// table-caption``), the numbered-caption parser
    (:func:`parse_caption`) and the one numbering check
    (:func:`numbering_problems`).

Blocks and inline forms
    Headings (ATX, setext, attribute lists, ``.cv-lang-only``), pipe tables,
    images (inline, whole-line), boxes (admonitions and ``///`` blocks),
    links (inline, reference, HTML, autolinks) and URLs.

Language suffix
    ``NAME.ko.md`` / ``NAME.en.md`` (:func:`split_lang`, :func:`with_lang`),
    and look-alike suffixes that are never published (``index.kr.md``,
    ``index.eng.md``: :func:`unknown_lang_suffix`).

Front matter block
    One ``---`` … ``---`` (or ``...``) block at the very start of a file,
    with any line ending (:func:`front_matter_block`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable

from cityvoices.i18n import LANGS
from cityvoices.problems import Problem

# --------------------------------------------------------------------------
# Scripts

#: Hangul syllables (what "Korean text" means for language guesses).
HANGUL = "가-힣"
#: Hangul syllables and jamo (what must not break inside a word in print).
HANGUL_ANY = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
HANGUL_RE = re.compile(f"[{HANGUL}]")
LATIN_RE = re.compile(r"[A-Za-z]")

# --------------------------------------------------------------------------
# Footnotes

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
DIGIT_TO_SUPER = str.maketrans("0123456789", SUPERSCRIPTS)

_LABEL = r"[^\]\s\[]+"
#: House reference ``[^label]`` (not a definition).
FN_REF_RE = re.compile(rf"\[\^(?P<label>{_LABEL})\](?!:)")
#: House definition ``[^label]: text`` at the start of a line.
FN_DEF_RE = re.compile(rf"^ {{0,3}}\[\^(?P<label>{_LABEL})\]:(?:[ \t]+|$)")

#: Every inline reference form, house and raw, in one alternation (one pass
#: per line).  Groups: ``label`` (house), ``sup`` (¹), ``supn``
#: (``<sup>1</sup>``), ``br`` (``[1]``), ``ju`` (``(주1)``).
REF_RE = re.compile(
    rf"\[\^(?P<label>{_LABEL})\](?!:)"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|<sup>[ \t]*(?P<supn>\d{1,3})[ \t]*</sup>"
    r"|(?<![\]\\!])\[(?P<br>\d{1,3})\](?![(\[:])"
    r"|\(주[ \t]?(?P<ju>\d{1,3})\)"
)
#: A cheap test: could this line hold any reference at all?
REF_TRIGGER_RE = re.compile(r"[\[⁰¹²³⁴⁵⁶⁷⁸⁹]|<sup>|\(주")
#: Raw definitions, at the start of a paragraph.  Groups: ``plain``
#: (``1 text``), ``sup``, ``supn``, ``br``, ``ju`` as in :data:`REF_RE`.
RAW_DEF_RE = re.compile(
    r"^ {0,3}(?:"
    r"(?P<plain>\d{1,3})[ \t]+"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)[ \t]*"
    r"|<sup>[ \t]*(?P<supn>\d{1,3})[ \t]*</sup>[ \t]*"
    r"|\[(?P<br>\d{1,3})\][ \t]+"
    r"|\(주[ \t]?(?P<ju>\d{1,3})\)[ \t]*"
    r")(?=\S)"
)
#: Raw form -> family.  A reference finds its definition in its own family
#: (``[1]`` -> ``[1] text``); superscripts, ``<sup>`` and plain numbers are
#: one family (a ``¹`` in the text, ``1 text`` at the foot).
RAW_FAMILY = {"plain": "num", "sup": "num", "supn": "num", "br": "br", "ju": "ju"}
#: Labels that are regex classes in prose (``[^a-z]``, ``[^>]``), not footnotes.
REGEX_LABEL_RE = re.compile(r"^(?:.-.)+$|[\\^$*+?{}|]")
NUMERIC_RE = re.compile(r"^\d+$")


def digits(s: str) -> str:
    """``"¹⁰"`` / ``"010"`` -> ``"10"``."""
    return str(int(s.translate(SUPER_TO_DIGIT)))


def raw_form(m: re.Match[str]) -> str:
    """The group name of a :data:`REF_RE` / :data:`RAW_DEF_RE` match."""
    return next(k for k in ("label", "plain", "sup", "supn", "br", "ju")
                if k in m.re.groupindex and m.group(k) is not None)


# --------------------------------------------------------------------------
# Translator's notes

TN_PREFIX = "tn-"
#: A translator's-note label: ``tn-3``, also ``tn_3``, ``TN-3``.
TN_LABEL_RE = re.compile(r"^tn[-_]", re.I)
#: Lead words that make a note a translator's note, in both languages (with
#: optional bold and a separator).  ``TN`` alone needs a separator (``TN:``).
TN_LEAD_RE = re.compile(
    r"^[ \t]*(?P<open>\*\*|__)?"
    r"(?P<word>역주|역자[ \t]?주|옮긴이[ \t]?주|translator[’']?s[ \t]+note|TN(?=[ \t]*[:.)]))"
    r"(?P=open)?(?![A-Za-z가-힣])[ \t]*[:.)]?[ \t]*",
    re.I,
)


def is_translator_note(label: str, text: str = "") -> bool:
    """The one test: label ``tn-…``/``tn_…`` or text starting with a lead word."""
    return bool(TN_LABEL_RE.match(label) or TN_LEAD_RE.match(text))


def tn_label(key: str) -> str:
    """The house label of translator's note ``key`` (``3`` -> ``tn-3``;
    ``tn_3``/``TN-3`` -> ``tn-3``)."""
    rest = TN_LABEL_RE.sub("", key) if TN_LABEL_RE.match(key) else key
    return TN_PREFIX + rest.lower()


def strip_tn_lead(text: str) -> str:
    """``text`` without its lead word (``역주: 본문`` -> ``본문``)."""
    m = TN_LEAD_RE.match(text)
    return text[m.end():] if m else text


# --------------------------------------------------------------------------
# Captions

#: Caption words (case-folded) -> kind.
CAPTION_WORDS = {
    "그림": "figure", "사진": "figure", "figure": "figure", "fig.": "figure", "fig": "figure",
    "photo": "figure",
    "표": "table", "table": "table",
    "예제": "listing", "리스트": "listing", "코드": "listing", "listing": "listing",
}
#: Kinds the normalizer turns into house caption blocks, and their names.
CAPTION_BLOCKS = {"figure": "figure-caption", "table": "table-caption"}
#: Words that markers are made of: caption words, the block names, footnote
#: label parts (``tn``, ``주``, ``sup``).  The normalizer's lossless guarantee
#: leaves them out on both sides (they may appear or disappear with a marker).
MARKER_WORDS = frozenset(w.rstrip(".") for w in CAPTION_WORDS) | {"caption", "tn", "주", "sup"}

_WORD_ALT = "|".join(sorted((re.escape(w) for w in CAPTION_WORDS if not w.isascii()), key=len, reverse=True))
_EN_ALT = "|".join(sorted((re.escape(w) for w in CAPTION_WORDS if w.isascii()), key=len, reverse=True))
CAPTION_RE = re.compile(
    r"^(?P<indent> {0,3})(?P<lead><span class=\"caption\">|<figcaption>|<p class=\"caption\">"
    r"|\*\*|__|\*(?!\*)|_(?!_))?"
    r"(?P<open>[<\[〈《(［])?(?(open)[ \t]*)"
    rf"(?P<word>{_WORD_ALT}|(?i:{_EN_ALT}))"
    r"(?P<gap>[ \t]*)"
    r"(?P<num>(?:[A-Z][-‐–.])?\d{1,3}(?:[-‐–.]\d{1,3})?)(?![\d])"
    r"(?P<tail>.*)$"
)
_CLOSERS = {"<": ">", "[": "]", "〈": "〉", "《": "》", "(": ")", "［": "］"}
_CLOSE_RE = re.compile(r"^[ \t]*(?P<close>[>\]〉》)］])")
#: The separator after a caption number: ``.``, ``:``, ``|`` or a dash.
CAPTION_SEP_RE = re.compile(r"^[ \t]*(?:[.:|]|[-–—](?=\s|$))(?=\s|$)")
HTML_LEADS = ('<span class="caption">', "<figcaption>", '<p class="caption">')
#: First characters a caption line can start with (a cheap test before parsing).
CAPTION_START = frozenset("<[〈《(［*_ ") | {w[0] for w in CAPTION_WORDS} | \
    {w[0].upper() for w in CAPTION_WORDS if w.isascii()}
EMPHASIS = ("**", "__", "*", "_")
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


@dataclass(frozen=True)
class CaptionMark:
    """A numbered caption at the start of a line (see :func:`parse_caption`)."""

    kind: str  # figure | table | listing
    word: str  # as written: 그림, Fig., 사진 …
    num: str  # 3, 3-1, B-1
    rest: str  # the caption text on this line, markers removed
    lead: str = ""  # "", an emphasis marker, or an HTML lead (<span class="caption"> …)
    #: for an emphasis lead: whether its closing marker was found on this line
    closed: bool = True

    @property
    def label(self) -> str:
        return f"{self.word} {self.num}"

    @property
    def english(self) -> bool:
        return self.word[0].isascii()

    @property
    def convertible(self) -> bool:
        """Can the normalizer turn it into a house caption block?"""
        return self.kind in CAPTION_BLOCKS and self.lead not in HTML_LEADS


def parse_caption(line: str) -> CaptionMark | None:
    """The numbered caption that ``line`` starts with, or ``None`` for prose
    that merely begins like one.

    After the number a caption has a separator (``.``, ``:``, ``)``, ``>``,
    ``]``, a dash) or the end of the line, or whitespace followed by text
    that is not a Korean particle (``그림 1 과 …``) and, after an English
    word, does not start with a lower-case word (``Figure 4-3 shows``).  A
    Korean letter glued to the number (``그림 4-3과``) or other punctuation
    (``Figure 3, 4``) is prose.  The caption may be wrapped in emphasis
    (``*Figure 3 – …*``, ``**그림 2.** …``) or start with an HTML caption
    element (``<span class="caption">``)."""
    m = CAPTION_RE.match(line)
    if not m:
        return None
    word = m.group("word")
    kind = CAPTION_WORDS[word.lower()]
    english = word[0].isascii()
    gap = m.group("gap")
    if english and not gap and not word.endswith("."):
        return None  # "Figure3" / "Tables1"
    lead = m.group("lead") or ""
    tail = m.group("tail")
    closed = True
    if lead in EMPHASIS:
        # **Figure 3.** text / *Figure 3 – text*: the closing marker goes
        close = re.match(rf"^(?P<sep>[ \t]*[.:]?){re.escape(lead)}(?=\s|$)", tail)
        if close:
            tail = close.group("sep") + tail[close.end():]
        elif tail.rstrip().endswith(lead):
            tail = tail.rstrip()[: -len(lead)]
        else:
            closed = False
    elif lead in HTML_LEADS:
        tail = re.sub(r"</(?:span|figcaption|p)>[ \t]*$", "", tail)

    def mark(rest: str) -> CaptionMark:
        return CaptionMark(kind, word, m.group("num"), rest.strip(), lead, closed)

    opener = m.group("open")
    if opener:
        c = _CLOSE_RE.match(tail)
        if not c or c.group("close") != _CLOSERS[opener]:
            return None
        rest = tail[c.end():]
        s = CAPTION_SEP_RE.match(rest)
        return mark(rest[s.end():] if s else rest)
    if not tail.strip():
        return mark("")
    s = CAPTION_SEP_RE.match(tail)
    if s:
        return mark(tail[s.end():])
    if tail[0] == ")" and (len(tail) == 1 or tail[1] in " \t"):
        return mark(tail[1:])
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
    return mark(rest)


def caption_number_key(num: str) -> tuple[str, int]:
    """``"3-2"`` -> ``("3", 2)``; ``"B-1"`` -> ``("B", 1)``; ``"4"`` -> ``("", 4)``."""
    parts = re.split(r"[-‐–.]", num)
    return "-".join(parts[:-1]), int(parts[-1])


def numbering_problems(captions: Iterable[tuple[int, CaptionMark]], path: str) -> list[Problem]:
    """The one numbering check: ``(1-based line, caption)`` in document order
    -> numbers that repeat, skip or go backwards, per kind and chapter."""
    groups: dict[tuple[str, bool, str], list[tuple[int, int, CaptionMark]]] = {}
    for line, cap in captions:
        chapter, number = caption_number_key(cap.num)
        groups.setdefault((cap.kind, cap.english, chapter), []).append((number, line, cap))
    out: list[Problem] = []
    for (_kind, _en, chapter), items in groups.items():
        seen: dict[int, int] = {}
        prev = None
        for number, line, cap in items:
            if number in seen:
                out.append(Problem(path, line, "caption-duplicate",
                                   f"caption number '{cap.label}' is used twice (first on line {seen[number]}); "
                                   "check which one is wrong and renumber it"))
            elif prev is not None and number != prev + 1:
                prefix = f"{chapter}-" if chapter else ""
                if number > prev + 1:
                    missing = ", ".join(f"{prefix}{k}" for k in range(prev + 1, min(number, prev + 4)))
                    more = " …" if number - prev - 1 > 3 else ""
                    out.append(Problem(path, line, "caption-gap",
                                       f"caption numbering jumps from {prefix}{prev} to '{cap.label}' "
                                       f"({missing}{more} missing); check the numbers"))
                else:
                    out.append(Problem(path, line, "caption-order",
                                       f"caption '{cap.label}' comes after {prefix}{prev}: the numbers go "
                                       "backwards; check the numbers"))
            seen.setdefault(number, line)
            prev = number if prev is None else max(prev, number)
    return sorted(out, key=lambda p: p.line)


# --------------------------------------------------------------------------
# Headings, tables, images, boxes, links

HEADING_RE = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
HEADING_ATTR_RE = re.compile(r"[ \t]*\{:?[ \t]*(?P<attrs>[^{}]*)\}[ \t]*$")
SETEXT_RE = re.compile(r"^ {0,3}(?P<ch>=+|-+)[ \t]*$")
ATTR_LIST_RE = re.compile(r"\{:?[ \t]*(?P<attrs>[^{}]*)\}")
#: The class that marks content as existing in one language only.
LANG_ONLY_CLASS = "cv-lang-only"

#: A pipe table's delimiter row (``| --- | :-: |``).
TABLE_DELIM_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
HTML_TABLE_RE = re.compile(r"<table\b", re.I)

#: An inline Markdown image (``![alt](src "title")`` or ``![alt][ref]``).
IMAGE_MD_RE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"(?:\(\s*<?(?P<src>[^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|\[(?P<ref>[^\]]*)\])"
)
IMAGE_HTML_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?P<q>[\"'])(?P<src>.*?)(?P=q)", re.I | re.S)
#: A line that is only an image: Markdown, linked, ``<img>``, or a
#: pasted placeholder ``Insert 18333fig0301.png``.
IMAGE_LINE_RE = re.compile(
    r"^ {0,3}(?:"
    r"!\[[^\n]*\](?:\([^\n]*\)|\[[^\n]*\])(?:\{[^}\n]*\})?"
    r"|\[!\[[^\n]*\]\([^\n]*\)\]\([^\n]*\)(?:\{[^}\n]*\})?"
    r"|<img\b[^>\n]*>"
    r"|(?i:insert)[ \t]+\S+\.(?i:png|jpe?g|gif|svg|tiff?|bmp|webp)"
    r")[ \t]*$"
)

#: An admonition opener (``!!! note "Title"``, ``??? tip``).
ADMONITION_RE = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+(?P<types>[\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]+\"(?P<title>.*?)\")?")
#: A pymdownx ``///`` block opener (``/// figure-caption``, ``/// tip | Title``).
BLOCK_OPEN_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<slashes>/{3,})[ \t]*(?P<name>[\w-]+)(?:[ \t]*\|[ \t]*(?P<title>.*?))?[ \t]*$")
BLOCK_CLOSE_RE = re.compile(r"^[ \t]*/{3,}[ \t]*$")
#: ``///`` blocks that are not boxes.
NON_BOX_BLOCKS = frozenset({"figure-caption", "table-caption", "caption", "html", "attrs", "tab"})
#: Caption blocks (house and pymdownx's generic one).
CAPTION_BLOCK_NAMES = frozenset({*CAPTION_BLOCKS.values(), "caption"})


@functools.lru_cache(maxsize=16)
def _block_close(slashes: str) -> re.Pattern[str]:
    return re.compile(rf"^[ \t]*{re.escape(slashes)}[ \t]*$")


def block_end(lines: list[str], start: int, opener: re.Match[str]) -> tuple[int, bool]:
    """``(last line, closed)`` of the ``///`` block opened on line ``start``
    by ``opener``: it closes at the next line of the same number of slashes
    (an unclosed block runs to the end of the file)."""
    close = _block_close(opener.group("slashes"))
    j = start + 1
    while j < len(lines) and not close.match(lines[j]):
        j += 1
    return min(j, len(lines) - 1), j < len(lines)


#: An inline link (not an image), with its target or reference.
LINK_MD_RE = re.compile(
    r"(?<![!\\\]])\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"(?:\(\s*<?(?P<url>[^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|\[(?P<ref>[^\]]*)\])?"
)
LINK_HTML_RE = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(?P<q>[\"'])(?P<url>.*?)(?P=q)", re.I | re.S)
AUTOLINK_RE = re.compile(r"<(?P<url>(?:https?|ftp|mailto):[^>\s]+)>")
#: A link reference definition ``[label]: url`` (not a footnote).
REF_DEF_RE = re.compile(r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*<?(?P<url>[^\s>]+)>?(?:[ \t].*)?$")
#: A bare URL in text.
URL_RE = re.compile(r"(?:https?|ftp|file|mailto):[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]|www\.[^\s<>()]+")
#: The target part of an inline link: ``](…)``.
LINK_TARGET_RE = re.compile(r"\]\((?:<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)")

# --------------------------------------------------------------------------
# Language suffix

LANG_SUFFIX_RE = re.compile(rf"^(?P<stem>.+?)\.(?P<lang>{'|'.join(LANGS)})\.(?P<ext>md|markdown)$")
#: What a language suffix that we do not know looks like: two or three
#: letters, a region (``ko-KR``), or a language name.
LOOKALIKE_SUFFIX_RE = re.compile(
    r"^(?P<stem>.+?)\.(?P<suffix>[A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?|korean|english|hangul|hangeul)"
    r"\.(?:md|markdown)$", re.I)
#: Look-alikes and the suffix they were meant to be.
SUFFIX_MEANT = {
    "kr": "ko", "kor": "ko", "korean": "ko", "hangul": "ko", "hangeul": "ko", "ko-kr": "ko", "ko_kr": "ko",
    "eng": "en", "english": "en", "en-us": "en", "en_us": "en", "en-gb": "en", "en_gb": "en", "us": "en",
    "uk": "en", "gb": "en",
}


def split_lang(path: str) -> tuple[str, str] | None:
    """``a/b/index.ko.md`` -> ``("a/b/index", "ko")``; ``None`` for a file
    that is not a publication source (no ``.ko.md``/``.en.md`` suffix)."""
    m = LANG_SUFFIX_RE.match(path)
    return (m.group("stem"), m.group("lang")) if m and m.group("ext") == "md" else None


def lang_of(path: str) -> str | None:
    """The language a file's suffix names (``.ko.md``, also ``.ko.markdown``)."""
    m = LANG_SUFFIX_RE.match(path.lower())
    return m.group("lang") if m else None


def with_lang(path: str, lang: str) -> str:
    """``x/index.ko.md`` -> ``x/index.en.md`` (the counterpart's path)."""
    m = LANG_SUFFIX_RE.match(path)
    if not m:
        raise ValueError(f"{path!r} has no language suffix (.ko.md / .en.md)")
    return f"{m.group('stem')}.{lang}.{m.group('ext')}"


def unknown_lang_suffix(path: str) -> tuple[str, str | None] | None:
    """``(suffix, meant)`` when ``path`` looks like a language file whose
    suffix is not one we publish (``index.kr.md`` -> ``("kr", "ko")``,
    ``index.EN.md`` -> ``("EN", "en")``, ``index.ja.md`` -> ``("ja", None)``)."""
    if split_lang(path):
        return None
    m = LOOKALIKE_SUFFIX_RE.match(path.rsplit("/", 1)[-1])
    if not m:
        return None
    suffix = m.group("suffix")
    low = suffix.lower()
    meant = low if low in LANGS else SUFFIX_MEANT.get(low)
    return suffix, meant


# --------------------------------------------------------------------------
# Front matter block

_NL = r"(?:\r\n|\n|\r)"
_FM_CLOSE = r"(?:---|\.\.\.)[ \t]*"
FRONT_MATTER_RE = re.compile(
    rf"\A(?P<open>---[ \t]*{_NL})(?P<yaml>.*?{_NL})??(?P<close>{_FM_CLOSE})(?:{_NL}|\Z)", re.S)
#: A line that closes a front matter block (``---`` or ``...``).
FRONT_MATTER_CLOSE_RE = re.compile(rf"^{_FM_CLOSE}$")
#: A front matter key line (``title: …``), for telling fields from prose.
FRONT_MATTER_KEY_RE = re.compile(r"^[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)")
#: The first line of a front matter block.
FRONT_MATTER_OPEN_RE = re.compile(r"\A---[ \t]*(?:\r\n|\n|\r|\Z)")


@dataclass(frozen=True)
class FrontMatterBlock:
    """Where the front matter block lies in a text (offsets into it)."""

    yaml: str  # the YAML between the fences ("" when empty)
    yaml_start: int
    yaml_end: int
    end: int  # where the body starts
    lines: int  # lines the block takes (fences included)


def front_matter_block(text: str) -> FrontMatterBlock | None:
    """The front matter block at the start of ``text`` (any line endings),
    or ``None`` when the text has none or it is never closed (see
    :func:`opens_front_matter`)."""
    m = FRONT_MATTER_RE.match(text)
    if not m:
        return None
    start = m.end("open")
    yaml_end = m.end("yaml") if m.group("yaml") is not None else start
    head = text[: m.end()]
    lines = head.count("\n") + head.count("\r") - head.count("\r\n")
    return FrontMatterBlock(text[start:yaml_end], start, yaml_end, m.end(), lines)


def opens_front_matter(text: str) -> bool:
    """Does ``text`` start with a front matter opener (``---`` alone on line 1)?"""
    return bool(FRONT_MATTER_OPEN_RE.match(text))
