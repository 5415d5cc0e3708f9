"""Per-language search index, split into small script files.

:func:`build_index` turns the site's sections (Material's search entries:
``location``, ``title``, ``text`` HTML, ``tags``) into ``{relative path:
file text}``.  Every file is a script calling ``cvSearch(kind, id, data)``
so that it loads with ``importScripts`` in a worker and with ``<script>``
under ``file://`` (Material's iframe-worker shim), where fetch/XHR fail.

- ``meta.js``: rules of the analysers, shard counts, document chunk starts;
- ``k-N.js``: postings of Hangul bigrams, hashed into N buckets of ~24 kB;
- ``l-xx.js``: postings of Latin stems starting with ``xx``;
- ``d-N.js``: documents (location, title, teaser, parent page), ~8 kB each.

A reader downloads nothing before the first search; a search downloads
``meta.js``, the shards of its keys and the document chunks of its results.
Pure: no file I/O here.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from cityvoices.search import analyze

FORMAT = 2
KO_SHARD_BYTES = 24_000
DOC_CHUNK_BYTES = 8_000
#: Text kept per section for the snippet: the worker shows the sentence
#: around the first hit in it (the whole text is indexed).
SNIPPET_SOURCE_CHARS = 2_000
TITLE_WEIGHT = 8

#: Classes of elements that are chrome, not text: left out of the search
#: text (so out of snippets and of the index) by :func:`exclude_chrome`.
#: Bylines, kickers and standfirsts (the magazine's article header: its
#: title is the section's title), tags, previous/next and related reading, PDF links, footnote numbers and back-links, caption
#: numbers, the translator's-note mark, notices about translations, the
#: sample-content notice.  A new piece of generated page furniture adds its
#: class here.  (Authors stay searchable: :func:`people_words`.)
CHROME_CLASSES = (
    "cv-byline", "cv-downloads", "footnote-ref", "footnote-backref", "caption-prefix", "cv-tn-mark",
    "cv-missing-translation", "cv-outdated-translation", "cv-sample",
    "cv-kicker", "cv-standfirst", "cv-tags", "cv-issue-nav", "cv-related",
)

RE_TAG = re.compile(r"<[^>]+>")
RE_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Section:
    location: str
    title: str
    text: str  # plain text
    tags: tuple[str, ...] = ()


RE_CLASSED_TAG = re.compile(r'<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>\s[^>]*?\bclass="(?P<cls>[^"]*)"[^>]*)>')


def exclude_chrome(html_text: str, classes: tuple[str, ...] = CHROME_CLASSES) -> str:
    """``html_text`` with ``data-search-exclude`` on every element carrying
    one of ``classes``: Material's search skips such elements, then removes
    the attribute (with its value) from the page, which is left as it was."""
    wanted = set(classes)

    def mark(m: re.Match[str]) -> str:
        if "data-search-exclude" in m.group("attrs") or not wanted.intersection(m.group("cls").split()):
            return m.group(0)
        return f'<{m.group("tag")}{m.group("attrs")} data-search-exclude="chrome">'

    return RE_CLASSED_TAG.sub(mark, html_text)


def people_words(meta: dict) -> tuple[str, ...]:
    """Authors' and translators' names of a page, indexed with its first
    section (the byline itself is left out of the search text)."""
    from cityvoices import frontmatter

    return tuple(p["name"] for key in ("authors", "translators")
                 for p in frontmatter.normalize_people(meta.get(key)) if p.get("name"))


def plain(markup: str) -> str:
    return RE_SPACE.sub(" ", html.unescape(RE_TAG.sub(" ", markup or ""))).strip()


def sections_from_entries(entries: Iterable[dict]) -> list[Section]:
    """Material's search entries (``search_index.entries``) as sections,
    page entry first, duplicates (same location) dropped."""
    out, seen = [], set()
    for e in entries:
        loc = e.get("location", "")
        if loc in seen:
            continue
        seen.add(loc)
        out.append(Section(loc, plain(e.get("title", "")), plain(e.get("text", "")),
                           tuple(str(t) for t in e.get("tags") or ())))
    return out


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _script(kind: str, ident: str | int, data: object = None, *, body: str | None = None) -> str:
    """``cvSearch(kind, id, data)``; ``body``: ``data`` already serialized."""
    return f"cvSearch({json.dumps(kind)},{json.dumps(ident)},{_json(data) if body is None else body});\n"


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def section_weights(s: Section) -> dict[str, int]:
    """The weight of each index term of one section (its title's count more)."""
    weights = Counter(analyze.index_terms(s.text + " " + " ".join(s.tags)))
    for key, n in Counter(analyze.index_terms(s.title)).items():
        weights[key] += TITLE_WEIGHT * n
    return dict(weights)


def build_index(sections: list[Section], lang: str) -> dict[str, str]:
    """``{file name: script text}`` for one language's index."""
    # Pages first, each followed by its sections, so one page's documents
    # sit in one chunk whatever order the entries came in.
    order: dict[str, list[Section]] = defaultdict(list)
    for s in sections:
        order[_page_of(s.location)].append(s)
    docs: list[Section] = []
    parent: list[int] = []
    page_starts: list[int] = []
    for page, group in order.items():
        group.sort(key=lambda s: "#" in s.location)
        first = len(docs)
        page_starts.append(first)
        for s in group:
            parent.append(first if "#" in s.location else -1)
            docs.append(s)

    # Postings are built already delta-coded and flat ([doc, weight, doc,
    # weight …], doc ids as gaps): no tuple per posting, no second copy.
    # At 2,000 publications this is what keeps the Korean build's memory flat.
    encoded: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for doc_id, s in enumerate(docs):
        for key, w in section_weights(s).items():
            flat = encoded.get(key)
            if flat is None:
                encoded[key] = [doc_id, w]
            else:
                flat += (doc_id - last[key], w)
            last[key] = doc_id
    del last
    ko_bytes = sum(len(k) * 3 + 4 * len(v) for k, v in encoded.items() if not k.startswith("~"))
    ko_shards = max(1, math.ceil(ko_bytes / KO_SHARD_BYTES))
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for key in sorted(encoded):
        shards[analyze.shard_of(key, ko_shards)][key] = encoded[key]

    files: dict[str, str] = {}
    for name, data in shards.items():
        files[f"{name}.js"] = _script("shard", name, data)

    # each document is serialized once: a chunk is its records' JSON joined
    # (what json.dumps of the list gives), cut after DOC_CHUNK_BYTES
    chunk_starts: list[int] = []
    chunk: list[str] = []
    size = 0

    def flush() -> None:
        n = len(chunk_starts) - 1
        files[f"d-{n}.js"] = _script("docs", n, body=f"[{','.join(chunk)}]")

    for doc_id, s in enumerate(docs):
        rec = _json([s.location, s.title, s.text[:SNIPPET_SOURCE_CHARS], parent[doc_id]])
        if not chunk:
            chunk_starts.append(doc_id)
        chunk.append(rec)
        size += len(rec.encode())
        if size >= DOC_CHUNK_BYTES:
            flush()
            chunk, size = [], 0
    if chunk:
        flush()

    digest = hashlib.sha256("".join(files[k] for k in sorted(files)).encode()).hexdigest()[:12]
    meta = {
        "format": FORMAT, "lang": lang, "version": digest, "docs": len(docs),
        "koShards": ko_shards, "shards": sorted(shards), "chunks": chunk_starts,
        # page of a document = the last page start at or before it (delta-coded)
        "pages": [b - a for a, b in zip([0] + page_starts, page_starts)],
        "rules": analyze.RULES,
    }
    files["meta.js"] = _script("meta", lang, meta)
    return files


def worker_script(lang: str, analyzer_js: str, worker_js: str) -> str:
    """The per-language worker: its language, then the shared code."""
    return f"self.CV_LANG={json.dumps(lang)};\n{analyzer_js}\n;{worker_js}"


def landing_script(lang: str, analyzer_js: str, land_js: str) -> str:
    """The script of a page opened from a result (``?h=``): its language,
    the analyser's rules (the page has no meta.js), the analyser, the
    marking code."""
    rules = json.dumps(analyze.RULES, ensure_ascii=False, separators=(",", ":"))
    return f"self.CV_LANG={json.dumps(lang)};self.CV_RULES={rules};\n{analyzer_js}\n;{land_js}"


def offline_stub(index: dict) -> str:
    """``search/search_index.js`` for file:// copies, as Material's offline
    plugin writes it (a global ``__index``)."""
    return "var __index = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"
