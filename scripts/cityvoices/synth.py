"""Realistic bilingual Markdown, generated from the sentences of the seed
article (CITYNET Seoul Congress 2013), for benchmarks and property tests.

Pure: every function takes the seed text (or a :class:`Seed`) and a
``random.Random``; the same seed and random state give the same bytes.
:func:`load_seed` is the only function that reads a file (package data).

- :func:`publication_pair` gives a Korean/English pair in house layout with
  front matter (title, type, date, authors, issue, summary, tags), headings,
  footnotes, figures with image references and captions, a table and code.
- ``layout="raw"`` gives the same publication the way editors paste it:
  superscript and bracket references, definitions in the middle of the text,
  ``그림1 …``/``Figure 1. …`` and ``표1 …``/``Table 1. …`` captions.
- :func:`corpus` yields pairs until a byte budget is reached.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterator

from cityvoices import syntax

RE_HANGUL = syntax.HANGUL_RE
RE_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
RE_SUPER = re.compile(f"[{syntax.SUPERSCRIPTS}]+")

SUPER = syntax.DIGIT_TO_SUPER

CODE_SNIPPETS = (
    "```python\nimport re\n\nTAG = re.compile(r\"<[^>]+>\")  # [^>] is a regex, not a footnote\n"
    "area = 120  # km², x^2\nprint(TAG.sub(\"\", text))\n```",
    "```yaml\ntitle: 시티넷 서울 총회\ndate: 2013-11-04\ntags: [CITYNET, 서울]\n```",
    "```text\n1 this line is output, not a footnote\n그림1 not a caption either\n```",
)
TABLE_ROWS = {
    "ko": (("세션 수", "17"), ("발표자", "53명"), ("총 참석자", "289명"), ("회원 도시 및 기관", "62개"),
           ("파트너 조직", "17개"), ("대표된 국가", "24개"), ("대표된 대륙", "6개"), ("양해각서(MOU) 체결", "2개")),
    "en": (("Sessions", "17"), ("Speakers", "53"), ("Participants", "289"), ("Member cities and organizations", "62"),
           ("Partner organizations", "17"), ("Countries represented", "24"), ("Continents represented", "6"),
           ("Memoranda of understanding signed", "2")),
}
TABLE_HEAD = {"ko": ("항목", "수"), "en": ("Item", "Number")}
#: Headings and captions of the seed, paired (Korean, English).
PHRASES = (
    ("시티넷(CITYNET)이란?", "What is CITYNET?"),
    ("2013년 시티넷 서울 총회", "The 2013 CITYNET Seoul Congress"),
    ("도시의 미래를 위한 해법 공유", "Sharing Solutions for an Urban Future"),
    ("회장 도시로서 서울의 기회", "Seoul's Opportunities as President City"),
    ("새로운 파트너십 강화", "Solidify New Partnerships"),
    ("시티넷의 미래 프로젝트와 계획", "CITYNET's Future Projects and Plans"),
    ("숫자로 보는 2013 시티넷 서울 총회", "The 2013 CITYNET Seoul Congress in Numbers"),
    ("2013년 제7회 시티넷 본회의장 전경", "The hall of the 7th CITYNET General Council in 2013"),
    ("김경철 부사무국장이 제30회 집행위원회에서 발언을 하고 있다", "Deputy Secretary General Gyeng Chul Kim speaks at the 30th Executive Committee"),
    ("이근태 대사가 서울시의 시티넷 회원 대표로서 말하고 있다", "Ambassador Gun Tae Lee speaks for Seoul as a CITYNET member"),
    ("기부자와 파트너 매칭행사 전경", "The Donor and Partner Matching Session"),
    ("시티넷 주요인사 선출결과", "Results of the CITYNET elections"),
    ("서울연구원의 고준호 연구위원이 서울세션에서 발표를 하고 있다", "Jun Ho Ko of the Seoul Institute presents at the Seoul session"),
)
AUTHORS = ("Brenna Foster", "Vijay Jagannathan", "Gun Tae Lee", "Mary Jane Ortega", "Gyeng Chul Kim")
TAGS = {"ko": ("시티넷", "서울", "총회", "도시개발", "파트너십", "기후변화"),
        "en": ("CITYNET", "Seoul", "congress", "urban development", "partnership", "climate change")}


@dataclass(frozen=True)
class Seed:
    """Sentences and short phrases of the seed, by language."""

    sentences: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[str, ...]]


def load_seed() -> str:
    """The seed article shipped with the package."""
    ref = resources.files("cityvoices") / "data" / "seed" / "citynet-seoul-congress-2013.txt"
    return ref.read_text(encoding="utf-8")


def parse_seed(text: str) -> Seed:
    """Split the seed into Korean and English sentences (no footnote markers,
    captions or definition lines) and short phrases for titles and captions."""
    sentences: dict[str, list[str]] = {"ko": [], "en": []}
    phrases: dict[str, list[str]] = {"ko": [], "en": []}
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(line.strip() for line in para.splitlines() if line.strip())
        if not para or syntax.RAW_DEF_RE.match(para) or syntax.parse_caption(para) or "\t" in para:
            continue
        para = RE_SUPER.sub("", para)
        lang = "ko" if len(RE_HANGUL.findall(para)) * 3 > len(para) * 0.5 else "en"
        if len(para) < 60:
            if 8 <= len(para) <= 60 and ":" not in para:
                phrases[lang].append(para.rstrip(".:"))
            continue
        for s in RE_SENTENCE_END.split(para):
            s = s.strip()
            if len(s) >= 25 and s[-1] in ".!?":
                sentences[lang].append(s)
    return Seed({k: tuple(v) for k, v in sentences.items()}, {k: tuple(v) for k, v in phrases.items()})


def _sentence(seed: Seed, lang: str, rng: random.Random) -> str:
    return rng.choice(seed.sentences[lang])


def _phrase(seed: Seed, lang: str, rng: random.Random) -> str:
    """A heading or caption; the same draw gives the parallel phrase in the
    other language."""
    return rng.choice(PHRASES)[0 if lang == "ko" else 1]


def _plan(rng: random.Random, sections: int) -> list[tuple]:
    """A language-independent block plan, so both languages stay parallel."""
    plan: list[tuple] = []
    for s in range(sections):
        plan.append(("heading", s))
        for _ in range(rng.randint(2, 4)):
            plan.append(("para", rng.randint(3, 6), rng.random() < 0.5))
        roll = rng.random()
        if roll < 0.45:
            plan.append(("figure", rng.random() < 0.3))
        elif roll < 0.7:
            plan.append(("table", rng.randint(3, 8)))
        elif roll < 0.85:
            plan.append(("code", rng.randrange(len(CODE_SNIPPETS))))
    return plan


def _render(seed: Seed, plan: list[tuple], lang: str, rng: random.Random, layout: str,
            meta: dict, ref_style: int) -> str:
    out: list[str] = []
    notes: list[str] = []
    fig = tab = 0
    title = meta["title"][lang]
    out.append("---")
    out.append(f'title: "{title}"')
    out.append("type: article")
    out.append(f"date: {meta['date']}")
    out.append("authors:")
    for a in meta["authors"]:
        out.append(f"  - {a}")
    out.append(f"issue: {meta['issue']}")
    out.append(f'summary: "{meta["summary"][lang]}"')
    out.append("tags: [" + ", ".join(TAGS[lang][i] for i in meta["tags"]) + "]")
    out.append("---")
    out.append("")
    out.append(f"# {title}")
    out.append("")
    for block in plan:
        kind = block[0]
        if kind == "heading":
            out.append(f"## {_phrase(seed, lang, rng)}")
            out.append("")
        elif kind == "para":
            _, count, with_note = block
            text = " ".join(_sentence(seed, lang, rng) for _ in range(count))
            if with_note:
                n = len(notes) + 1
                cut = text.rfind(".", 0, max(1, len(text) // 2))
                cut = cut if cut > 0 else len(text) - 1
                if not text[cut - 1].isalpha() and text[cut - 1] not in ")”’'\"":
                    cut += 1  # "by 2030.¹", never "2030¹" (that reads as a power)
                if layout == "house":
                    mark = f"[^{n}]"
                else:
                    mark = (str(n).translate(SUPER), f"<sup>{n}</sup>", f"[{n}]")[ref_style % 3] \
                        if lang == "en" or ref_style % 3 != 2 else f"(주{n})"
                text = text[:cut] + mark + text[cut:]
                note = _sentence(seed, lang, rng)
                notes.append(note)
            out.append(text)
            out.append("")
            if with_note and layout == "raw":
                n = len(notes)
                style = ref_style % 3
                if style == 0 and n % 2:
                    marker = str(n).translate(SUPER)
                elif style == 2:
                    marker = f"(주{n})" if lang == "ko" else f"[{n}]"
                else:
                    marker = str(n)
                out.append(f"{marker} {notes[-1]}")
                out.append("")
        elif kind == "figure":
            fig += 1
            caption = _phrase(seed, lang, rng)
            image = f"![{caption}](images/fig-{fig:02d}.jpg)"
            if layout == "house":
                out += [image, "", "/// figure-caption", caption, "///", ""]
            else:
                raw = f"그림{fig} {caption}" if lang == "ko" else f"Figure {fig}. {caption}"
                out += ([raw, "", image, ""] if block[1] else [image, "", raw, ""])
        elif kind == "table":
            tab += 1
            rows = rng.sample(range(len(TABLE_ROWS[lang])), block[1])
            table = [f"| {TABLE_HEAD[lang][0]} | {TABLE_HEAD[lang][1]} |", "| --- | ---: |"]
            table += [f"| {TABLE_ROWS[lang][r][0]} | {TABLE_ROWS[lang][r][1]} |" for r in rows]
            caption = _phrase(seed, lang, rng)
            if layout == "house":
                out += table + ["", "/// table-caption", caption, "///", ""]
            else:
                raw = f"표{tab} {caption}" if lang == "ko" else f"Table {tab}. {caption}"
                out += [raw, ""] + table + [""]
        elif kind == "code":
            out.append(CODE_SNIPPETS[block[1]])
            out.append("")
    if layout == "house" and notes:
        out += [f"[^{i}]: {t}" for i, t in enumerate(notes, 1)]
        out.append("")
    while len(out) > 1 and out[-1] == "" and out[-2] == "":
        out.pop()
    return "\n".join(out)


def publication_pair(seed: Seed, rng: random.Random, index: int = 0, *, sections: int | None = None,
                     layout: str = "house") -> tuple[str, str]:
    """A ``(korean, english)`` publication pair; ``layout`` is ``house`` or
    ``raw`` (as pasted from Word/PDF, for the normalizer)."""
    if layout not in ("house", "raw"):
        raise ValueError("layout must be 'house' or 'raw'")
    sections = sections if sections is not None else rng.randint(2, 5)
    plan = _plan(rng, sections)
    year = 2013 + index % 10
    meta = {
        "title": {lang: _phrase(seed, lang, rng) for lang in ("ko", "en")},
        "summary": {lang: _sentence(seed, lang, rng).replace('"', "'") for lang in ("ko", "en")},
        "date": f"{year}-{1 + index % 12:02d}-{1 + index % 28:02d}",
        "authors": rng.sample(AUTHORS, rng.randint(1, 2)),
        "issue": f"{year}-{1 + index % 4}",
        "tags": rng.sample(range(len(TAGS["ko"])), 3),
    }
    for lang in ("ko", "en"):
        meta["title"][lang] = meta["title"][lang].replace('"', "'")
    ref_style = rng.randrange(3)
    state = rng.getstate()
    ko = _render(seed, plan, "ko", rng, layout, meta, ref_style)
    rng.setstate(state)
    en = _render(seed, plan, "en", rng, layout, meta, ref_style)
    return ko, en


def corpus(seed: Seed, rng: random.Random, target_bytes: int, *, layout: str = "house",
           sections: int | None = None) -> Iterator[tuple[str, str, str]]:
    """Yield ``(slug, korean, english)`` until ``target_bytes`` of UTF-8
    (both languages together) have been produced."""
    total = index = 0
    while total < target_bytes:
        ko, en = publication_pair(seed, rng, index, sections=sections, layout=layout)
        total += len(ko.encode("utf-8")) + len(en.encode("utf-8"))
        yield f"pub-{index:05d}", ko, en
        index += 1
