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

import bisect
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
    return index_of(sections, lang)[0]


def _layout(sections: list[Section]) -> tuple[list[Section], list[int], list[int]]:
    """The documents in index order, each one's parent page (-1: a page),
    and where each page's documents start."""
    # Pages first, each followed by its sections, so one page's documents
    # sit in one chunk whatever order the entries came in.
    order: dict[str, list[Section]] = defaultdict(list)
    for s in sections:
        order[_page_of(s.location)].append(s)
    docs: list[Section] = []
    parent: list[int] = []
    page_starts: list[int] = []
    for _page, group in order.items():
        group.sort(key=lambda s: "#" in s.location)
        first = len(docs)
        page_starts.append(first)
        for s in group:
            parent.append(first if "#" in s.location else -1)
            docs.append(s)
    return docs, parent, page_starts


def _ko_bytes(key: str, flat: list[int] | None) -> int:
    """What a key's postings weigh in the count of Hangul shards."""
    return 0 if flat is None or key.startswith("~") else len(key) * 3 + 4 * len(flat)


def _row(s: Section) -> list:
    """A document as the index state keeps it (plain data)."""
    return [s.location, s.title, s.text, list(s.tags)]


def _section(row: list) -> Section:
    return Section(row[0], row[1], row[2], tuple(row[3]))


def _record(s: Section, parent: int) -> str:
    return _json([s.location, s.title, s.text[:SNIPPET_SOURCE_CHARS], parent])


def _doc_files(records: list[str]) -> tuple[dict[str, str], list[int]]:
    """The document chunks: each a run of records' JSON joined (what
    json.dumps of the list gives), cut after DOC_CHUNK_BYTES; and each
    chunk's first document."""
    chunks: list[list[str]] = []
    chunk_starts: list[int] = []
    size = 0
    for doc_id, rec in enumerate(records):
        if not size:
            chunk_starts.append(doc_id)
            chunks.append([])
        chunks[-1].append(rec)
        size += len(rec.encode())
        if size >= DOC_CHUNK_BYTES:
            size = 0
    files = {f"d-{n}.js": _script("docs", n, body=f"[{','.join(chunk)}]") for n, chunk in enumerate(chunks)}
    return files, chunk_starts


def _meta(files: dict[str, str], lang: str, docs: int, ko_shards: int, shards: Iterable[str],
          chunk_starts: list[int], page_starts: list[int]) -> str:
    digest = hashlib.sha256("".join(files[k] for k in sorted(files) if k != "meta.js").encode()).hexdigest()[:12]
    meta = {
        "format": FORMAT, "lang": lang, "version": digest, "docs": docs,
        "koShards": ko_shards, "shards": sorted(shards), "chunks": chunk_starts,
        # page of a document = the last page start at or before it (delta-coded)
        "pages": [b - a for a, b in zip([0] + page_starts, page_starts)],
        "rules": analyze.RULES,
    }
    return _script("meta", lang, meta)


def index_of(sections: list[Section], lang: str) -> tuple[dict[str, str], dict]:
    """:func:`build_index`'s files, and the state :func:`patch_index` makes
    the next index from (plain data: lists, dicts, strings, numbers)."""
    docs, parent, page_starts = _layout(sections)
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
    ko_bytes = sum(_ko_bytes(k, v) for k, v in encoded.items())
    ko_shards = max(1, math.ceil(ko_bytes / KO_SHARD_BYTES))
    shard_keys: dict[str, list[str]] = defaultdict(list)
    for key in sorted(encoded):
        shard_keys[analyze.shard_of(key, ko_shards)].append(key)
    files = {f"{name}.js": _script("shard", name, {k: encoded[k] for k in keys}) for name, keys in shard_keys.items()}
    records = [_record(s, parent[i]) for i, s in enumerate(docs)]
    chunks, chunk_starts = _doc_files(records)
    files.update(chunks)
    files["meta.js"] = _meta(files, lang, len(docs), ko_shards, shard_keys, chunk_starts, page_starts)
    state = {"format": FORMAT, "lang": lang, "docs": [_row(s) for s in docs],
             "parent": parent, "page_starts": page_starts, "encoded": encoded, "ko_bytes": ko_bytes,
             "ko_shards": ko_shards, "shard_keys": dict(shard_keys), "records": records, "files": files}
    return files, state


#: A patch is for a few edited pages: past this share of changed documents
#: the index is built afresh (as fast, and simpler).
PATCH_SHARE = 0.05


def patch_index(state: dict, sections: list[Section], lang: str) -> tuple[dict[str, str], dict, int] | None:
    """:func:`index_of` of ``sections`` made from the previous index's
    ``state`` (which it takes over and changes), and how many documents
    changed (0: the state is as it was), the same files to the byte:
    only the postings of the documents whose text changed are taken out and
    put back, and only their shards written again.  ``None`` when the
    documents are not the same ones in the same places (a page or section
    added, removed or moved), too many changed, or the Hangul shards would be
    counted otherwise: then the index is built afresh."""
    docs, parent, page_starts = _layout(sections)
    old_docs = state["docs"]
    if (state.get("format") != FORMAT or state.get("lang") != lang or len(old_docs) != len(docs)
            or state["parent"] != parent or state["page_starts"] != page_starts):
        return None
    new_docs = [_row(s) for s in docs]
    changed = [i for i, (a, b) in enumerate(zip(old_docs, new_docs)) if a != b]
    if len(changed) > PATCH_SHARE * len(docs):
        return None
    if not changed:
        return state["files"], state, 0
    encoded: dict[str, list[int]] = state["encoded"]
    gone = set(changed)
    # the keys whose postings change: those whose weight in a changed document
    # differs (a word added to a long section changes a handful of its keys)
    put: dict[str, dict[int, int]] = {}
    before = {i: section_weights(_section(old_docs[i])) for i in changed}
    after = {i: section_weights(docs[i]) for i in changed}
    for i in changed:
        for key in before[i].keys() | after[i].keys():
            if key not in put and any(before[j].get(key) != after[j].get(key) for j in changed):
                put[key] = {j: after[j][key] for j in changed if key in after[j]}
    ko_bytes = state["ko_bytes"]
    added, removed = [], []
    for key, new_weights in put.items():
        flat = encoded.get(key)
        pairs: list[tuple[int, int]] = []
        doc = 0
        for j in range(0, len(flat or ()), 2):
            doc += flat[j]
            if doc not in gone:
                pairs.append((doc, flat[j + 1]))
        pairs.extend(new_weights.items())
        pairs.sort()
        out: list[int] = []
        prev = 0
        for doc, w in pairs:
            out += (doc - prev, w)
            prev = doc
        ko_bytes += _ko_bytes(key, out or None) - _ko_bytes(key, flat)
        if out:
            encoded[key] = out
            if flat is None:
                added.append(key)
        elif flat is not None:
            del encoded[key]
            removed.append(key)
    ko_shards = max(1, math.ceil(ko_bytes / KO_SHARD_BYTES))
    if ko_shards != state["ko_shards"]:
        return None
    shard_keys: dict[str, list[str]] = state["shard_keys"]
    for key in removed:
        shard_keys[analyze.shard_of(key, ko_shards)].remove(key)
    for key in added:
        bisect.insort(shard_keys.setdefault(analyze.shard_of(key, ko_shards), []), key)
    files: dict[str, str] = state["files"]
    for name in {analyze.shard_of(key, ko_shards) for key in put}:
        keys = shard_keys.get(name)
        if keys:
            files[f"{name}.js"] = _script("shard", name, {k: encoded[k] for k in keys})
        else:
            shard_keys.pop(name, None)
            files.pop(f"{name}.js", None)
    records: list[str] = state["records"]
    for i in changed:
        records[i] = _record(docs[i], parent[i])
    for name in [n for n in files if n.startswith("d-")]:
        del files[name]
    chunks, chunk_starts = _doc_files(records)
    files.update(chunks)
    files["meta.js"] = _meta(files, lang, len(docs), ko_shards, shard_keys, chunk_starts, page_starts)
    state.update(docs=new_docs, ko_bytes=ko_bytes)  # encoded, shard_keys, records, files: changed in place
    return files, state, len(changed)


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
