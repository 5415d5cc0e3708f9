"""A line-level scanner for Markdown: which lines are prose and which must
never be touched (front matter, code, math, raw HTML).

The normalizer and the parallel check both stand on this, so that "what is
code" has one answer in the whole project.  It follows CommonMark where that
matters for us (fences, indented code, HTML blocks) and Python-Markdown's
container rule (4-space indented bodies of lists, admonitions, footnote
definitions and ``///`` blocks are prose, not code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cityvoices import frontmatter, syntax
from cityvoices.problems import Problem

FRONT = "frontmatter"
CODE = "code"  # fenced or indented code, including the fence lines
MATH = "math"
HTML = "html"
TEXT = "text"
BLANK = "blank"

FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MATH_OPEN_RE = re.compile(r"^[ \t]*(\$\$|\\\[)[ \t]*$")
MATH_ONE_LINE_RE = re.compile(r"^[ \t]*\$\$.+\$\$[ \t]*$")
HTML_BLOCK_TAGS = (
    "address|article|aside|blockquote|body|caption|center|colgroup|dd|details|dialog|dir|div|dl|dt|"
    "fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|"
    "li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|pre|script|section|source|"
    "style|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul|video|audio|picture|canvas|svg|"
    "math|object|noscript|textarea"
)
HTML_OPEN_RE = re.compile(rf"^ {{0,3}}(?:<(?:{HTML_BLOCK_TAGS})(?:[\s/>]|$)|</(?:{HTML_BLOCK_TAGS})>|<!--|<\?|<![A-Z])", re.I)
LIST_ITEM_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
CONTAINER_RE = re.compile(
    r"^[ \t]*(?:!!!|\?\?\?\+?|===)[ \t]|^[ \t]*\[\^[^\]\s]+\]:|^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+"
)
BLOCK_FENCE_RE = re.compile(r"^[ \t]*/{3,}")


@dataclass
class Scan:
    kinds: list[str]
    problems: list[Problem] = field(default_factory=list)
    #: lines of fence openers, for messages
    fences: list[tuple[int, int]] = field(default_factory=list)

    def is_text(self, i: int) -> bool:
        return self.kinds[i] in (TEXT, BLANK)


def indent_width(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


NUL_RE = re.compile("\x00")
#: Deepest nesting of lists and quotes a source may use.  Python-Markdown
#: recurses once per level and runs out of stack a few hundred levels down;
#: no publication needs more than a handful.
MAX_NESTING = 50
#: A line that may open a list or quote nested deeper than MAX_NESTING (the
#: cheap test; :func:`nesting_depth` decides).
DEEP_PREFIX_RE = re.compile(rf"^[ \t>]{{{MAX_NESTING},}}", re.M)


def nesting_depth(line: str) -> int:
    """Levels of list or quote nesting ``line`` opens: one per ``>`` and one
    per four columns of indentation before a list marker."""
    depth = 0
    width = 0
    for i, ch in enumerate(line):
        if ch == ">":
            depth += 1
            width = 0
        elif ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            if LIST_ITEM_RE.match(line[i:]):
                depth += width // 4 + 1
            break
    return depth


#: The codes of :func:`text_problems`.
TEXT_CODES = ("nul-byte", "too-deep")


def text_problems(text: str, path: str = "<text>") -> list[Problem]:
    """What no source may hold: NUL characters (they would be copied into the
    HTML and cut strings short in C libraries), one error per line; and lists
    or quotes nested deeper than :data:`MAX_NESTING` (they would exhaust the
    renderer's stack), one error for the first such line."""
    out = []
    if "\x00" in text:
        seen = set()
        for m in NUL_RE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            if line not in seen:
                seen.add(line)
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                out.append(Problem(path, line, "nul-byte",
                                   f"a NUL character (byte 0x00) at column {col}: delete it (a damaged copy or a "
                                   "binary paste)", "error"))
    for m in DEEP_PREFIX_RE.finditer(text):
        end = text.find("\n", m.start())
        depth = nesting_depth(text[m.start(): end if end >= 0 else len(text)])
        if depth > MAX_NESTING:
            out.append(Problem(path, text.count("\n", 0, m.start()) + 1, "too-deep",
                               f"a list or quote nested {depth} levels deep (at most {MAX_NESTING}): it cannot "
                               "be rendered; flatten it", "error"))
            break
    return out


def scan(text: str, path: str = "<text>") -> Scan:
    """Classify every line of ``text`` (split on ``\\n``).  Characters that
    no source may hold (:func:`text_problems`) are errors in ``problems``."""
    lines = text.split("\n")
    kinds = [TEXT] * len(lines)
    problems: list[Problem] = text_problems(text, path)
    fences: list[tuple[int, int]] = []
    _raw, _body, span = frontmatter.split(text)
    for i in range(min(span, len(lines))):
        kinds[i] = FRONT
    i = span
    n = len(lines)
    prev_blank = True
    container_indent = -1  # indent of the last list item / admonition / footnote def
    no_closer_after: dict[str, int] = {}
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            kinds[i] = BLANK
            prev_blank = True
            i += 1
            continue
        ind = indent_width(line)
        m = FENCE_RE.match(line)
        if m and (ind < 4 or container_indent >= 0 and ind <= container_indent + 7):
            fence = m.group("fence")
            if fence[0] == "`" and "`" in m.group("info"):
                m = None  # inline code such as ```a``` on one line
        if m and (ind < 4 or container_indent >= 0 and ind <= container_indent + 7):
            fence = m.group("fence")
            close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            j = i + 1
            while j < n and not close.match(lines[j]):
                j += 1
            if j >= n:
                problems.append(Problem(path, i + 1, "unclosed-fence",
                                        f"code fence {fence!r} opened here is never closed; "
                                        "everything after it would be treated as code", "error"))
                for k in range(i, n):
                    kinds[k] = CODE
                fences.append((i, n - 1))
                break
            for k in range(i, j + 1):
                kinds[k] = CODE
            fences.append((i, j))
            i = j + 1
            prev_blank = False
            continue
        if MATH_OPEN_RE.match(line) and not MATH_ONE_LINE_RE.match(line):
            closer = "$$" if "$$" in line else "\\]"
            j = i + 1
            if closer in no_closer_after and i >= no_closer_after[closer]:
                j = n  # already known: no closer below (keeps many unclosed $$ linear)
            while j < n and lines[j].strip() != closer:
                j += 1
            if j >= n:
                no_closer_after[closer] = min(i, no_closer_after.get(closer, i))
            if j < n:
                for k in range(i, j + 1):
                    kinds[k] = MATH
                i = j + 1
                prev_blank = False
                continue
        if MATH_ONE_LINE_RE.match(line):
            kinds[i] = MATH
            i += 1
            prev_blank = False
            continue
        if prev_blank and HTML_OPEN_RE.match(line):
            comment = stripped.startswith("<!--")
            j = i
            while j < n:
                if comment:
                    kinds[j] = HTML
                    if "-->" in lines[j]:
                        break
                else:
                    if not lines[j].strip():
                        break
                    kinds[j] = HTML
                j += 1
            i = j + 1 if comment else j
            prev_blank = comment
            continue
        if ind >= 4 and prev_blank and container_indent < 0:
            # indented code block: runs until a non-blank line indented less than 4
            j = i
            last = i
            while j < n:
                if lines[j].strip():
                    if indent_width(lines[j]) < 4:
                        break
                    last = j
                j += 1
            for k in range(i, last + 1):
                kinds[k] = CODE if lines[k].strip() else BLANK
            i = last + 1
            prev_blank = False
            continue
        # prose: track containers whose indented bodies are prose
        if CONTAINER_RE.match(line) or BLOCK_FENCE_RE.match(line):
            container_indent = ind
        elif prev_blank and ind <= container_indent:
            container_indent = -1 if ind == 0 else container_indent
        elif prev_blank and ind < 4 and container_indent < 0:
            container_indent = -1
        kinds[i] = TEXT
        prev_blank = False
        i += 1
    return Scan(kinds, problems, fences)


INLINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
INLINE_MATH_RE = re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$(?!\d)")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->")


def protected_spans(line: str, *, keep_tags: tuple[str, ...] = ("sup",)) -> list[tuple[int, int]]:
    """Character ranges of ``line`` that a transform must leave alone:
    inline code, inline math, URLs, autolinks, link targets, reference
    definitions and HTML tags (except those named in ``keep_tags``)."""
    spans: list[tuple[int, int]] = []
    for m in INLINE_CODE_RE.finditer(line):
        spans.append(m.span())
    if syntax.REF_DEF_RE.match(line):
        spans.append((0, len(line)))
    for rx in (syntax.AUTOLINK_RE, syntax.LINK_TARGET_RE, syntax.URL_RE, INLINE_MATH_RE):
        for m in rx.finditer(line):
            spans.append(m.span())
    for m in HTML_TAG_RE.finditer(line):
        name = re.match(r"</?([A-Za-z0-9-]+)", m.group(0))
        if name and name.group(1).lower() in keep_tags:
            continue
        spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)
