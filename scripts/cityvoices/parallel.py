"""Korean and English stay in step: pure structure extraction and comparison.

``extract(text, path, lang)`` reads the *structure* of one language version
(headings, figures, tables, footnotes, boxes, links, numbered captions and the
front matter fields that must agree); ``compare(a, b)`` lines two structures up
and returns divergences that name file and line on both sides;
``check_pair`` adds the translation state (missing, outdated) and gives one
:class:`PairReport` per publication.  Nothing here reads or writes files.

What is *not* compared, on purpose:

* code (fenced, indented, math, as classified by :func:`mdscan.scan`):
  translators localize comments (``// --생략--``);
* translator's notes: footnotes labelled ``tn-…`` or whose text starts with
  a lead word such as ``역주``;
* content marked ``.cv-lang-only``: a heading carrying it (attr_list) makes
  its whole section, up to the next heading of the same or a higher level,
  language-only; on any other line it makes that block language-only.

The lower part of the module holds the pure helpers of the reader-facing side
(notices, status table, sitemap and hreflang fixes), used by
``cityvoices.integrations.translations``.
"""

from __future__ import annotations

import difflib
import hashlib
import html as _html
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterable

from cityvoices import catalog, frontmatter, i18n, mdscan
from cityvoices.listing import relative_url
from cityvoices.problems import Problem

# --------------------------------------------------------------------------
# Patterns

HEADING_RE = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
HEADING_ATTR_RE = re.compile(r"[ \t]*\{:?[ \t]*(?P<attrs>[^{}]*)\}[ \t]*$")
SETEXT_RE = re.compile(r"^ {0,3}(?P<ch>=+|-+)[ \t]*$")
LANG_ONLY_CLASS = "cv-lang-only"
ATTR_LIST_RE = re.compile(r"\{:?[ \t]*(?P<attrs>[^{}]*)\}")
IMAGE_MD_RE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"(?:\(\s*<?(?P<src>[^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|\[(?P<ref>[^\]]*)\])"
)
IMAGE_HTML_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?P<q>[\"'])(?P<src>.*?)(?P=q)", re.I | re.S)
LINK_MD_RE = re.compile(
    r"(?<![!\\\]])\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"(?:\(\s*<?(?P<url>[^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|\[(?P<ref>[^\]]*)\])?"
)
LINK_HTML_RE = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(?P<q>[\"'])(?P<url>.*?)(?P=q)", re.I | re.S)
AUTOLINK_RE = re.compile(r"<(?P<url>(?:https?|ftp|mailto):[^>\s]+)>")
REF_DEF_RE = re.compile(r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*<?(?P<url>\S+?)>?(?:[ \t].*)?$")
FOOTNOTE_REF_RE = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)")
FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<text>.*)$")
TN_LABEL_RE = re.compile(r"^tn[-_]", re.I)
#: Lead words that mark a footnote as a translator's note (NOTES.md).
TN_LEAD_RE = re.compile(r"^\s*(?:\*\*)?(?:역주|옮긴이\s*주|Translator['’]s note|TN)\b\s*[:.)]?", re.I)
ADMONITION_RE = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+(?P<types>[\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]+\"(?P<title>.*?)\")?")
BLOCK_RE = re.compile(r"^[ \t]*/{3,}[ \t]*(?P<name>[\w-]+)(?:[ \t]*\|[ \t]*(?P<title>.*))?[ \t]*$")
#: ``///`` blocks that are not boxes.
NON_BOX_BLOCKS = {"figure-caption", "table-caption", "caption", "html", "attrs", "tab"}
TABLE_DELIM_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
HTML_TABLE_RE = re.compile(r"<table\b", re.I)

#: Numbered captions written by hand (not-yet-normalized text): series words.
CAPTION_WORDS = {
    "listing": "listing", "예제": "listing", "리스트": "listing", "코드": "listing",
    "figure": "figure", "fig.": "figure", "fig": "figure", "그림": "figure",
    "table": "table", "표": "table",
}
_WORDS = "|".join(sorted((re.escape(w) for w in CAPTION_WORDS), key=len, reverse=True))
CAPTION_NUM = r"(?P<num>(?:[A-Z]|\d+)(?:[-.]\d+)*)"
#: ``<span class="caption">Listing 8-1: …``, ``Figure 3-1. …``, ``그림 1: …``
RAW_CAPTION_RE = re.compile(
    rf"^[ \t]*(?P<lead><span class=\"caption\">|<figcaption>|<p class=\"caption\">|\*\*?|_)?[ \t]*"
    rf"(?P<word>{_WORDS})[ \t]?{CAPTION_NUM}(?P<end>[.:](?=\s|$|<|\*)|[ \t]*[:—–])",
    re.I,
)
#: ``<그림 1> …``, ``[표 2] …``
BRACKET_CAPTION_RE = re.compile(rf"^[ \t]*(?P<open>[<\[〈［])[ \t]*(?P<word>{_WORDS})[ \t]?{CAPTION_NUM}[ \t]*[>\]〉］]", re.I)
#: ``그림1 …`` / ``Table B-1 …`` right after an image line: a caption only there.
LOOSE_CAPTION_RE = re.compile(rf"^[ \t]*(?P<word>{_WORDS})[ \t]?{CAPTION_NUM}[ \t]+\S", re.I)
HOUSE_CAPTION_RE = re.compile(r"^[ \t]*/{3,}[ \t]*(?P<name>figure-caption|table-caption)\b")

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
    line: int  # 1-based line in the file
    label: str = ""  # how to name it in a message
    #: inside .cv-lang-only content: paired when the other language has a
    #: counterpart, never reported when it has none
    optional: bool = False

    def describe(self) -> str:
        return self.label or self.key


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
    problems: list[Problem] = field(default_factory=list)
    n_lines: int = 0

    def of(self, kind: str) -> list[Item]:
        return [it for it in self.items if it.kind == kind]


@dataclass(frozen=True)
class Divergence:
    """A place where the two languages do not match. ``path``/``line`` point
    at the file an editor should open; ``other_*`` at the counterpart."""

    kind: str
    message: str
    path: str
    line: int
    other_path: str = ""
    other_line: int = 0

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class PairReport:
    key: str
    paths: dict[str, str]
    status: str = "complete"
    divergences: list[Divergence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
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

    @property
    def clean(self) -> bool:
        return self.status == "complete" and not self.problems

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["clean"] = self.clean
        return data


# --------------------------------------------------------------------------
# Extraction


def _mask_inline_code(line: str) -> str:
    return mdscan.INLINE_CODE_RE.sub(lambda m: " " * len(m.group(0)), line)


def _attrs_have_lang_only(attrs: str) -> bool:
    return any(tok == "." + LANG_ONLY_CLASS for tok in attrs.split())


def _heading_of(lines: list[str], kinds: list[str], i: int) -> tuple[int, str, str] | None:
    """(level, text, attrs) when line ``i`` is a heading (ATX, or the text
    line above a setext underline)."""
    line = lines[i]
    m = HEADING_RE.match(line)
    if m and kinds[i] == mdscan.TEXT:
        text = (m.group("text") or "").strip()
        text = re.sub(r"[ \t]+#+$", "", text)
        attrs = ""
        am = HEADING_ATTR_RE.search(text)
        if am:
            attrs = am.group("attrs")
            text = text[: am.start()].rstrip()
        return len(m.group("hashes")), text, attrs
    if (kinds[i] == mdscan.TEXT and i + 1 < len(lines) and kinds[i + 1] == mdscan.TEXT
            and SETEXT_RE.match(lines[i + 1]) and line.strip()
            and not mdscan.LIST_ITEM_RE.match(line) and "|" not in line
            and not HEADING_RE.match(line) and mdscan.indent_width(line) < 4
            and not BLOCK_RE.match(line) and not line.strip().startswith(("///", "!!!", "???"))
            and (i == 0 or kinds[i - 1] != mdscan.TEXT)):
        level = 1 if SETEXT_RE.match(lines[i + 1]).group("ch")[0] == "=" else 2
        text = line.strip()
        attrs = ""
        am = HEADING_ATTR_RE.search(text)
        if am:
            attrs, text = am.group("attrs"), text[: am.start()].rstrip()
        return level, text, attrs
    return None


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
    if ADMONITION_RE.match(opener):
        j = end + 1
        while j < n and (not lines[j].strip() or mdscan.indent_width(lines[j]) >= 4):
            if lines[j].strip():
                end = j
            j += 1
    elif BLOCK_RE.match(opener):
        j = start + 1
        while j < n and lines[j].strip() != "///":
            j += 1
        end = max(end, min(j, n - 1))
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


def extract(text: str, path: str = "<text>", lang: str = "") -> Structure:
    """The comparable structure of one language version of a publication."""
    st = Structure(path, lang)
    fm, fm_probs = frontmatter.parse(text, path)
    st.meta, st.fm_lines = fm.data, fm.lines
    st.problems.extend(fm_probs)
    sc = mdscan.scan(text, path)
    st.problems.extend(sc.problems)
    lines = text.split("\n")
    st.n_lines = len(lines)
    kinds = sc.kinds
    prose = [k in (mdscan.TEXT, mdscan.BLANK, mdscan.HTML) for k in kinds]

    # 1. headings, and the language-only ranges they open
    headings: list[tuple[int, int, str, str]] = []  # (index, level, text, attrs)
    for i in range(len(lines)):
        if kinds[i] != mdscan.TEXT:
            continue
        h = _heading_of(lines, kinds, i)
        if h:
            headings.append((i, *h))
    excluded = [False] * len(lines)
    for n, (i, level, _text, attrs) in enumerate(headings):
        if not _attrs_have_lang_only(attrs):
            continue
        end = len(lines) - 1
        for j, lvl2, _t, _a in headings[n + 1:]:
            if lvl2 <= level:
                end = j - 1
                break
        for k in range(i, end + 1):
            excluded[k] = True
        st.lang_only.append((i + 1, end + 1))
    for i, line in enumerate(lines):
        if excluded[i] or not prose[i] or LANG_ONLY_CLASS not in line:
            continue
        if any(_attrs_have_lang_only(m.group("attrs")) for m in ATTR_LIST_RE.finditer(line)) or (
            (am := ADMONITION_RE.match(line)) and LANG_ONLY_CLASS in am.group("types").split()
        ):
            s, e = _block_range(lines, i)
            if any(s <= h[0] <= e for h in headings):
                continue  # a heading: handled above (its whole section)
            for k in range(s, e + 1):
                excluded[k] = True
            st.lang_only.append((s + 1, e + 1))
    st.lang_only.sort()

    for i, level, htext, attrs in headings:
        ident = next((t[1:] for t in attrs.split() if t.startswith("#")), "")
        key = f"h{level}"
        st.items.append(Item("heading", key, i + 1, f"h{level} “{htext}”" + (f" #{ident}" if ident else "")))

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
        m = REF_DEF_RE.match(line)
        if m and kinds[i] == mdscan.TEXT:
            refdefs.setdefault(m.group("label").strip().lower(), m.group("url"))
            refdef_lines.add(i)

    # 2. figures: Markdown images and <img> tags, in order
    figures: list[tuple[int, Item]] = []
    for m in IMAGE_MD_RE.finditer(masked):
        src = m.group("src")
        if src is None:
            ref = (m.group("ref") or m.group("alt")).strip().lower()
            src = refdefs.get(ref)
            if src is None:
                continue
        figures.append((m.start(), Item("figure", _norm_src(src), _line_at(offsets, m.start()))))
    for m in IMAGE_HTML_RE.finditer(masked):
        figures.append((m.start(), Item("figure", _norm_src(m.group("src")), _line_at(offsets, m.start()))))
    st.items.extend(it for _pos, it in sorted(figures, key=lambda t: t[0]))

    # 3. tables: GFM tables (key: number of columns) and <table>
    for i in range(1, len(masked_lines)):
        line, prev = masked_lines[i], masked_lines[i - 1]
        if TABLE_DELIM_RE.match(line) and "|" in prev and ("|" in line or line.count("-") >= 3) \
                and kinds[i] == mdscan.TEXT and not SETEXT_RE.match(line):
            cells = [c for c in line.strip().strip("|").split("|")]
            st.items.append(Item("table", f"{len(cells)} columns", i, f"table with {len(cells)} columns"))
    for m in HTML_TABLE_RE.finditer(masked):
        st.items.append(Item("table", "html table", _line_at(offsets, m.start()), "HTML table"))

    # 4. footnotes: by label in order of first reference; translator's notes apart
    defs: dict[str, tuple[int, str]] = {}
    for i, line in enumerate(masked_lines):
        m = FOOTNOTE_DEF_RE.match(line)
        if m:
            defs.setdefault(m.group("label"), (i + 1, m.group("text")))
    seen: dict[str, int] = {}
    for i, line in enumerate(masked_lines):
        if FOOTNOTE_DEF_RE.match(line):
            rest = line[FOOTNOTE_DEF_RE.match(line).end("label") + 2:]
            scan_parts = [(rest, i)]
        else:
            scan_parts = [(line, i)]
        for part, idx in scan_parts:
            for m in FOOTNOTE_REF_RE.finditer(part):
                seen.setdefault(m.group("label"), idx + 1)
    for label, (line_no, _t) in defs.items():
        seen.setdefault(label, line_no)
    for label, line_no in sorted(seen.items(), key=lambda kv: kv[1]):
        text_of_def = defs.get(label, (0, ""))[1]
        item = Item("footnote", label, line_no, f"[^{label}]")
        if TN_LABEL_RE.match(label) or TN_LEAD_RE.match(text_of_def):
            st.translator_notes.append(item)
        else:
            st.items.append(item)

    # 5. boxes: admonitions, details and pymdownx blocks
    for i, line in enumerate(masked_lines):
        m = ADMONITION_RE.match(line)
        if m:
            types = [t for t in m.group("types").split() if t not in ("inline", "end")]
            kind = types[0] if types else "note"
            title = m.group("title")
            st.items.append(Item("box", kind, i + 1, f"box {kind}" + (f" “{title}”" if title else "")))
            continue
        m = BLOCK_RE.match(line)
        if m and m.group("name") not in NON_BOX_BLOCKS:
            title = (m.group("title") or "").strip()
            st.items.append(Item("box", m.group("name"), i + 1,
                                 f"box {m.group('name')}" + (f" “{title}”" if title else "")))

    # 6. links (not images, not footnotes, not the definition lines)
    links: list[tuple[int, Item]] = []
    for m in LINK_MD_RE.finditer(masked):
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
    for rx in (LINK_HTML_RE, AUTOLINK_RE):
        for m in rx.finditer(masked):
            links.append((m.start(), Item("link", _norm_link(m.group("url")), _line_at(offsets, m.start()),
                                          m.group("url"))))
    st.items.extend(it for _p, it in sorted(links, key=lambda t: t[0]))

    # 7. numbered captions: house caption blocks and hand-numbered captions
    prev_nonblank = ""
    for i, line in enumerate(masked_lines):
        if not line.strip():
            continue
        m = HOUSE_CAPTION_RE.match(line)
        if m:
            series = "figure" if m.group("name").startswith("figure") else "table"
            st.items.append(Item("caption", f"{series}-caption", i + 1, f"/// {m.group('name')}"))
        else:
            starts_block = i == 0 or not masked_lines[i - 1].strip() or kinds[i - 1] != mdscan.TEXT \
                or bool(IMAGE_MD_RE.search(masked_lines[i - 1])) or "<img" in masked_lines[i - 1] \
                or masked_lines[i - 1].lstrip().startswith(("Insert ", "<"))
            cm = RAW_CAPTION_RE.match(line) or BRACKET_CAPTION_RE.match(line)
            if cm and not cm.groupdict().get("lead") and not starts_block:
                cm = None  # a sentence that wraps onto a line starting "Listing 4-6."
            if cm is None and (IMAGE_MD_RE.search(prev_nonblank) or "<img" in prev_nonblank
                               or prev_nonblank.lstrip().startswith("Insert ")):
                cm = LOOSE_CAPTION_RE.match(line)
            if cm:
                series = CAPTION_WORDS[cm.group("word").lower()]
                num = cm.group("num")
                st.items.append(Item("caption", f"{series} {num}", i + 1, f"{cm.group('word')} {num}"))
        prev_nonblank = line
    # language-only content: optional (see Item.optional); translator's notes
    # are out of the comparison altogether
    st.items = [replace(it, optional=True) if excluded[it.line - 1] else it for it in st.items]
    return st


# --------------------------------------------------------------------------
# Numbering checks within one file


def _split_number(num: str) -> tuple[str, int] | None:
    m = re.match(r"^(?P<prefix>.*?)(?P<last>\d+)$", num)
    if not m:
        return None
    return m.group("prefix"), int(m.group("last"))


def numbering_problems(st: Structure) -> list[Divergence]:
    """Duplicated numbers and gaps in hand-numbered caption sequences."""
    out: list[Divergence] = []
    by_series: dict[str, list[Item]] = {}
    for it in st.of("caption"):
        if it.key.endswith("-caption"):
            continue
        series, num = it.key.split(" ", 1)
        by_series.setdefault(series, []).append(it)
    for series, items in by_series.items():
        first: dict[str, Item] = {}
        for it in items:
            num = it.key.split(" ", 1)[1]
            if num in first:
                out.append(Divergence("caption", f"captions: {it.describe()} duplicates the number of "
                                                 f"{first[num].describe()} at line {first[num].line}",
                                      st.path, it.line, st.path, first[num].line))
            else:
                first[num] = it
        groups: dict[str, list[tuple[int, Item]]] = {}
        for num, it in first.items():
            sp = _split_number(num)
            if sp:
                groups.setdefault(sp[0], []).append((sp[1], it))
        for prefix, nums in groups.items():
            have = {n for n, _ in nums}
            lo, hi = min(have), max(have)
            gaps = [n for n in range(lo, hi + 1) if n not in have]
            if gaps:
                word = items[0].describe().split(" ")[0]
                shown = ", ".join(f"{word} {prefix}{n}" for n in gaps[:5]) + (" …" if len(gaps) > 5 else "")
                after = max((it for n, it in nums if n < gaps[0]), key=lambda it: it.line, default=items[0])
                out.append(Divergence("caption", f"captions: numbering has a gap: {shown} missing "
                                                 f"({word} {prefix}{lo}–{prefix}{hi})",
                                      st.path, after.line))
    return out


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
        return [_flip(d, a, b) if d.kind != "frontmatter" and "differs" in d.message else d
                for d in compare(a, b)]
    out: list[Divergence] = []
    # front matter that must agree
    fm_broken = any(p.code.startswith("frontmatter") for p in a.problems + b.problems)
    for key in () if fm_broken else MUST_AGREE:
        va, vb = _fm_value(a.meta, key), _fm_value(b.meta, key)
        if va != vb and not (key == "original" and (va is None or vb is None)):
            out.append(Divergence(
                "frontmatter",
                f"front matter '{key}': {va if va is not None else '(none)'} in {a.lang} vs "
                f"{vb if vb is not None else '(none)'} in {b.lang} ({a.path}:{a.fm_lines.get(key, 1)})",
                b.path, b.fm_lines.get(key, 1), a.path, a.fm_lines.get(key, 1)))
    for kind in KINDS:
        xs, ys = a.of(kind), b.of(kind)
        out.extend(_compare_seq(kind, a, xs, b, ys))
    return out


def _flip(d: Divergence, a: Structure, b: Structure) -> Divergence:
    return Divergence(d.kind, d.message, d.other_path, d.other_line, d.path, d.line)


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
                out.append(Divergence(kind, f"{head}; level differs: {x.describe()} in {a.lang} "
                                            f"({a.path}:{x.line}) vs {y.describe()} in {b.lang} ({b.path}:{y.line})",
                                      b.path, y.line, a.path, x.line))
        return out
    sm = difflib.SequenceMatcher(None, [x.key for x in xs], [y.key for y in ys], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if op == "delete":
            for x in xs[i1:i2]:
                if x.optional:
                    continue
                out.append(Divergence(kind, f"{head}; missing in {b.lang}: {x.describe()} "
                                            f"({a.path}:{x.line}), expected {_after(ys, j1)}",
                                      b.path, ys[j1 - 1].line if j1 > 0 and ys else 0, a.path, x.line))
        elif op == "insert":
            for y in ys[j1:j2]:
                if y.optional:
                    continue
                out.append(Divergence(kind, f"{head}; missing in {a.lang}: {y.describe()} "
                                            f"({b.path}:{y.line}), expected {_after(xs, i1)}",
                                      a.path, xs[i1 - 1].line if i1 > 0 and xs else 0, b.path, y.line))
        else:  # replace: pair them up, report leftovers as missing
            xr = [x for x in xs[i1:i2] if not x.optional]
            yr = [y for y in ys[j1:j2] if not y.optional]
            for k in range(max(len(xr), len(yr))):
                x = xr[k] if k < len(xr) else None
                y = yr[k] if k < len(yr) else None
                if x and y and kind == "link":
                    continue  # a localized target: counted, not compared
                if x and y:
                    out.append(Divergence(kind, f"{head}; differs: {x.describe()} in {a.lang} "
                                                f"({a.path}:{x.line}) vs {y.describe()} in {b.lang} ({b.path}:{y.line})",
                                          b.path, y.line, a.path, x.line))
                elif x:
                    out.append(Divergence(kind, f"{head}; missing in {b.lang}: {x.describe()} "
                                                f"({a.path}:{x.line}), expected {_after(ys, j2)}",
                                          b.path, ys[j2 - 1].line if j2 > 0 and ys else 0, a.path, x.line))
                elif y:
                    out.append(Divergence(kind, f"{head}; missing in {a.lang}: {y.describe()} "
                                                f"({b.path}:{y.line}), expected {_after(xs, i2)}",
                                          a.path, xs[i2 - 1].line if i2 > 0 and xs else 0, b.path, y.line))
    return out


# --------------------------------------------------------------------------
# Translation state: source hash


HASH_PREFIX = "sha256:"
HASH_FIELDS = ("title", "summary")


def normalized_source(text: str) -> str:
    """What the source hash covers: the translatable front matter fields
    (title, summary) and the body, Unicode NFC, trailing spaces and runs of
    blank lines ignored.  Other front matter (tags, dates, source_hash,
    translators …) is left out, so bookkeeping edits do not mark a
    translation outdated."""
    fm, _probs = frontmatter.parse(text)
    _raw, body, _span = frontmatter.split(text)
    parts = [f"{k}: {fm.data.get(k) or ''}" for k in HASH_FIELDS]
    body_lines = [ln.rstrip() for ln in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip("\n")
    return unicodedata.normalize("NFC", "\n".join(parts) + "\n\n" + body + "\n")


def source_hash(text: str) -> str:
    return HASH_PREFIX + hashlib.sha256(normalized_source(text).encode("utf-8")).hexdigest()[:16]


FM_FIELD_LINE_RE = re.compile(r"^source_hash[ \t]*:.*?(?=\r?\n|\r|\Z)", re.M)
FM_RAW_RE = re.compile(r"\A(---[ \t]*(?:\r\n|\n|\r))(.*?)(?:(?<=\n)|(?<=\r))(---|\.\.\.)[ \t]*(?:\r\n|\n|\r|\Z)", re.S)


def set_source_hash(text: str, value: str, path: str = "<text>") -> str:
    """``text`` with its front matter field ``source_hash`` set to ``value``;
    every other byte unchanged (line endings as found).  Raises
    :class:`~cityvoices.problems.CityVoicesError` when there is no front
    matter to write into."""
    from cityvoices.problems import CityVoicesError

    m = FM_RAW_RE.match(text)
    if not m:
        raise CityVoicesError(path, 1, "has no front matter ('---' block) to record source_hash in",
                              code="frontmatter-missing")
    head, body = m.group(1), m.group(2)
    nl = "\r\n" if "\r\n" in head else ("\r" if head.endswith("\r") else "\n")
    line = f"source_hash: {value}"
    if FM_FIELD_LINE_RE.search(body):
        new_body = FM_FIELD_LINE_RE.sub(lambda _m: line, body, count=1)
    else:
        lines = body.splitlines(keepends=True)
        idx = len(lines)
        for k, ln in enumerate(lines):
            if re.match(r"^original[ \t]*:", ln):
                idx = k + 1
        if lines and idx == len(lines) and not (lines[-1].endswith("\n") or lines[-1].endswith("\r")):
            lines[-1] += nl
        lines.insert(idx, line + nl)
        new_body = "".join(lines)
    return text[: m.start(2)] + new_body + text[m.end(2):]


# --------------------------------------------------------------------------
# Pairing and checking


def pair_key(path: str) -> tuple[str, str] | None:
    """``(key, lang)`` for ``…/x/index.ko.md`` (key ``…/x``) and for flat
    ``…/X.en.md`` files (key ``…/X``)."""
    parts = catalog.split_lang(path)
    if not parts:
        return None
    stem, lang = parts
    key = stem[: -len("/index")] if stem.endswith("/index") else stem
    return key, lang


def pair_files(paths: Iterable[str]) -> dict[str, dict[str, str]]:
    pairs: dict[str, dict[str, str]] = {}
    for p in paths:
        pk = pair_key(p)
        if pk:
            pairs.setdefault(pk[0], {})[pk[1]] = p
    return dict(sorted(pairs.items()))


def check_pair(key: str, versions: dict[str, tuple[str, str]]) -> PairReport:
    """Check one publication. ``versions``: ``{lang: (path, text)}``."""
    rep = PairReport(key, {lang: p for lang, (p, _t) in versions.items()})
    structs = {lang: extract(text, path, lang) for lang, (path, text) in versions.items()}
    for lang, st in structs.items():
        rep.problems.extend(p for p in st.problems if p.severity == "error")
        rep.translator_notes[lang] = [it.key for it in st.translator_notes]
        rep.lang_only[lang] = st.lang_only
        rep.counts[lang] = {k: len(st.of(k)) for k in KINDS}
        rep.divergences.extend(numbering_problems(st))
    present = [lang for lang in i18n.LANGS if lang in structs]
    rep.missing = [lang for lang in i18n.LANGS if lang not in structs]
    if len(present) == 2:
        a, b = structs["ko"], structs["en"]
        original = _fm_value(a.meta, "original") or _fm_value(b.meta, "original")
        rep.divergences.extend(compare(a, b, i18n.other(original) if original in i18n.LANGS else "ko"))
        if original in i18n.LANGS:
            rep.source_lang, rep.translation_lang = original, i18n.other(original)
            src_text = versions[original][1]
            rep.expected_hash = source_hash(src_text)
            rep.recorded_hash = _fm_value(structs[rep.translation_lang].meta, "source_hash")
            tpath = versions[rep.translation_lang][0]
            if rep.recorded_hash is None:
                rep.outdated = True
                rep.outdated_reason = (f"{tpath}: no source_hash recorded; after checking the translation "
                                       f"against {versions[original][0]}, run "
                                       f"'cityvoices check --mark-translated {tpath}'")
            elif rep.recorded_hash != rep.expected_hash:
                rep.outdated = True
                rep.outdated_reason = (f"{tpath}:{structs[rep.translation_lang].fm_lines.get('source_hash', 1)}: "
                                       f"translation outdated: the {original} source {versions[original][0]} "
                                       f"changed after it was translated (source_hash {rep.recorded_hash}, "
                                       f"source now {rep.expected_hash})")
    if rep.missing:
        rep.status = "missing"
    elif rep.outdated:
        rep.status = "outdated"
    elif rep.divergences:
        rep.status = "divergent"
    elif rep.problems:
        rep.status = "divergent"
    else:
        rep.status = "complete"
    return rep


def check_sources(files: Iterable[tuple[str, str]]) -> dict[str, PairReport]:
    """Check every publication among ``(path, text)`` files."""
    texts = dict(files)
    out = {}
    for key, langs in pair_files(texts).items():
        out[key] = check_pair(key, {lang: (p, texts[p]) for lang, p in langs.items()})
    return out


def format_report(rep: PairReport) -> str:
    """The readable report of one publication."""
    names = ", ".join(f"{lang}: {rep.paths[lang]}" for lang in i18n.LANGS if lang in rep.paths)
    lines = [f"== {rep.key} [{rep.status}] ({names})"]
    for p in rep.problems:
        lines.append("  " + p.format())
    for lang in rep.missing:
        have = next(iter(rep.paths.values()))
        lines.append(f"  {have}: missing translation: no {lang} version "
                     f"(expected {re.sub(r'[.](ko|en)[.]md$', f'.{lang}.md', have)})")
    if rep.outdated:
        lines.append("  " + rep.outdated_reason)
    for d in rep.divergences:
        lines.append("  " + d.format())
    notes = {lang: v for lang, v in rep.translator_notes.items() if v}
    if notes:
        lines.append("  (translator's notes left out: " + "; ".join(
            f"{lang} {', '.join('[^' + n + ']' for n in v)}" for lang, v in notes.items()) + ")")
    only = {lang: v for lang, v in rep.lang_only.items() if v}
    if only:
        lines.append("  (.cv-lang-only left out: " + "; ".join(
            f"{lang} lines " + ", ".join(f"{s}–{e}" for s, e in v) for lang, v in only.items()) + ")")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Reader-facing helpers (pure; used by integrations.translations)


def missing_notice(reader_lang: str, content_lang: str, href: str) -> str:
    """The notice on a page whose ``reader_lang`` version does not exist."""
    esc = _html.escape
    text = i18n.label(reader_lang, "missing_translation", lang=i18n.LANG_IN[reader_lang][content_lang])
    link = i18n.label(reader_lang, "read_in", lang=i18n.LANG_NAMES[content_lang])
    return (f'<div class="admonition warning cv-missing-translation" role="note" lang="{reader_lang}">'
            f'<p class="admonition-title">{esc(i18n.label(reader_lang, "status.missing"))}</p>'
            f'<p>{esc(text)} <a href="{esc(href)}" hreflang="{content_lang}" lang="{content_lang}">'
            f'{esc(link)}</a></p></div>')


def outdated_notice(lang: str, source_lang: str, href: str) -> str:
    esc = _html.escape
    return (f'<div class="admonition warning cv-outdated-translation" role="note" lang="{lang}">'
            f'<p class="admonition-title">{esc(i18n.label(lang, "status.outdated"))}</p>'
            f'<p>{esc(i18n.label(lang, "outdated_translation"))} '
            f'<a href="{esc(href)}" hreflang="{source_lang}">{esc(i18n.label(lang, "source_version"))} '
            f'({esc(i18n.LANG_NAMES[source_lang])})</a></p></div>')


def wrap_content_lang(html: str, content_lang: str) -> str:
    """Mark rendered page content as written in ``content_lang``."""
    return f'<div class="cv-content-lang" lang="{content_lang}">\n{html}\n</div>'


NOT_TRANSLATED = {"ko": "번역 없음", "en": "not translated"}


def switcher_name(name: str, reader_lang: str) -> str:
    """``English (not translated)`` / ``English (번역 없음)``: in the
    language of the page the reader is on."""
    return f"{name} ({NOT_TRANSLATED.get(reader_lang, NOT_TRANSLATED['en'])})"


HEAD_ALT_RE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="(?P<lang>[a-z-]+)">\n?')


def drop_head_alternates(output: str, langs: set[str]) -> str:
    """Remove ``<link rel="alternate" hreflang>`` for ``langs`` from the head."""
    head_end = output.find("</head>")
    if head_end < 0:
        return output
    head = HEAD_ALT_RE.sub(lambda m: "" if m.group("lang") in langs else m.group(0), output[:head_end])
    return head + output[head_end:]


SITEMAP_URL_RE = re.compile(r"[ \t]*<url>.*?</url>\n?", re.S)
SITEMAP_LOC_RE = re.compile(r"<loc>(?P<loc>[^<]*)</loc>")
SITEMAP_ALT_RE = re.compile(r'\n?[ \t]*<xhtml:link rel="alternate" hreflang="[^"]*" href="(?P<href>[^"]*)"/>')


def fix_sitemap(xml: str, missing_abs_urls: set[str]) -> str:
    """Drop sitemap entries for fallback pages (a translation that does not
    exist) and every ``xhtml:link`` alternate that points at one."""

    def url_block(m: re.Match[str]) -> str:
        block = m.group(0)
        loc = SITEMAP_LOC_RE.search(block)
        if loc and _html.unescape(loc.group("loc")) in missing_abs_urls:
            return ""
        return SITEMAP_ALT_RE.sub(
            lambda a: "" if _html.unescape(a.group("href")) in missing_abs_urls else a.group(0), block)

    return SITEMAP_URL_RE.sub(url_block, xml)


def status_table(reports: Iterable[PairReport], lang: str, base_url: str,
                 titles: dict[str, dict[str, str]], urls: dict[str, dict[str, str]]) -> str:
    """The translation status table for the status page (HTML).

    ``titles[key][lang]`` and ``urls[key][lang]`` (site-relative) describe
    each publication's existing versions."""
    esc = _html.escape
    head = {"ko": ("발행물", "상태", "한국어", "영어"), "en": ("Publication", "Status", "Korean", "English")}[
        "ko" if lang == "ko" else "en"]
    rows = []
    reps = list(reports)
    for rep in reps:
        t = titles.get(rep.key, {})
        title = t.get(lang) or next(iter(t.values()), rep.key)
        title_lang = lang if lang in t else next(iter(t), lang)
        cells = [f'<td lang="{title_lang}">{esc(title)}</td>',
                 f'<td><span class="cv-status cv-status-{rep.status}">{esc(i18n.label(lang, "status." + rep.status))}</span></td>']
        for v in i18n.LANGS:
            href = urls.get(rep.key, {}).get(v)
            if href:
                cells.append(f'<td><a href="{esc(relative_url(href, base_url))}" hreflang="{v}">'
                             f'{esc(i18n.LANG_NAMES[v])}</a></td>')
            else:
                cells.append(f'<td class="cv-status-none">{esc(i18n.label(lang, "status.missing"))}</td>')
        rows.append(f'<tr data-key="{esc(rep.key)}" data-status="{rep.status}">' + "".join(cells) + "</tr>")
    counts = {s: sum(1 for r in reps if r.status == s) for s in STATUSES}
    summary = " · ".join(f"{esc(i18n.label(lang, 'status.' + s))} {counts[s]}" for s in STATUSES)
    return ('<div class="cv-translation-status">'
            f'<p class="cv-status-summary">{summary}</p>'
            '<table><thead><tr>' + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table></div>")
