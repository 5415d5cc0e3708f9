"""The site's chrome on MkDocs and Material: sidebars, the reader's tab,
palette toggle names, template helpers, the skip link, and our own CSS and
JavaScript shipped minified (:mod:`cityvoices.assets`).  Thin: the rules
are :mod:`cityvoices.chrome`; the templates are ``overrides/main.html`` and
``overrides/partials/{alternate,copyright,search,header}.html``."""

from __future__ import annotations

import os
from typing import Any

from cityvoices import assets, chrome, i18n
from cityvoices.integrations.common import current_lang, enabled

_active: list[Any] = []


def on_config(config: Any, **_: Any) -> Any:
    # Our search worker puts `?h=` on result links and our page script
    # highlights exactly the words that matched (cv-search/page.js), so
    # Material's own `search.highlight` (substring marks: "city" inside
    # "capacity") stays off; with extra.cityvoices.search off, Material's
    # search answers and its highlighting comes back.
    features = config.theme.get("features")
    if features is not None and not enabled(config, "search") and "search.highlight" not in features:
        features.append("search.highlight")
    return config


def on_pre_build(config: Any, **_: Any) -> None:
    # Once per language build, after mkdocs-static-i18n has set the build's
    # language: the palette toggle speaks it (UI strings are cityvoices.i18n).
    names = chrome.palette_names(current_lang(config))
    for option in config.theme.get("palette") or []:
        if isinstance(option, dict) and isinstance(option.get("toggle"), dict):
            option["toggle"]["name"] = names.get(option.get("scheme", "default"), option["toggle"].get("name"))


def _ours(abs_path: str | None, config: Any) -> bool:
    """A file of the site's own (``docs/`` or the theme's ``custom_dir``), not Material's."""
    if not abs_path:
        return False
    roots = [config.docs_dir, config.theme.custom_dir]
    path = os.path.realpath(abs_path)
    return any(root and path.startswith(os.path.realpath(root) + os.sep) for root in roots)


def on_nav(nav: Any, config: Any, files: Any, **_: Any) -> Any:
    # Our stylesheets and scripts (docs/assets/, overrides/assets/) go into
    # the site minified: the same file names, the same behaviour, fewer
    # bytes on every first visit (issue 12).  Here, after mkdocs-static-i18n
    # rebuilt the file list in its on_files (it needs every file's source
    # path), and before the static files are copied.
    from mkdocs.structure.files import File

    for f in list(files):
        if f.generated_by or not assets.minifiable(f.src_uri) or not _ours(f.abs_src_path, config):
            continue
        with open(f.abs_src_path, encoding="utf-8") as fh:
            text = fh.read()
        files.remove(f)
        files.append(File.generated(config, f.src_uri, content=assets.minify(f.src_uri, text)))
    return nav


def on_env(env: Any, config: Any, **_: Any) -> Any:
    # The templates' UI strings and editors' links come from the package.
    env.globals["cv_label"] = i18n.label
    env.globals["cv_editors_links"] = chrome.editors_links
    # an inline script of a template, shipped minified as our script files are
    env.filters["cv_minify_js"] = lambda text: assets.minify("inline.js", str(text))
    return env


def on_page_context(context: Any, page: Any, config: Any, nav: Any = None, **_: Any) -> Any:
    # Before the template renders: which sidebars to show, and the reader's
    # tab for a page that is not in the nav (an article is in its section).
    page.meta["hide"] = chrome.hidden_parts(page.meta, chrome.toc_entries(page.toc or []))
    items = list(getattr(nav, "items", None) or [])
    if items and not any(getattr(item, "active", False) for item in items):
        tabs = {getattr(item, "url", None): item for item in items if getattr(item, "url", None) is not None}
        url = chrome.section_of(page.url, tabs)
        if url is not None:
            tabs[url].active = True
            _active.append(tabs[url])
    return context


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str:
    while _active:
        _active.pop().active = False
    return chrome.skip_to_title(output, current_lang(config))
