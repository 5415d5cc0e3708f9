"""Side-by-side pages in the site build: for every publication with both
languages, ``<key>/side-by-side/`` in the Korean site and
``en/<key>/side-by-side/`` in the English one (:func:`cityvoices.urls.side_by_side_url`).

Thin: the rows are :func:`cityvoices.align.align_structures` over the
check's own extraction, each side is rendered with the site's Markdown
configuration (what the article page shows, normalized as the build
normalizes it), and :func:`cityvoices.sidebyside.page_html` lays the page
out.  The link to the page sits in the article's downloads row
(:func:`cityvoices.pdf.assemble.downloads_html`, called by
:mod:`cityvoices.integrations.pdf`).

The pages are generated files (``File.generated``, like the stand-in pages
of :mod:`cityvoices.integrations.translations`), added in ``on_nav`` so
that they are in neither the navigation nor the sitemap; their front matter
keeps them out of search (``search.exclude``) and the sidebars, and
``on_post_page`` marks them ``noindex``: what readers search for stays on the
single-language pages.  ``extra.cityvoices.parallel: false`` (or
``cityvoices build --no-parallel``) leaves them and the links out.
"""

from __future__ import annotations

import json
import time
from typing import Any

from cityvoices import align, i18n, normalize, parallel, sidebyside, urls
from cityvoices.integrations.common import current_lang, enabled, get_catalog, log, log_problem, read_sources
from cityvoices.problems import Problem

#: generated page src_uri -> publication key (this language build)
_pages: dict[str, str] = {}
_state: dict[str, Any] = {"md": None, "pubs": {}, "seconds": 0.0, "align_seconds": 0.0}

SCRIPT = "assets/javascripts/cv-parallel.js"


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


def on_nav(nav: Any, config: Any, files: Any, **_: Any) -> Any:
    # After mkdocs-static-i18n has rebuilt every File in its on_files (as the
    # stand-in pages of translations.py): one generated page per publication
    # that has both languages, outside the navigation and the sitemap.
    _pages.clear()
    _state.update(md=None, pubs={}, seconds=0.0, align_seconds=0.0)
    if not enabled(config, "parallel"):
        return nav
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    lang = current_lang(config)
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
        _pages[uri] = pub.key
        _state["pubs"][pub.key] = pub
    return nav


def _markdown(config: Any) -> Any:
    if _state["md"] is None:
        import markdown

        _state["md"] = markdown.Markdown(extensions=config.markdown_extensions,
                                         extension_configs=config.mdx_configs)
    return _state["md"]


def _convert(config: Any, text: str) -> str:
    md = _markdown(config)
    md.reset()
    return md.convert(text)


def _site_text(text: str, src: str, lang: str) -> str:
    """The text the site renders: normalized when it is not in house layout."""
    result = normalize.normalize_text(text, src, lang)
    return result.text if result.changed else text


def build_page(config: Any, key: str, lang: str, page_url: str) -> str:
    """The body of ``key``'s side-by-side page in ``lang``."""
    t0 = time.perf_counter()
    pub = _state["pubs"][key]
    sources = dict(read_sources(config.docs_dir))
    srcs = {lg: pub.versions[lg].src_uri for lg in i18n.LANGS}
    texts = {lg: _site_text(sources[srcs[lg]], srcs[lg], lg) for lg in i18n.LANGS}
    t1 = time.perf_counter()
    al = align.align_structures(parallel.extract(texts["ko"], srcs["ko"], "ko"),
                                parallel.extract(texts["en"], srcs["en"], "en"))
    _state["align_seconds"] += time.perf_counter() - t1
    sides = {lg: sidebyside.render_side(al, lg, lambda md_text: _convert(config, md_text)) for lg in i18n.LANGS}
    text = sidebyside.PageText(
        title={lg: pub.versions[lg].title or key for lg in i18n.LANGS},
        article_url={lg: urls.page_url(srcs[lg], lg) for lg in i18n.LANGS},
        src_uri=srcs)
    html = sidebyside.page_html(al, sides, lang, text, page_url=page_url,
                                script_href=urls.href(urls.relative_url(SCRIPT, page_url)))
    _state["seconds"] += time.perf_counter() - t0
    return html


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # Last of our modules: the generated page's placeholder body becomes the
    # side-by-side view (the other modules left it alone: it has no type).
    key = _pages.get(page.file.src_uri)
    if key is None:
        return None
    return build_page(config, key, current_lang(config), page.url)


def on_page_context(context: Any, page: Any, config: Any, **_: Any) -> Any:
    # mkdocs-static-i18n does not know the generated pages, so it leaves the
    # previous page's alternates in place: point the language switcher (and
    # the hreflang links) at the side-by-side page of each language.
    key = _pages.get(page.file.src_uri)
    alternates = getattr(config.extra, "alternate", None) if hasattr(config, "extra") else None
    if key is None or not alternates:
        return context
    fresh = []
    for alt in alternates:
        alt = dict(alt)
        if alt.get("lang") in i18n.LANGS:
            alt["link"] = urls.side_by_side_url(key, alt["lang"])
            alt["name"] = i18n.LANG_NAMES[alt["lang"]]
        fresh.append(alt)
    config.extra.alternate = fresh
    return context


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str | None:
    # Searchable content stays on the single-language pages.
    if page.file.src_uri not in _pages or 'name="robots"' in output:
        return None
    return output.replace("</head>", '<meta name="robots" content="noindex">\n</head>', 1)


def on_post_build(config: Any, **_: Any) -> None:
    if _pages:
        log.info("CityVoices side-by-side: %d page(s) in %.2f s (alignment %.2f s)", len(_pages),
                 _state["seconds"], _state["align_seconds"])
