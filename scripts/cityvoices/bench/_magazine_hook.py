"""An MkDocs hook for ``cityvoices bench magazine`` only: never named by the
project's mkdocs.yml, only by the configurations the benchmark writes into
its generated archive (after ``scripts/hooks.py``), so it is no switch a
user has.

In each language process of the build it

- with ``CV_MAGAZINE_BENCH=without``, takes the author and tag pages and
  the related reading out of the site, as the site was before issue 12:
  :class:`cityvoices.magazine.Index` keeps no people and no tags (so no
  author, tag, "all authors" or "all tags" page is generated, and bylines and
  tag lines link nowhere), and ``Index.related`` finds nothing;
- always, times what those parts cost inside the build: the related
  lists, the Index's names, and each generated author/tag page in MkDocs'
  two passes over the pages, from the first ``on_pre_page`` handler to the
  last ``on_page_content`` one (reading and rendering its body) and from the
  first ``on_page_context`` to the last ``on_post_page`` (the template),
  and appends one JSON line per language to the file ``CV_MAGAZINE_STATS``.
"""

from __future__ import annotations

import json
import os
import time

from cityvoices import magazine
from cityvoices.integrations import common
from cityvoices.integrations import magazine as site_magazine

def event_priority(priority: int):
    """As ``mkdocs.plugins.event_priority`` (the attribute MkDocs sorts a
    hook's handlers by), without importing the generator outside the
    engine layer."""
    def mark(fn):
        fn.mkdocs_priority = priority
        return fn
    return mark


WITHOUT = os.environ.get("CV_MAGAZINE_BENCH") == "without"
NAME_KINDS = ("person", "tag", "persons", "tags")
_stats = {"related": 0.0, "related_calls": 0, "names": 0.0, "pages": 0.0, "page_count": 0}
_open: dict[str, float] = {}

_build_names = magazine.Index._build_names
_related = magazine.Index.related


def _timed_build_names(self: magazine.Index) -> None:
    t0 = time.perf_counter()
    _build_names(self)
    if WITHOUT:
        self.people = {lang: {} for lang in self.people}
        self.tags = {lang: {} for lang in self.tags}
    _stats["names"] += time.perf_counter() - t0


def _timed_related(self: magazine.Index, pub, lang, k=magazine.RELATED):
    t0 = time.perf_counter()
    out = [] if WITHOUT else _related(self, pub, lang, k)
    _stats["related"] += time.perf_counter() - t0
    _stats["related_calls"] += 1
    return out


magazine.Index._build_names = _timed_build_names
magazine.Index.related = _timed_related


def _is_name_page(page) -> bool:
    spec = site_magazine._state["generated"].get(page.file.src_uri)
    return spec is not None and spec[0] in NAME_KINDS


def _start(page) -> None:
    if _is_name_page(page):
        _open[page.file.src_uri] = time.perf_counter()


def _stop(page) -> None:
    t0 = _open.pop(page.file.src_uri, None)
    if t0 is not None:
        _stats["pages"] += time.perf_counter() - t0


@event_priority(100)
def on_pre_page(page, **_):
    _start(page)
    return page


@event_priority(-100)
def on_page_content(html, page, **_):
    _stop(page)
    return html


@event_priority(100)
def on_page_context(context, page, **_):
    _start(page)
    return context


@event_priority(-100)
def on_post_page(output, page, **_):
    if page.file.src_uri in _open:
        _stats["page_count"] += 1
    _stop(page)
    return output


def on_post_build(config, **_):
    path = os.environ.get("CV_MAGAZINE_STATS")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"lang": common.current_lang(config), **_stats}) + "\n")
