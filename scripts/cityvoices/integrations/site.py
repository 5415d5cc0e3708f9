"""The bilingual site: front matter validation, language finishing of
captions and footnotes, escaping of the raw front matter Material prints.
(Publication headers and generated listings: integrations.magazine.)"""

from __future__ import annotations

import html
from typing import Any

from mkdocs.exceptions import PluginError

from cityvoices import catalog as _catalog
from cityvoices import listing, render
from cityvoices.integrations.common import (
    current_lang, log_problem, new_build, read_sources, set_catalog, source_problems,
)
from cityvoices.problems import CityVoicesError


def _fail(config: Any, problems: list, what: str) -> None:
    for p in problems:
        log_problem(config, p)
    raise PluginError(f"CityVoices: {len(problems)} {what} (listed above)")


def on_config(config: Any, **_: Any) -> Any:
    # First of all: the feature switches of extra.cityvoices, validated and
    # filled in, so that every hook and template reads a complete mapping
    # (a misspelled switch stops the build naming mkdocs.yml and the line).
    from cityvoices.integrations.engine import features_of

    try:
        config.extra["cityvoices"] = features_of(config)
    except CityVoicesError as exc:
        log_problem(config, exc.problem, prefixed=True)
        raise PluginError("CityVoices: invalid extra.cityvoices in the configuration (above)") from None
    return config


def on_pre_build(config: Any, **_: Any) -> None:
    # A (re)build starts: look at the source tree afresh once, then every
    # hook of this build shares that snapshot.
    new_build()


def on_files(files: Any, config: Any, **_: Any) -> Any:
    # Runs once per language build, before any page is read.  Nothing from
    # outside docs_dir is published: a symlink leading out of it stops the
    # build before MkDocs copies anything (it follows symlinks itself).  Then
    # every publication's front matter is validated up front, so that one
    # build lists every problem (links out, unreadable files, front matter),
    # not just the first.
    sources = read_sources(config.docs_dir)
    found = source_problems(config.docs_dir)
    report = current_lang(config) == "ko"  # report once, not once per language
    from cityvoices.integrations import cache as _cache

    # the parsed front matter is kept between builds: YAML is most of the catalogue's cost
    cat = _catalog.build_catalog(sources, memo=_cache.memo(config, f"frontmatter-{current_lang(config)}",
                                                             _catalog.PARSED_TYPES))
    set_catalog(cat)
    errors = [p for p in found + cat.problems if p.severity == "error"]
    if report:
        for p in found + cat.problems:
            if p.severity != "error":
                log_problem(config, p)
    if errors:
        _fail(config, errors, "problem(s) in the sources: nothing was built")
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **_: Any) -> str:
    # MkDocs reads every page before it renders any template, and Material's
    # nav prints other pages' meta: escape the raw-printed keys here, not in
    # on_page_context (by then the nav of earlier pages held them raw).
    escape_raw_meta(page)
    # Listing pages carry `listing: <kind>` in their front matter; the list is
    # generated from the catalogue (by integrations.magazine, after the
    # Markdown), never maintained by hand.  A kind we do not know stops here.
    kind = page.meta.get("listing")
    if kind and kind not in listing.KINDS:
        from cityvoices.problems import Problem

        _fail(config, [Problem(page.file.src_uri, 0, "frontmatter-listing",
                               f"front matter field 'listing' must be one of {', '.join(listing.KINDS)}, "
                               f"not {kind!r}", "error")], "invalid listing page")
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str:
    # The body in the page's language (captions, notes, translator's notes);
    # the publication header comes next, from integrations.magazine.
    return render.finish_html(html, current_lang(config))


#: Front matter keys that Material's partials print raw (they expect HTML
#: from a git-revision or typeset plugin, which this site does not use; the
#: nav prints every nav page's subtitle and status, on every page).
RAW_META = ("revision_date", "git_revision_date_localized", "git_creation_date_localized", "subtitle", "status")


def escape_raw_meta(page: Any) -> None:
    """A front matter value is text: the few keys Material prints without
    escaping are escaped once, as soon as the page's meta is read (title,
    description and author are escaped by overrides/main.html and partials)."""
    if getattr(page, "_cv_escaped_meta", None) is page.meta:
        return  # this reading of the source is escaped already
    for key in RAW_META:
        value = page.meta.get(key)
        if value is not None:
            page.meta[key] = html.escape(str(value))
    page._cv_escaped_meta = page.meta
