"""PDF editions in the site build: links on the pages, PDFs after the build.

``CV_PDF=0`` skips both (fast dev builds, tests of other features): no PDF is
made and no page links to one, so the site never shows a dead link.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from cityvoices import i18n, pubtypes
from cityvoices.integrations.common import current_lang, get_catalog, log, read_sources
from cityvoices.pdf import assemble, runner


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # Runs after site.on_page_content has put the <h1> and byline in place, so
    # the links go right under the byline; listing pages get one link per issue.
    if not runner.enabled():
        return None
    lang = current_lang(config)
    cat = get_catalog(config)
    if pubtypes.is_publication(page.meta.get("type")):
        pub = cat.by_src(page.file.src_uri)
        if pub is not None:
            langs = [lg for lg in i18n.LANGS if lg in pub.versions]
            return assemble.insert_downloads(html, assemble.downloads_html(pub.key, lang, page.url, langs))
    row = pubtypes.get(page.meta.get("listing"))
    if row is not None and row.group_pdf:
        issues = {key for key, _ in cat.issues() if key != "?"}
        return assemble.insert_issue_links(
            html, lambda key: assemble.issue_link_html(key, lang, page.url) if key in issues else "")
    return None


def on_post_build(config: Any, **_: Any) -> None:
    # mkdocs-static-i18n calls on_post_build once per language build, into the
    # same site_dir; the PDFs do not depend on the language build, so they are
    # made once, in the default language's pass.
    if not runner.enabled() or current_lang(config) != i18n.DEFAULT_LANG:
        return
    settings = runner.settings_from_config(config)
    result = runner.build_pdfs(read_sources(config.docs_dir), settings, Path(config.site_dir) / assemble.PDF_DIR)
    for problem in result.problems:
        (log.error if problem.severity == "error" else log.warning)("CityVoices PDF: %s", problem.format())
    log.info("CityVoices PDF: %d made, %d from cache, %d failed", len(result.made), len(result.cached),
             len(result.failed))
    if result.failed and config.strict:
        raise PluginError(f"CityVoices PDF: {len(result.failed)} PDF(s) failed: {', '.join(result.failed)}")
