"""Side-by-side pages in the site build: for every publication with both
languages, ``<key>/side-by-side/`` in the Korean site and
``en/<key>/side-by-side/`` in the English one (:func:`cityvoices.urls.side_by_side_url`).

Thin: the rows are :func:`cityvoices.align.align_structures` (over the
extraction the translation check already made, when the text is in house
layout), each side is the site's rendering of that language, and
:func:`cityvoices.sidebyside.page_html` lays the page out.  The link to the
page sits in the article's downloads row
(:func:`cityvoices.pdf.assemble.downloads_html`, called by
:mod:`cityvoices.integrations.pdf`).

The page's own language is the article page's rendering itself: in
``on_page_markdown`` the article's Markdown gets the row markers
(:func:`cityvoices.sidebyside.marked_markdown`, comments that change nothing
in the rendering), and right after :mod:`~cityvoices.integrations.site` has
finished the body (:func:`cut_article`, called by
:mod:`~cityvoices.integrations.sidebyside_cut`, before the magazine's
furniture, the search marks and the switcher's section numbers) they are
cut out again, the pieces kept for the side-by-side page.  At that point
the page's HTML is what :func:`cityvoices.sidebyside.render_side` makes of
the same text (only its links are relative to the page instead of the
source, which :func:`cityvoices.sidebyside.localize` evens out), so the
two are interchangeable.

The other language, which this language build does not render as a page,
comes from that language's own cut when it is at hand: in one process (a
preview, ``--serial``) the other build's, in a parallel build the other
process's, which ``cityvoices build`` lets the two share through a folder of
its own (:func:`share_rows`: each process appends its cuts to a file there
and reads the other's).  A cut is taken only for the very text this build
aligned (the marked text's digest), and only when its links mean on the
other page what they meant on its own (:func:`cityvoices.sidebyside.portable`);
anything else is rendered here with the same Markdown configuration.  Either way the page is the same, byte for
byte; sharing saves the second rendering of every article.

The pages are generated files (``File.generated``, like the stand-in pages
of :mod:`cityvoices.integrations.translations`), added in ``on_nav`` so
that they are in neither the navigation nor the sitemap; their front matter
keeps them out of search (``search.exclude``) and the sidebars, and
``on_post_page`` marks them ``noindex``: what readers search for stays on the
single-language pages.  ``extra.cityvoices.parallel: false`` (or
``cityvoices build --no-parallel``) leaves them and the links out.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import struct
import time
from pathlib import Path
from typing import Any

from cityvoices import align, i18n, normalize, parallel, sidebyside, urls
from cityvoices.integrations.common import current_lang, enabled, get_catalog, log, log_problem, read_sources
from cityvoices.problems import Problem

SCRIPT = "assets/javascripts/cv-parallel.js"

#: per language build (a preview keeps both languages loaded in one process):
#: pages (generated page src_uri -> publication key), pubs, articles (source
#: -> key), alignments and sides (key -> this pass's), marked (key -> digest
#: of the marked text its side was cut from), portable (keys whose cut may
#: stand in for a rendering of the text: sidebyside.portable), timings
_langs: dict[str, dict[str, Any]] = {}
#: the other process's cuts in a parallel build (:func:`share_rows`)
_shared: dict[str, Any] = {}
#: the Markdown instance (of the configuration in use) and the sources by path (of one snapshot)
_markdown: dict[int, Any] = {}
_snapshot: dict[str, Any] = {}


def _reset(lang: str) -> dict[str, Any]:
    _langs[lang] = {"pages": {}, "pubs": {}, "articles": {}, "alignments": {}, "sides": {}, "marked": {},
                    "texts": {}, "portable": set(),
                    "seconds": 0.0, "align_seconds": 0.0, "align_only": 0.0, "normalize": 0.0,
                    "taken": 0, "rendered": 0}
    return _langs[lang]


def _st(config: Any) -> dict[str, Any]:
    lang = current_lang(config)
    return _langs.get(lang) or _reset(lang)


def page_uri(key: str, lang: str) -> str:
    """The generated page's source name (its URL is :func:`urls.side_by_side_url`)."""
    return urls.side_by_side_url(key, lang)[:-1] + ".md"


def _front_matter(title: str, key: str) -> str:
    # JSON strings are YAML strings: the title is text, whatever it holds
    return ("---\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            "search:\n  exclude: true\n"
            "hide:\n  - navigation\n  - toc\n"
            f"cv_side_by_side: {json.dumps(key, ensure_ascii=False)}\n"
            "---\n")


def on_files(files: Any, config: Any, **_: Any) -> None:
    # A build, or a preview's re-render of a few pages, starts: what the last
    # pass aligned and rendered may be stale (pages re-rendered without their
    # article align and render both sides themselves).
    state = _st(config)
    state["alignments"].clear()
    for name in ("sides", "marked", "texts", "portable"):
        state[name].clear()


def on_nav(nav: Any, config: Any, files: Any, **_: Any) -> Any:
    # After mkdocs-static-i18n has rebuilt every File in its on_files (as the
    # stand-in pages of translations.py): one generated page per publication
    # that has both languages, outside the navigation and the sitemap.
    lang = current_lang(config)
    state = _reset(lang)
    if not enabled(config, "parallel"):
        return nav
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    for pub in get_catalog(config).all():
        if not pub.is_publication or not all(lg in pub.versions for lg in i18n.LANGS):
            continue
        uri = page_uri(pub.key, lang)
        if files.get_file_from_path(uri) is not None:
            log_problem(config, Problem(pub.versions[lang].src_uri, 0, "side-by-side-collision",
                                        f"{uri} already exists; no side-by-side page for this publication",
                                        "warning"))
            continue
        title = i18n.label(lang, "parallel.title", title=pub.versions[lang].title or pub.key)
        page_file = File.generated(config, uri, content=_front_matter(title, pub.key))
        files.append(page_file)
        Page(None, page_file, config)
        state["pages"][uri] = pub.key
        state["pubs"][pub.key] = pub
        state["articles"][pub.versions[lang].src_uri] = pub.key
    return nav


def _convert(config: Any, text: str) -> str:
    """The site's Markdown configuration (one instance, reset for each text)."""
    md = _markdown.get(id(config))
    if md is None:
        import markdown

        _markdown.clear()
        md = _markdown[id(config)] = markdown.Markdown(extensions=config.markdown_extensions,
                                                       extension_configs=config.mdx_configs)
    md.reset()
    return md.convert(text)


def _sources(config: Any) -> dict[str, str]:
    """This build's sources by path (one dict per snapshot of the tree)."""
    snapshot = read_sources(config.docs_dir)
    if _snapshot.get("of") is not snapshot:
        _snapshot.update(of=snapshot, sources=dict(snapshot))
    return _snapshot["sources"]


def _structures(config: Any, key: str) -> dict[str, parallel.Structure]:
    """Both versions as the translation check extracted them."""
    from cityvoices.integrations import translations

    rep = translations._reports(config).get(key)  # one extraction per build (translations.py)
    return rep.structures if rep is not None else {}


def _version(config: Any, src: str, lang: str, known: parallel.Structure | None,
             text: str | None = None) -> parallel.Structure:
    """``src`` as the site renders it: its own text when in house layout (the
    check's extraction reused), else normalized first; ``text``: the text
    the page renders, when already known."""
    raw = _sources(config)[src] if text is None else text
    if text is None:
        t0 = time.perf_counter()
        result = normalize.normalize_text(raw, src, lang)
        text = result.text if result.changed else raw
        _st(config)["normalize"] += time.perf_counter() - t0
    if known is not None and known.text == text:
        return known
    return parallel.extract(text, src, lang)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # An article that has a side-by-side page: align the pair now and mark
    # its rows in the Markdown (after the normalizer, on what the page renders).
    state = _st(config)
    key = state["articles"].get(page.file.src_uri)
    if key is None:
        return None
    t0 = time.perf_counter()
    lang = current_lang(config)
    other = i18n.other(lang)
    pub = state["pubs"][key]
    known = _structures(config, key)
    raw = page.file.content_string
    body = page.markdown or ""  # MkDocs' body before the plugins (static-i18n rejoins its lines)
    if markdown.rstrip("\n") == body.rstrip("\n") and raw.endswith(body):
        own_text = raw  # as written: the check's extraction holds
    else:  # normalized by the build (or changed by a plugin): align what the page renders
        own_text = raw[: len(raw) - len(body)] + markdown
    own = _version(config, page.file.src_uri, lang, known.get(lang), own_text)
    theirs = _version(config, pub.versions[other].src_uri, other, known.get(other))
    pair = {lang: own, other: theirs}
    t1 = time.perf_counter()
    al = align.align_structures(pair["ko"], pair["en"])
    state["align_only"] += time.perf_counter() - t1
    state["alignments"][key] = al
    marked = sidebyside.marked_markdown(al, lang)
    state["marked"][key] = _digest(marked)
    state["texts"][key] = marked  # for cut_article, which takes it
    state["align_seconds"] += time.perf_counter() - t0
    return marked


def _digest(marked: str) -> str:
    return hashlib.blake2b(marked.encode("utf-8"), digest_size=16).hexdigest()


def cut_article(html: str, page: Any, config: Any) -> str | None:
    """An article with a side-by-side page, its body just finished
    (:mod:`~cityvoices.integrations.sidebyside_cut`): keep its rows' pieces
    (shared with the other language's process, if any) and take the markers
    out (the page is as it would be without them)."""
    state = _st(config)
    key = state["articles"].get(page.file.src_uri)
    if key is None or key not in state["alignments"]:
        return None
    t0 = time.perf_counter()
    lang = current_lang(config)
    side = state["sides"][key] = sidebyside.cut_side(state["alignments"][key], lang, html)
    src = page.file.src_uri
    if sidebyside.portable(side, src_uri=src, rendered_at=urls.page_url(src, lang), source=state["texts"].pop(key)):
        state["portable"].add(key)
        if _shared.get("lang") == lang:
            _publish(key, state["marked"][key], side)
    state["seconds"] += time.perf_counter() - t0
    return sidebyside.strip_marks(html)


# --------------------------------------------------------------------------
# Cuts shared between the language processes of one parallel build

_HEAD = struct.Struct("<I")


def share_rows(folder: str | os.PathLike | None, lang: str) -> None:
    """This process builds ``lang`` next to the other language's process,
    both handed ``folder`` (a folder of the build's own, ``cityvoices build``):
    each appends its cuts to ``<folder>/<lang>.rows`` and reads the other's.
    ``None``: nothing shared."""
    _shared.clear()
    if folder is not None:
        _shared.update(folder=Path(folder), lang=lang, out=None, offset=0, got={})


def _publish(key: str, marked: str, side: sidebyside.Side) -> None:
    out = _shared.get("out")
    if out is None:
        out = _shared["out"] = open(_shared["folder"] / f"{_shared['lang']}.rows", "ab")
    blob = pickle.dumps((key, marked, side), protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEAD.pack(len(blob)) + blob)  # one record a write, whole records only
    out.flush()


def _other_cut(key: str, lang: str, marked: str) -> sidebyside.Side | None:
    """``lang``'s cut of ``key`` for the text ``marked`` (digest): from the
    other build of this process, else from the other process's file, read
    up to its last whole record; ``None`` if neither has it (yet)."""
    state = _langs.get(lang)
    if state is not None and state["marked"].get(key) == marked and key in state["portable"]:
        return state["sides"][key]
    if not _shared or _shared["lang"] == lang:
        return None
    got = _shared["got"]
    if key not in got:
        try:
            with open(_shared["folder"] / f"{lang}.rows", "rb") as fh:
                fh.seek(_shared["offset"])
                data = fh.read()
        except OSError:
            data = b""
        at = 0
        while at + _HEAD.size <= len(data):
            (size,) = _HEAD.unpack_from(data, at)
            if at + _HEAD.size + size > len(data):
                break  # being written
            k, digest, side = pickle.loads(data[at + _HEAD.size: at + _HEAD.size + size])
            got[k] = (digest, side)
            at += _HEAD.size + size
        _shared["offset"] += at
    digest, side = got.pop(key, (None, None))
    return side if digest == marked else None


def _build_page(config: Any, key: str, lang: str, page_url: str) -> str:
    """The body of ``key``'s side-by-side page in ``lang``."""
    state = _st(config)
    pub = state["pubs"][key]
    srcs = {lg: pub.versions[lg].src_uri for lg in i18n.LANGS}
    al = state["alignments"].get(key)
    own = state["sides"].get(key)
    if al is None or own is None:  # the article was not rendered in this pass: align and render here
        known = _structures(config, key)
        al = align.align_structures(*(_version(config, srcs[lg], lg, known.get(lg)) for lg in i18n.LANGS))
        own = sidebyside.render_side(al, lang, lambda text: _convert(config, text))
        own.base = "source"
    other = i18n.other(lang)
    theirs = _other_cut(key, other, _digest(sidebyside.marked_markdown(al, other)))
    if theirs is None:
        theirs = sidebyside.render_side(al, other, lambda text: _convert(config, text))
        state["rendered"] += 1
    else:
        state["taken"] += 1
    sides = {lang: own, other: theirs}
    text = sidebyside.PageText(
        title={lg: pub.versions[lg].title or key for lg in i18n.LANGS},
        article_url={lg: urls.page_url(srcs[lg], lg) for lg in i18n.LANGS},
        src_uri=srcs)
    return sidebyside.page_html(al, sides, lang, text, page_url=page_url,
                                script_href=urls.href(urls.relative_url(SCRIPT, page_url)))


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # Last of our modules (the articles were cut earlier, cut_article): a
    # generated page's placeholder body becomes the side-by-side view.
    t0 = time.perf_counter()
    state = _st(config)
    key = state["pages"].get(page.file.src_uri)
    if key is None:
        return None
    out = _build_page(config, key, current_lang(config), page.url)
    state["seconds"] += time.perf_counter() - t0
    return out


def alternates(page: Any, config: Any) -> dict[str, str] | None:
    """A side-by-side page's site path in each language (``None`` for any
    other page).  mkdocs-static-i18n does not know the generated pages:
    integrations.magazine sets their hreflang links and switcher from this."""
    key = _st(config)["pages"].get(page.file.src_uri)
    return None if key is None else {lg: urls.side_by_side_url(key, lg) for lg in i18n.LANGS}


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str | None:
    # Searchable content stays on the single-language pages.
    if page.file.src_uri not in _st(config)["pages"] or 'name="robots"' in output:
        return None
    return output.replace("</head>", '<meta name="robots" content="noindex">\n</head>', 1)


def on_post_build(config: Any, **_: Any) -> None:
    state = _st(config)
    if not state["pages"]:
        return
    lang = current_lang(config)
    # aligning: extracting what the check's extraction did not give, and the
    # alignment; normalizing the other language (to render it as its page
    # does) belongs to making the pages
    aligning = state["align_seconds"] - state["normalize"]
    making = state["seconds"] + state["normalize"]
    log.info("CityVoices side-by-side: %s, %d page(s), aligning %.2f s, making the pages %.2f s; the other "
             "language's rows: %d cut by its own build, %d rendered here", lang, len(state["pages"]), aligning,
             making, state["taken"], state["rendered"])
    if _shared.get("out") is not None:
        _shared["out"].close()
        _shared["out"] = None
    stats = os.environ.get("CV_SIDE_BY_SIDE_STATS")  # benchmarks: where to append timings
    if stats:
        with open(stats, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"lang": lang, "pages": len(state["pages"]), "align_seconds": aligning,
                                 "align_only_seconds": state["align_only"], "page_seconds": making,
                                 "normalize_seconds": state["normalize"], "taken": state["taken"],
                                 "rendered": state["rendered"], "portable": len(state["portable"])}) + "\n")


def pages_for_keys(lang: str, keys: set[str]) -> set[str]:
    """The generated pages of these publications in ``lang``'s build (a
    preview re-renders them with their articles)."""
    return {uri for uri, key in _langs.get(lang, {}).get("pages", {}).items() if key in keys}
