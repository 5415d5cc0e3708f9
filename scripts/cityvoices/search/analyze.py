"""Search analysers: the same rules at build time (here) and at query time
(``overrides/assets/javascripts/cv-search/analyze.js``, fed the :data:`RULES`
table through each index's ``meta.js``).  Pure functions over strings.

Korean: a token is a run of Hangul.  Its *stem* is the token with one
trailing particle or verb ending removed (``울란바토르에서`` → ``울란바토르``),
only if at least two syllables remain (``회의`` stays ``회의``).  A token is
indexed as its syllable bigrams, plus one bigram across each space between
two Hangul tokens (last syllable of the first one's stem, first of the
next); a query word is looked up by the bigrams of its stem, so that a noun is found inside a compound (``연구원`` in
``서울연구원``), a compound is found by its parts and the parts by the
compound, with or without the space (``폐기물관리`` ↔ ``폐기물 관리``).
Single-syllable tokens (``및``, ``등``, ``시``) are not indexed.

Latin script (English pages, and ``KOICA``/``MOU`` on Korean pages): tokens
of letters and digits, lower-cased, stemmed by a light suffix stripper
(``governing``/``governance``/``government`` → ``govern``).  Prefix search
and one-typo tolerance happen at query time against the stored stems.

Why not Kiwi (kiwipiepy)?  Measured on this machine it loads in ~1.2 s and
analyses ~40k characters/s/core: a 2,000-publication archive (~20 M Korean
characters) would add minutes per build, far over the 25 % budget, and the
browser has no Kiwi for the query side, so build and query analyses would
disagree.  Bigrams plus a particle table are cheap, identical on both sides,
and cannot miss a compound part (see BENCHMARKS.md for the measured recall).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterator

from cityvoices.syntax import HANGUL

#: Trailing particles and endings removed from a Hangul token, longest first.
#: Only one is removed, and only if two or more syllables remain.
KO_SUFFIXES = tuple(sorted({
    # case and topic particles
    "이", "가", "을", "를", "은", "는", "의", "에", "도", "만", "와", "과", "로", "으로",
    "에서", "에게", "께서", "한테", "에서는", "에서도", "에서의", "에게서", "으로서", "으로써",
    "로서", "로써", "로부터", "으로부터", "부터", "까지", "처럼", "보다", "마다", "조차",
    "에는", "에도", "와의", "과의", "로의", "으로의", "에의", "이나", "나", "이며", "이고",
    "이라는", "라는", "이란", "란", "이다", "였다", "이었다", "입니다", "들", "들이", "들은",
    "들을", "들의", "들과", "들에게", "들도", "들로", "에서부터", "까지의", "부터의", "만을",
    "만이", "이라고", "라고", "하고", "랑", "이랑", "이자", "인", "적", "적인", "적으로",
    # verb and adjective endings after a noun (하다/되다 verbs)
    "하다", "한다", "했다", "하였다", "하는", "하고", "하여", "해서", "하며", "하면", "할",
    "한", "함", "하기", "되다", "된다", "됐다", "되었다", "되는", "되고", "되어", "되며",
    "된", "될", "됨", "되기", "했으며", "하였으며", "되었으며", "하겠다", "시키는", "시켰다",
}, key=lambda s: (-len(s), s)))

#: English suffixes, longest first; a stem keeps at least 3 characters.
EN_SUFFIXES = (
    "izations", "ization", "izing", "ized", "izes", "ize", "ational", "fulness", "iveness", "ations", "ation", "ments", "ment",
    "ances", "ences", "ingly", "ings", "ness", "ance", "ence", "able", "ible", "ions", "ion",
    "ing", "ers", "ies", "ied", "ed", "er", "es", "ly", "s", "e",
)
EN_KEEP = ("ss", "us", "is")  # a final "s" after these is not a plural

RULES = {
    "ko_suffixes": list(KO_SUFFIXES),
    "en_suffixes": list(EN_SUFFIXES),
    "en_keep": list(EN_KEEP),
}

RE_TOKEN = re.compile(f"[{HANGUL}]+|[a-z0-9]+")
RE_APOS = re.compile(r"['’]s\b")
RE_HANGUL = re.compile(f"[{HANGUL}]")


def normalize(text: str) -> str:
    """NFKC, lower case, possessive ``'s`` dropped (same in JS)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return RE_APOS.sub("", text)


_KO_BY_LEN = {n: frozenset(s for s in KO_SUFFIXES if len(s) == n) for n in {len(s) for s in KO_SUFFIXES}}
_KO_LENGTHS = sorted(_KO_BY_LEN, reverse=True)


def ko_stem(token: str) -> str:
    # the longest suffix in KO_SUFFIXES that leaves two syllables (the same
    # as trying KO_SUFFIXES in order, as analyze.js does; a set per length
    # because this runs for every Hangul word of the site)
    for n in _KO_LENGTHS:
        if len(token) - n >= 2 and token[-n:] in _KO_BY_LEN[n]:
            return token[:-n]
    return token


def en_stem(token: str) -> str:
    if token.isdigit() or len(token) <= 3:
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    for suf in EN_SUFFIXES:
        if not token.endswith(suf):
            continue
        if suf == "s" and token.endswith(EN_KEEP):
            continue
        stem = token[: -len(suf)]
        if len(stem) < 3:
            continue
        if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz" and not stem[-1].isdigit():
            stem = stem[:-1]  # planned -> plann -> plan
        if stem.endswith("e") and len(stem) > 3:
            stem = stem[:-1]
        return stem
    return token


def bigrams(stem: str) -> list[str]:
    return [stem[i:i + 2] for i in range(len(stem) - 1)]


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """``(token, start, end)`` over normalized text."""
    for m in RE_TOKEN.finditer(text):
        yield m.group(), m.start(), m.end()


@functools.lru_cache(maxsize=1 << 17)
def _word_keys(word: str) -> tuple[tuple[str, ...], int, str | None, tuple[str, str] | None]:
    """The index keys of one whitespace-free word of normalized text
    (memoized: a site repeats its words, and this runs for every one):
    ``(keys, n, head, tail)``.  ``keys`` are its tokens' keys in order (no
    bigram crosses a gap inside a word: a gap there is never only space);
    ``n`` of them are its first token's; ``head`` is that token's first
    syllable when it opens the word and is Hangul with a stem (a bigram
    across the space before it may join it to the word before); ``tail``
    the ``(stem, token)`` of a Hangul token with a stem that closes the word
    (likewise for the word after)."""
    keys: list[str] = []
    n = 0
    head: str | None = None
    tail: tuple[str, str] | None = None
    for i, m in enumerate(RE_TOKEN.finditer(word)):
        tok = m.group()
        tail = None
        if tok[0] > "z":  # a run of Hangul (RE_TOKEN's other kind is [a-z0-9]+)
            stem = ko_stem(tok)
            if len(stem) >= 2:
                keys.extend(bigrams(tok))
                if i == 0 and m.start() == 0:
                    head = tok[0]
                if m.end() == len(word):
                    tail = (stem, tok)
        else:
            keys.append("~" + en_stem(tok))
        if i == 0:
            n = len(keys)
    return tuple(keys), n, head, tail


def index_terms(text: str) -> list[str]:
    """Every index key of ``text``, with repetition (for term frequency).

    Hangul keys are syllable bigrams (two characters); Latin keys are stems
    prefixed with ``~`` so that they can never collide with a bigram.  A
    Hangul token indexes the bigrams of the whole token (a query's stem is a
    prefix of the token whatever ending either side carries), and when only
    space separates it from the Hangul token before, a bigram across the
    space: from that token's stem and, if it differs, from the whole token
    (compounds written apart; a noun may end like a particle: 평가 관리)."""
    out: list[str] = []
    prev: tuple[str, str] | None = None
    for word in normalize(text).split():
        keys, n, head, tail = _word_keys(word)
        if prev is not None and head is not None:
            out.extend(keys[:n])
            stem, tok = prev
            out.append(stem[-1] + head)
            if tok[-1] != stem[-1]:
                out.append(tok[-1] + head)
            out.extend(keys[n:])
        else:
            out.extend(keys)
        prev = tail
    return out


def query_terms(query: str) -> list[dict]:
    """The analysed query: one group per typed token.  A Hangul group is
    matched when every one of its bigrams is present; a Latin group by its
    stem, by prefix (the raw token as typed) or, for five letters or more,
    by a stem one edit away.  Mirrors ``analyzeQuery`` in analyze.js."""
    groups = []
    for tok, _, _ in tokens(normalize(query)):
        if RE_HANGUL.match(tok):
            stem = ko_stem(tok)
            if len(stem) < 2:
                continue
            groups.append({"kind": "ko", "raw": tok, "stem": stem, "keys": bigrams(stem)})
        else:
            groups.append({"kind": "lat", "raw": tok, "stem": en_stem(tok), "keys": ["~" + en_stem(tok)]})
    return groups


# -- highlighting: the analysed terms mapped back to the words of a text ---------------------

#: Words of a text as written (not normalized), so that offsets are the
#: text's own; each is analysed through :func:`normalize` like the index's.
RE_WORD = re.compile(f"[{HANGUL}]+|[A-Za-z0-9]+")
#: Latin terms (stems) against Hangul ones: a term is one or the other.
RE_LATIN_TERM = re.compile(r"^[a-z0-9]+$")


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """``(start, end)`` offsets in ``text`` of the words that ``terms``
    matched, in order, not overlapping.  ``terms`` are what the search
    matched (``worker.js`` sends them in ``?h=``): Latin *index stems* and
    Hangul *query stems*.

    - A Latin word is marked when its stem (:func:`en_stem` of the normalized
      word) is one of the terms: ``waste`` and ``management`` for the stems
      ``wast`` and ``manag``, never ``was`` or ``water``.
    - A Hangul term is marked where it occurs in a run of Hangul words
      (spaces between them ignored, so ``폐기물관리`` marks ``폐기물 관리``),
      and the mark runs on to the end of the word when the rest of the word
      is the particle or ending that :func:`ko_stem` removes: ``서울시`` marks
      ``서울시는`` and ``서울시의``, and ``연구원`` marks ``연구원에서`` inside
      ``서울연구원에서``.

    Mirrors ``highlightSpans`` in analyze.js (tests compare them)."""
    latin = {t for t in terms if RE_LATIN_TERM.match(t)}
    hangul = sorted({t for t in terms if t and RE_HANGUL.match(t) and all(RE_HANGUL.match(c) for c in t)},
                    key=lambda t: (-len(t), t))
    words = [(m.group(), m.start(), m.end()) for m in RE_WORD.finditer(text)]
    spans: list[tuple[int, int]] = []
    for word, start, end in words:
        if latin and not RE_HANGUL.match(word) and en_stem(normalize(word)) in latin:
            spans.append((start, end))
    if hangul:
        spans.extend(_hangul_spans(text, words, hangul))
    spans.sort()
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
            continue
        out.append((start, end))
    return out


def _hangul_spans(text: str, words: list[tuple[str, int, int]], terms: list[str]) -> list[tuple[int, int]]:
    out = []
    i = 0
    while i < len(words):
        if not RE_HANGUL.match(words[i][0]):
            i += 1
            continue
        # a run of Hangul words separated by whitespace only
        run = [words[i]]
        while (i + 1 < len(words) and RE_HANGUL.match(words[i + 1][0])
               and text[run[-1][2]:words[i + 1][1]].isspace()):
            i += 1
            run.append(words[i])
        i += 1
        joined = "".join(w for w, _, _ in run)
        where = []  # offset in the text of each character of joined, and its word
        for n, (w, start, _end) in enumerate(run):
            where.extend((start + k, n) for k in range(len(w)))
        taken = [False] * len(joined)
        for term in terms:
            pos = joined.find(term)
            while pos >= 0:
                if not any(taken[pos:pos + len(term)]):
                    for k in range(pos, pos + len(term)):
                        taken[k] = True
                    start = where[pos][0]
                    last, n = where[pos + len(term) - 1]
                    end = last + 1
                    word, wstart, wend = run[n]
                    if end < wend and ko_stem(word) == word[:end - wstart]:
                        end = wend  # the particle or ending after the stem
                    out.append((start, end))
                pos = joined.find(term, pos + len(term))
    return out


def shard_of(key: str, ko_shards: int) -> str:
    """The shard file (without extension) that holds ``key``'s postings."""
    if key.startswith("~"):
        head = key[1:3]
        return "l-" + "".join(c if c.isalnum() else "_" for c in head)
    h = (ord(key[0]) * 31 + ord(key[1])) % ko_shards
    return f"k-{h}"
