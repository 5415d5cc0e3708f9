"""The bilingual site: front matter validation, publication headers,
language finishing of captions and footnotes, generated listing pages."""

from __future__ import annotations

from typing import Any

from mkdocs.exceptions import PluginError

from cityvoices import catalog as _catalog
from cityvoices import listing, pubtypes, render
from cityvoices.integrations.common import (
    current_lang, get_catalog, log, new_build, read_sources, set_catalog,
)
from cityvoices.problems import CityVoicesError


def on_pre_build(config: Any, **_: Any) -> None:
    # A (re)build starts: look at the source tree afresh once, then every
    # hook of this build shares that snapshot.
    new_build()


def on_files(files: Any, config: Any, **_: Any) -> Any:
    # Runs once per language build, before any page is read: validate every
    # publication's front matter up front so one bad file fails the build
    # with every problem listed, not just the first page that hits it.
    try:
        sources = read_sources(config.docs_dir)
    except CityVoicesError as exc:
        raise PluginError(f"CityVoices: {exc.problem.format()}") from None
    cat = _catalog.build_catalog(sources)
    set_catalog(cat)
    errors = [p for p in cat.problems if p.severity == "error"]
    if current_lang(config) == "ko":  # report once, not once per language
        for p in cat.problems:
            if p.severity != "error":
                log.warning("CityVoices: %s", p.format())
    if errors:
        raise PluginError("CityVoices: invalid front matter:\n  " + "\n  ".join(p.format() for p in errors))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **_: Any) -> str:
    # Listing pages carry `listing: <kind>` in their front matter; the list is
    # generated from the catalogue and appended, never maintained by hand.
    kind = page.meta.get("listing")
    if kind:
        lang = current_lang(config)
        if kind not in listing.KINDS:
            raise PluginError(f"CityVoices: {page.file.src_uri}: front matter field 'listing' must be one of "
                              f"{', '.join(listing.KINDS)}, not {kind!r}")
        html = listing.render_listing(get_catalog(config), kind, lang, page.url)
        markdown = markdown.rstrip("\n") + "\n\n" + html + "\n"
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str:
    lang = current_lang(config)
    if pubtypes.is_publication(page.meta.get("type")) and "<h1" not in html:
        issue = get_catalog(config).issue_title(str(page.meta.get("issue") or ""), lang)
        html = render.page_header(page.meta, lang, page.title, issue_title=issue) + html
    return render.finish_html(html, lang)
