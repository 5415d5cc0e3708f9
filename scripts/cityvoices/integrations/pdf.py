"""PDF editions in the site build: links on the pages, PDFs after the build.

``extra.cityvoices.pdf: false`` in mkdocs.yml (or ``cityvoices build
--no-pdf`` for one run) skips both: no PDF is made and no page links to one.
A PDF that cannot be made is reported (``path:line: error: … [code]``) and
:func:`drop_dead_links` takes the links to it out of the built pages, so a
page never links to a PDF that does not exist; ``cityvoices build`` then exits 2.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cityvoices import i18n, pubtypes, textio, urls
from cityvoices.integrations.common import current_lang, enabled, get_catalog, log, log_problem, read_sources
from cityvoices.pdf import assemble, runner

#: PDFs this process could not make (read by the engine after a build).
_failed: list[str] = []

RE_PDF_LINK = re.compile(r' ?<a class="cv-pdf[^"]*" href="(?P<href>[^"]*)"[^>]*>.*?</a>', re.S)
RE_EMPTY_BLOCK = re.compile(r'<p class="cv-downloads[^"]*">\s*</p>')


def reset() -> None:
    _failed.clear()


def failed_outputs() -> list[str]:
    return list(_failed)


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # Runs after site.on_page_content has put the <h1> and byline in place, so
    # the links go right under the byline; listing pages get one link per issue.
    # The same row carries the link to the side-by-side page (its own switch).
    pdf_on, side_by_side_on = enabled(config, "pdf"), enabled(config, "parallel")
    if not pdf_on and not side_by_side_on:
        return None
    lang = current_lang(config)
    cat = get_catalog(config)
    if pubtypes.is_publication(page.meta.get("type")):
        pub = cat.by_src(page.file.src_uri)
        if pub is not None:
            langs = [lg for lg in i18n.LANGS if lg in pub.versions]
            both = side_by_side_on and all(lg in pub.versions for lg in i18n.LANGS)
            if not pdf_on and not both:
                return None
            return assemble.insert_downloads(html, assemble.downloads_html(
                pub.key, lang, page.url, langs, pdf=pdf_on,
                side_by_side=urls.side_by_side_url(pub.key, lang) if both else None))
    row = pubtypes.get(page.meta.get("listing"))
    if pdf_on and row is not None and row.group_pdf:
        issues = {key for key, _ in cat.issues() if key != "?"}
        return assemble.insert_issue_links(
            html, lambda key: assemble.issue_link_html(key, lang, page.url) if key in issues else "")
    return None


def on_post_build(config: Any, **_: Any) -> None:
    # mkdocs-static-i18n calls on_post_build once per language build, into the
    # same site_dir; the PDFs do not depend on the language build, so they are
    # made once, in the default language's pass.  A failure is logged as an
    # error (fatal under --strict), never raised: the pages' links to it are
    # taken out afterwards (drop_dead_links).
    if not enabled(config, "pdf") or current_lang(config) != i18n.DEFAULT_LANG:
        return
    from cityvoices.integrations.engine import settings_from_config

    settings = settings_from_config(config)
    result = runner.build_pdfs(read_sources(config.docs_dir), settings, Path(config.site_dir) / assemble.PDF_DIR)
    for problem in dict.fromkeys(result.problems):
        log_problem(config, problem, prefixed=True)
    log.info("CityVoices PDF: %d written (%d from cache), %d failed", len(result.made) + len(result.cached),
             len(result.cached), len(result.failed))
    _failed.extend(result.failed)


def drop_dead_links(site_dir: str | os.PathLike) -> list[str]:
    """Take every link to a PDF that does not exist out of the built pages;
    returns the site paths of the missing PDFs."""
    site = Path(site_dir)
    missing: set[str] = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "cv-pdf" not in text:
            continue

        def sub(m: re.Match[str]) -> str:
            target = (page.parent / m.group("href")).resolve()
            if target.is_file():
                return m.group(0)
            missing.add(target.relative_to(site.resolve()).as_posix() if target.is_relative_to(site.resolve())
                        else m.group("href"))
            return ""

        new = RE_EMPTY_BLOCK.sub("", RE_PDF_LINK.sub(sub, text))
        if new != text:
            textio.atomic_write(page, new.encode("utf-8"))
    return sorted(missing)
