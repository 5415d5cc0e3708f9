"""Split a raw bilingual dump (text pasted from a PDF or .docx, Korean and
English interleaved as the magazine's page layout left them) into a Korean
and an English draft.

Pure: text in, two texts and a list of problems out.  What it does:

* every paragraph goes to the language its letters are written in
  (Hangul share of the letters, URLs left out); a paragraph with almost no
  letters of its own (a footnote that is only a URL and a page number)
  goes to both;
* tab-separated rows become a pipe table;
* a paragraph that the page layout cut in two (it stops without final
  punctuation and its language continues, after captions, notes or the
  other language, with more prose) is joined again.  Whether the cut fell
  inside a word cannot be known for sure, so each join is reported with
  both line numbers for the editor to check: Korean halves are joined
  without a space when the last word before the cut is one or two syllables
  (``아젠`` + ``다 이후의``), with a space otherwise;
* captions, notes and tables found between the two halves follow the
  joined paragraph;
* short lines without final punctuation become ``##`` headings, except the
  first one of each language, which is returned as the title; a run of
  three or more short lines becomes a list.

The drafts are then put into the house layout by :mod:`cityvoices.normalize`
(footnotes, captions) by the caller.  Captions and note lines are told apart
by the house vocabulary (:func:`cityvoices.syntax.parse_caption`,
:data:`cityvoices.syntax.RAW_DEF_RE`), so ``import`` and ``normalize`` agree on
what a caption is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cityvoices import syntax
from cityvoices.problems import Problem

RE_HANGUL = syntax.HANGUL_RE
RE_LATIN = syntax.LATIN_RE
#: A bare URL (the one rule, syntax.URL_RE): left out when telling the language of a line.
RE_URL = syntax.URL_RE
TERMINAL = tuple('.!?。…"”’\':;)]')
SHORT = 60  # characters: shorter unfinished lines are headings, not cut paragraphs


@dataclass
class Block:
    line: int  # 1-based first line
    lines: list[str]
    kind: str = "prose"  # prose | note | caption | table | list | short
    lang: str = "en"  # ko | en | both

    @property
    def text(self) -> str:
        return " ".join(s.strip() for s in self.lines)


@dataclass
class Split:
    texts: dict[str, str]
    titles: dict[str, str | None]
    problems: list[Problem] = field(default_factory=list)


def language_of(text: str) -> str:
    body = RE_URL.sub(" ", text)
    hangul = len(RE_HANGUL.findall(body))
    latin = len(RE_LATIN.findall(body))
    if hangul == 0 and latin < 12 and RE_URL.search(text):
        return "both"
    if hangul and hangul >= 0.3 * (hangul + latin) * 0.5:
        return "ko"
    return "en" if latin else "both"


def blocks_of(text: str) -> list[Block]:
    out: list[Block] = []
    cur: list[str] = []
    start = 0
    for i, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not cur:
                start = i
            cur.append(line.rstrip())
        elif cur:
            out.append(Block(start, cur))
            cur = []
    if cur:
        out.append(Block(start, cur))
    for b in out:
        first = b.lines[0].strip()
        if sum("\t" in ln for ln in b.lines) >= max(2, len(b.lines) // 2):
            b.kind = "table"
        elif syntax.parse_caption(first):
            b.kind = "caption"
        elif syntax.RAW_DEF_RE.match(first):
            b.kind = "note"
        elif len(b.lines) >= 3 and all(len(ln.strip()) < 40 for ln in b.lines):
            b.kind = "list"
        elif len(b.text) < SHORT and (not b.text.endswith(TERMINAL) or b.text.endswith(("?", ":"))):
            b.kind = "short"  # a heading ('What is CITYNET?', 'Sharing Solutions …:')
        b.lang = language_of(b.text)
    return out


def _table(block: Block) -> str:
    rows = [[c.strip() for c in ln.split("\t")] for ln in block.lines]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    esc = [[c.replace("|", "\\|") for c in r] for r in rows]
    lines = ["| " + " | ".join(esc[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in esc[1:]]
    return "\n".join(lines)


def _render(block: Block) -> str:
    if block.kind == "table":
        return _table(block)
    if block.kind == "list":
        return "\n".join(f"- {ln.strip()}" for ln in block.lines)
    if block.kind == "short":
        return f"## {block.text.rstrip(':')}"
    return block.text


def _continues(a: str, b: str, lang: str) -> bool:
    """Can ``b`` be the rest of the sentence that ``a`` leaves unfinished?"""
    if not b:
        return False
    if a.endswith((",", ";", "-", "–", "(")) or a.count("(") > a.count(")"):
        return True
    first = b[0]
    if lang == "en" or not RE_HANGUL.match(first):
        # English (or a Latin word inside Korean text): a new sentence or a
        # heading starts with a capital; the rest of a cut sentence does not.
        return not first.isupper() or RE_HANGUL.search(a[-1:] or " ") is not None or a.endswith(tuple("0123456789"))
    return True


def _glue(a: str, b: str, lang: str) -> tuple[str, str]:
    """Join two halves; returns (joined text, separator used)."""
    last = a.split()[-1] if a.split() else ""
    if lang == "ko" and RE_HANGUL.match(b[:1] or " ") and RE_HANGUL.search(last[-1:] or " "):
        syllables = len(RE_HANGUL.findall(last))
        if syllables == len(last) and syllables <= 2:
            return a + b, ""
    return a + " " + b, " "


def join_problem(path: str, line: int, lang: str, cut_at: str, a: str, b: str, sep: str) -> Problem:
    """The report of one join of a cut paragraph (``a`` + ``b``), for every importer."""
    tail = a.split()[-1] if a.split() else ""
    head = b.split()[0] if b.split() else ""
    how = "without a space" if sep == "" else "with a space"
    return Problem(path, line, "import-joined",
                   f"{lang}: joined the paragraph cut at {cut_at} ('{tail}' + '{head}') {how}; check the join", "info")


def split_bilingual(text: str, path: str = "<text>") -> Split:
    blocks = blocks_of(text)
    streams: dict[str, list[Block]] = {"ko": [], "en": []}
    for b in blocks:
        for lang in (("ko", "en") if b.lang == "both" else (b.lang,)):
            streams[lang].append(b)
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    titles: dict[str, str | None] = {}
    for lang, seq in streams.items():
        out: list[str] = []
        title: str | None = None
        i = 0
        seen_prose = False
        while i < len(seq):
            b = seq[i]
            if b.kind == "short" and not seen_prose:
                if title is None:
                    title = b.text
                else:  # title continuation, byline, affiliation: the editor decides
                    out.append(b.text)
                    problems.append(Problem(path, b.line, "import-header",
                                            f"{lang}: '{b.text}' stands before the text; kept as a "
                                            "paragraph: move it into the title or the front matter "
                                            "(authors, translators)", "info"))
                i += 1
                continue
            if b.kind != "prose":
                out.append(_render(b))
                i += 1
                continue
            seen_prose = True
            para = b.text
            held: list[Block] = []
            j = i + 1
            while not para.endswith(TERMINAL) and len(para) >= SHORT:
                k = j
                while k < len(seq) and seq[k].kind in ("caption", "note", "table"):
                    k += 1
                if k >= len(seq) or seq[k].kind != "prose":
                    break
                nxt = seq[k]
                if not _continues(para, nxt.text, lang):
                    break
                joined, sep = _glue(para, nxt.text, lang)
                problems.append(join_problem(path, nxt.line, lang, f"line {b.line}", para, nxt.text, sep))
                para = joined
                held.extend(seq[j:k])
                j = k + 1
            if not held and not para.endswith(TERMINAL) and len(para) < 2 * SHORT and j < len(seq) \
                    and seq[j].kind == "prose" and not _continues(para, seq[j].text, lang):
                para = f"## {para}"  # a long heading: unfinished, and the next paragraph starts anew
            out.append(para)
            out.extend(_render(h) for h in held)
            i = j
        if title is None:
            problems.append(Problem(path, 1, "import-title", f"{lang}: no title line found; set the title by hand",
                                    "warning"))
        texts[lang] = "\n\n".join(out) + "\n"
        titles[lang] = title
    return Split(texts, titles, problems)
