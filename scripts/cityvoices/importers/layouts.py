"""From source documents to one Korean and one English stream.

Pure.  Three bilingual layouts (:func:`split`):

* ``interleaved``: one file, paragraphs of both languages in turn (the seed's
  layout); each paragraph goes to the language its letters are written in
  (:func:`cityvoices.langsplit.language_of`), a picture to the language of
  the captions around it (both when they are in both languages);
* ``two-column``: one file whose text is a table of two columns, Korean on
  one side and English on the other (which side is which is measured);
* ``separate``: two files, one per language (``X.ko.docx X.en.pdf``).

Then, in each stream: captions (by style, or by the caption forms the
normalizer knows: :func:`caption_of`) attach to the picture or table next to
them; the title and the lines before the text (bylines) are taken out; for
PDF sources, paragraphs the page layout cut are joined again and each join
is reported (:mod:`cityvoices.langsplit`); notes found in one language only
(or marked with a lead word such as 역주) become translator's notes
(``tn-N``), the others are numbered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from cityvoices import langsplit, syntax
from cityvoices.importers.model import Block, Document, Image, Note, Para, Run, Table
from cityvoices.problems import Problem

LANGS = ("ko", "en")
RE_URL = syntax.URL_RE  # a bare URL: the one rule
RE_ANCHOR = re.compile(r"[A-Za-z]{4,}|\d{2,}")


def caption_of(text: str) -> tuple[str, str] | None:
    """``(kind, text without its prefix and number)`` when ``text`` is a
    numbered caption (``그림 1. …``, ``Table 2: …``) by the normalizer's
    rule; ``None`` for prose.  The one place importers read caption words."""
    mark = syntax.parse_caption(text.strip())
    return (mark.kind, mark.rest) if mark else None


def tn_lead(text: str) -> re.Match | None:
    """The translator's-note lead word at the start of a note (역주, 옮긴이 주,
    Translator's note), by the rule ``cityvoices check`` applies."""
    return syntax.TN_LEAD_RE.match(text)


@dataclass
class Figure:
    """A picture with the caption attached to it in one language."""

    image: Image
    caption: Para | None = None
    where: int = 0


@dataclass
class Stream:
    lang: str
    path: str
    blocks: list = field(default_factory=list)  # Para | Figure | Table
    notes: dict[str, Note] = field(default_factory=dict)
    title: str | None = None
    header: list[Para] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # note id -> house label
    translator_notes: list[str] = field(default_factory=list)
    orphans: list[Para] = field(default_factory=list)  # captions with no figure or table


@dataclass
class Split:
    layout: str
    streams: dict[str, Stream]
    problems: list[Problem] = field(default_factory=list)


def block_lang(b: Block) -> str:
    if isinstance(b, Para):
        return langsplit.language_of(b.text)
    if isinstance(b, Table):
        return langsplit.language_of(" ".join(c.text for row in b.rows for c in row))
    return "both"


def doc_lang(doc: Document) -> str | None:
    counts = {"ko": 0, "en": 0}
    for p in doc.paragraphs():
        lang = langsplit.language_of(p.text)
        if lang in counts:
            counts[lang] += len(p.text)
    if not any(counts.values()):
        return None
    return max(counts, key=counts.get)


def _is_caption(p: Para) -> bool:
    return p.caption or caption_of(p.text) is not None


def _image_langs(blocks: list[Block], i: int) -> set[str]:
    """Languages of the captions right after (or else right before) picture ``i``."""
    langs: set[str] = set()
    j = i + 1
    while j < len(blocks) and isinstance(blocks[j], Para) and _is_caption(blocks[j]):
        langs.add(block_lang(blocks[j]))
        j += 1
    if not langs:
        j = i - 1
        while j >= 0 and isinstance(blocks[j], Para) and _is_caption(blocks[j]):
            langs.add(block_lang(blocks[j]))
            j -= 1
    langs.discard("both")
    return langs or set(LANGS)


def _route(blocks: list[Block], out: dict[str, list[Block]]) -> None:
    """Send each block to its language (interleaved layout)."""
    for i, b in enumerate(blocks):
        if isinstance(b, Image):
            langs = _image_langs(blocks, i)
        else:
            lang = block_lang(b)
            langs = set(LANGS) if lang == "both" else {lang}
        for lang in LANGS:
            if lang in langs:
                out[lang].append(b)


def _two_column_table(doc: Document) -> tuple[Table, int, int] | None:
    """The table holding the text, and which column is Korean / English."""
    best = None
    for b in doc.blocks:
        if isinstance(b, Table) and b.width == 2 and len(b.rows) >= 2:
            size = sum(len(c.text) for row in b.rows for c in row)
            if best is None or size > best[1]:
                best = (b, size)
    if best is None:
        return None
    table = best[0]
    total = sum(len(p.text) for p in doc.paragraphs())
    if best[1] < 0.6 * total:
        return None
    score = [{"ko": 0, "en": 0}, {"ko": 0, "en": 0}]
    for row in table.rows:
        if len(row) != 2:
            continue
        for k, cell in enumerate(row):
            lang = langsplit.language_of(cell.text)
            if lang in score[k]:
                score[k][lang] += len(cell.text)
    if score[0]["ko"] > score[0]["en"] and score[1]["en"] > score[1]["ko"]:
        return table, 0, 1
    if score[0]["en"] > score[0]["ko"] and score[1]["ko"] > score[1]["en"]:
        return table, 1, 0
    return None


def detect(doc: Document) -> str:
    if _two_column_table(doc):
        return "two-column"
    langs = {block_lang(p) for p in doc.paragraphs() if len(p.text.strip()) > 20}
    if {"ko", "en"} <= langs:
        return "interleaved"
    return "single"


# --------------------------------------------------------------------------
# Inside one stream


def _attach_captions(blocks: list[Block], stream: Stream) -> list:
    """Pictures become :class:`Figure`; caption paragraphs join the picture
    or table next to them (the one before is preferred)."""
    out: list = []
    used: set[int] = set()
    for i, b in enumerate(blocks):
        if isinstance(b, Image):
            out.append(Figure(b, b.caption, b.where))
        elif isinstance(b, Table):
            out.append(replace(b))
        else:
            out.append(b)
    for i, b in enumerate(out):
        if not isinstance(b, Para) or not _is_caption(b):
            continue
        parsed = caption_of(b.text)
        kind = parsed[0] if parsed else None
        targets = [i - 1, i + 1]
        placed = False
        for t in targets:
            if 0 <= t < len(out) and t not in used:
                target = out[t]
                if isinstance(target, Figure) and kind in (None, "figure") and target.caption is None:
                    target.caption = _strip_caption(b, parsed)
                    placed = True
                elif isinstance(target, Table) and kind in (None, "table") and target.caption is None:
                    target.caption = _strip_caption(b, parsed)
                    placed = True
                if placed:
                    used.add(i)
                    break
        if not placed and parsed:
            stream.orphans.append(b)
    return [b for i, b in enumerate(out) if i not in used]


def _strip_caption(p: Para, parsed: tuple[str, str] | None) -> Para:
    """The caption's text without ``그림 3.``: the renderer numbers captions."""
    if not parsed:
        return p
    rest = parsed[1]
    runs = [replace(r) for r in p.runs]
    text = "".join(r.text for r in runs)
    cut = text.find(rest) if rest else len(text)
    cut = len(text) if cut < 0 else cut
    for r in runs:
        if cut <= 0:
            break
        if r.note:
            continue
        take = min(cut, len(r.text))
        r.text = r.text[take:]
        cut -= take
    if runs and not runs[0].note:
        runs[0].text = runs[0].text.lstrip()
    return replace(p, runs=[r for r in runs if r.note or r.text])


def _join_cut(stream: Stream, problems: list[Problem], path: str) -> None:
    """Paragraphs the page layout cut, joined again (PDF sources)."""
    out: list = []
    blocks = stream.blocks
    i = 0
    lang = stream.lang

    def prose(b) -> bool:
        return isinstance(b, Para) and not b.heading and not b.list and not b.title and not _is_caption(b)

    while i < len(blocks):
        b = blocks[i]
        if not prose(b):
            out.append(b)
            i += 1
            continue
        para = replace(b, runs=[replace(r) for r in b.runs])
        held: list = []
        j = i + 1
        while not para.text.rstrip().endswith(langsplit.TERMINAL) and len(para.text) >= langsplit.SHORT:
            k = j
            while k < len(blocks) and isinstance(blocks[k], (Figure, Table)) or \
                    (k < len(blocks) and isinstance(blocks[k], Para) and _is_caption(blocks[k])):
                k += 1
            if k >= len(blocks) or not prose(blocks[k]):
                break
            nxt = blocks[k]
            a, c = para.text.rstrip(), nxt.text.lstrip()
            if not langsplit._continues(a, c, lang):
                break
            _joined, sep = langsplit._glue(a, c, lang)
            if a.endswith("-") and a[-2:-1].isalpha() and c[:1].islower():
                # a word hyphenated across the page break: kept only if the document hyphenates it elsewhere
                left, right = a.split()[-1][:-1], re.split(r"[\s,.;:!?]", c, maxsplit=1)[0]
                if f"{left}-{right}" not in _stream_text(stream):
                    para.runs[-1].text = para.runs[-1].text.rstrip()[:-1] if para.runs and \
                        not para.runs[-1].note else para.runs[-1].text
                sep = ""
            problems.append(langsplit.join_problem(path, nxt.where, lang, f"page {para.where}", a, c, sep))
            tail = [replace(r) for r in nxt.runs]
            if para.runs and not para.runs[-1].note:
                para.runs[-1].text = para.runs[-1].text.rstrip()
            if tail and not tail[0].note:
                tail[0].text = sep + tail[0].text.lstrip()
            elif sep:
                para.runs.append(Run(sep))
            para.runs.extend(tail)
            held.extend(blocks[j:k])
            j = k + 1
        out.append(para)
        out.extend(held)
        i = j
    stream.blocks = out


def _stream_text(stream: Stream) -> str:
    return " ".join(b.text for b in stream.blocks if isinstance(b, Para))


def _title_and_header(stream: Stream, fallback: str | None) -> None:
    """Take the title out, and the short lines before the first paragraph."""
    out: list = []
    seen_text = False
    for b in stream.blocks:
        if isinstance(b, Para) and b.title and stream.title is None:
            stream.title = " ".join(b.text.split())
            continue
        if isinstance(b, Para) and not seen_text and not b.heading and not b.list and not _is_caption(b) \
                and len(b.text) < 160 and not b.text.rstrip().endswith(langsplit.TERMINAL) and not b.notes:
            stream.header.append(b)
            continue
        if not isinstance(b, Para) or len(b.text) >= langsplit.SHORT or b.heading:
            seen_text = True
        out.append(b)
    if stream.title is None and fallback and langsplit.language_of(fallback) in (stream.lang, "both"):
        stream.title = fallback
    stream.blocks = out


def _note_ids(stream: Stream) -> list[str]:
    ids: list[str] = []

    def visit(blocks):
        for b in blocks:
            if isinstance(b, Para):
                ids.extend(b.notes)
            elif isinstance(b, Figure) and b.caption:
                ids.extend(b.caption.notes)
            elif isinstance(b, Table):
                for row in b.rows:
                    for cell in row:
                        visit(cell.blocks)
                if b.caption:
                    ids.extend(b.caption.notes)
    visit(stream.blocks)
    return list(dict.fromkeys(ids))


def _anchors(text: str) -> set[str]:
    return {u.rstrip(".,;") for u in RE_URL.findall(text)} | {a.lower() for a in RE_ANCHOR.findall(RE_URL.sub(" ", text))}


def _label_notes(streams: dict[str, Stream], original: str) -> None:
    """House labels: ``1``, ``2`` … in order of first call, ``tn-N`` for
    translator's notes (a lead word, or a note of the translation that no
    note of the original matches)."""
    ids = {lang: _note_ids(s) for lang, s in streams.items()}
    matched: dict[str, set[str]] = {lang: set() for lang in streams}
    a, b = streams.get("ko"), streams.get("en")
    plain = {lang: [n for n in ids[lang] if not (n in s.notes and tn_lead(s.notes[n].text))]
             for lang, s in streams.items()}
    if a and b and len(plain["ko"]) == len(plain["en"]):
        matched = {lang: set(plain[lang]) for lang in streams}  # as many notes on each side: one each
    elif a and b:
        for x in ids["ko"]:
            ax = _anchors(a.notes[x].text) if x in a.notes else set()
            for y in ids["en"]:
                if y in matched["en"] or y not in b.notes:
                    continue
                by = _anchors(b.notes[y].text)
                urls = {t for t in ax & by if "/" in t}
                if urls or (ax and by and len(ax & by) / len(ax | by) >= 0.3):
                    matched["ko"].add(x)
                    matched["en"].add(y)
                    break
        if not matched["ko"]:  # nothing to tell them apart: the first ones match, in order
            k = min(len(plain["ko"]), len(plain["en"]))
            matched = {lang: set(plain[lang][:k]) for lang in streams}
    for lang, s in streams.items():
        other = streams.get("en" if lang == "ko" else "ko")
        for n, nid in enumerate(ids[lang], 1):
            note = s.notes.get(nid)
            lead = note is not None and tn_lead(note.text) is not None
            unmatched = other is not None and lang != original and nid not in matched[lang]
            if lead or unmatched:
                s.labels[nid] = f"tn-{n}"
                s.translator_notes.append(nid)
                if note is not None and lead:
                    _drop_rendered_mark(note)
            else:
                s.labels[nid] = str(n)


def _drop_rendered_mark(note: Note) -> None:
    """``역주 text`` as a PDF prints the mark: the label says it now.  A lead
    word the editor typed with punctuation (``역주: …``) stays."""
    if not note.paras or not note.paras[0].runs:
        return
    first = note.paras[0].runs[0]
    m = syntax.TN_LEAD_RE.match(first.text)  # the one translator's-note rule
    if m and not re.search(r"[:.)]", m.group(0)) and first.text[m.end():].strip():
        first.text = first.text[m.end():]


def _stream(lang: str, doc: Document, blocks: list[Block], problems: list[Problem]) -> Stream:
    s = Stream(lang, doc.path)
    s.notes = dict(doc.notes)
    s.blocks = _attach_captions(blocks, s)
    _title_and_header(s, doc.title)
    if doc.format == "pdf":
        _join_cut(s, problems, doc.path)
    return s


def split(docs: list[Document], original: str = "ko", langs: list[str | None] | None = None) -> Split:
    """One or two read documents -> a Korean and an English stream.
    ``langs`` gives each document's language when the file name says it
    (``X.ko.docx``)."""
    problems: list[Problem] = []
    if len(docs) == 2:
        given = langs or [None, None]
        found = [g or doc_lang(d) for g, d in zip(given, docs)]
        if set(found) != set(LANGS):
            names = ", ".join(f"{d.path}: {f or 'no text'}" for d, f in zip(docs, found))
            problems.append(Problem(docs[0].path, 0, "import-languages",
                                    f"two files must be one Korean and one English ({names}); name them "
                                    "X.ko.EXT and X.en.EXT", "error"))
            return Split("separate", {}, problems)
        streams = {lang: _stream(lang, d, list(d.blocks), problems) for lang, d in zip(found, docs)}
        layout = "separate"
    else:
        doc = docs[0]
        layout = detect(doc)
        out: dict[str, list[Block]] = {lang: [] for lang in LANGS}
        if layout == "two-column":
            table, ko_col, en_col = _two_column_table(doc)  # type: ignore[misc]
            for b in doc.blocks:
                if b is table:
                    for row in table.rows:
                        if len(row) == 2:
                            out["ko"].extend(row[ko_col].blocks)
                            out["en"].extend(row[en_col].blocks)
                        else:
                            for cell in row:
                                _route(cell.blocks, out)
                else:
                    _route([b], out)
        else:
            _route(doc.blocks, out)
        missing = [lang for lang in LANGS if not any(isinstance(b, Para) and block_lang(b) == lang for b in out[lang])]
        if missing:
            have = [lang for lang in LANGS if lang not in missing]
            problems.append(Problem(doc.path, 0, "import-one-language",
                                    f"the file holds {', '.join(have) or 'no'} text only, no "
                                    f"{' or '.join({'ko': 'Korean', 'en': 'English'}[m] for m in missing)}; "
                                    "give the other language's file too (X.ko.docx X.en.docx), or use "
                                    "'cityvoices new' and paste the translation", "error"))
            return Split(layout, {}, problems)
        streams = {lang: _stream(lang, doc, out[lang], problems) for lang in LANGS}
    _label_notes(streams, original)
    return Split(layout, streams, problems)
