"""PDF and EPUB editions in the site build: links on the pages, the files
after the build.

``extra.cityvoices.pdf: false`` in mkdocs.yml (or ``cityvoices build
--no-pdf`` for one run) skips both: no PDF is made and no page links to one.
``extra.cityvoices.epub`` (unset: as ``pdf``; ``--no-epub`` for one run)
does the same for the EPUBs (:mod:`cityvoices.epub.runner`), whose links sit
in the same row.  A PDF or EPUB that cannot be made is reported
(``path:line: error: … [code]``) and :func:`drop_dead_links` takes the links
to it out of the built pages, so a page never links to a file that does not
exist; ``cityvoices build`` then exits 2.

Under ``cityvoices serve`` (:func:`defer_editions`) the files are not made
inside the build: the build queues them and the preview server makes them
into a folder of its own after it has served the rebuilt pages
(:func:`take_deferred`), so a saved edit shows without waiting for its PDFs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote
from typing import Any, Callable

from cityvoices import i18n, pubtypes, textio, urls
from cityvoices.integrations.common import current_lang, enabled, get_catalog, log, log_problem, read_sources
from cityvoices.epub import runner as epub_runner
from cityvoices.pdf import assemble, runner

#: PDFs and EPUBs this process could not make (read by the engine after a build).
_failed: list[str] = []
#: A serve session's queue of editions to make after the build (None: made in the build).
_deferred: list[Callable[[Path], None]] | None = None

RE_PDF_LINK = re.compile(r' ?<a class="cv-(?:pdf|epub)[^"]*" href="(?P<href>[^"]*)"[^>]*>.*?</a>', re.S)
RE_EMPTY_BLOCK = re.compile(r'<p class="cv-downloads[^"]*">\s*</p>')
#: The head's pointer for indexers (cityvoices.meta.citation_tags): an absolute URL.
RE_PDF_META = re.compile(r'<meta name="citation_pdf_url" content="(?P<url>[^"]*)">\n?')


def reset() -> None:
    _failed.clear()


def failed_outputs() -> list[str]:
    return list(_failed)


def defer_editions(on: bool) -> None:
    """``on``: from now on a build queues its PDFs and EPUBs instead of
    making them (a serve session); ``off``: a build makes them again."""
    global _deferred
    _deferred = [] if on else None


def take_deferred() -> list[Callable[[Path], None]]:
    """The editions the builds since the last call queued: each a call that
    makes them, from the sources as that build read them, into the given
    folder (its ``pdf/`` and ``epub/``, as in a site folder)."""
    if not _deferred:
        return []
    queued = list(_deferred)
    _deferred.clear()
    return queued


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # Runs after site.on_page_content has put the <h1> and byline in place, so
    # the links go right under the byline; listing pages get one link per issue.
    # The same row carries the link to the side-by-side page (its own switch).
    pdf, epub, side_by_side_on = enabled(config, "pdf"), enabled(config, "epub"), enabled(config, "parallel")
    if not (pdf or epub or side_by_side_on):
        return None
    lang = current_lang(config)
    cat = get_catalog(config)
    if pubtypes.is_publication(page.meta.get("type")):
        pub = cat.by_src(page.file.src_uri)
        if pub is not None:
            langs = [lg for lg in i18n.LANGS if lg in pub.versions]
            both = side_by_side_on and all(lg in pub.versions for lg in i18n.LANGS)
            if not (pdf or epub or both):
                return None
            return assemble.insert_downloads(html, assemble.downloads_html(
                pub.key, lang, page.url, langs, pdf=pdf, epub=epub,
                side_by_side=urls.side_by_side_url(pub.key, lang) if both else None))
    row = pubtypes.get(page.meta.get("listing"))
    if (pdf or epub) and row is not None and row.group_pdf:
        issues = {key for key, _ in cat.issues() if key != "?"}
        return assemble.insert_issue_links(
            html, lambda key: assemble.issue_link_html(key, lang, page.url, pdf=pdf, epub=epub)
            if key in issues else "")
    return None


def on_post_build(config: Any, **_: Any) -> None:
    # mkdocs-static-i18n calls on_post_build once per language build, into the
    # same site_dir; the PDFs do not depend on the language build, so they are
    # made once, in the default language's pass.  A failure is logged as an
    # error (fatal under --strict), never raised: the pages' links to it are
    # taken out afterwards (drop_dead_links).
    if current_lang(config) != i18n.DEFAULT_LANG:
        return
    from cityvoices.integrations.engine import settings_from_config

    kinds = [(name, build, folder) for name, build, folder in (("pdf", runner.build_pdfs, assemble.PDF_DIR),
                                                               ("epub", epub_runner.build_epubs, assemble.EPUB_DIR))
             if enabled(config, name)]
    if not kinds:
        return
    sources, settings = read_sources(config.docs_dir), settings_from_config(config)

    def make(root: Path) -> None:
        for name, build, folder in kinds:
            result = build(sources, settings, root / folder)
            for problem in dict.fromkeys(result.problems):
                log_problem(config, problem, prefixed=True)
            log.info("CityVoices %s: %d written (%d from cache), %d failed", name.upper(),
                     len(result.made) + len(result.cached), len(result.cached), len(result.failed))
            _failed.extend(result.failed)

    if _deferred is not None:
        _deferred.append(make)
    else:
        make(Path(config.site_dir))


def drop_dead_links(site_dir: str | os.PathLike) -> list[str]:
    """Take every link to a PDF or EPUB that does not exist out of the built
    pages; returns the site paths of the missing files."""
    site = Path(site_dir)
    missing: set[str] = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "cv-pdf" not in text and "cv-epub" not in text:
            continue

        def sub(m: re.Match[str]) -> str:
            target = (page.parent / m.group("href")).resolve()
            if target.is_file():
                return m.group(0)
            missing.add(target.relative_to(site.resolve()).as_posix() if target.is_relative_to(site.resolve())
                        else m.group("href"))
            return ""

        def meta_sub(m: re.Match[str]) -> str:
            name = unquote(m.group("url").rsplit("/", 1)[-1])
            if (site / assemble.PDF_DIR / name).is_file():
                return m.group(0)
            missing.add(f"{assemble.PDF_DIR}/{name}")
            return ""

        new = RE_PDF_META.sub(meta_sub, RE_EMPTY_BLOCK.sub("", RE_PDF_LINK.sub(sub, text)))
        if new != text:
            textio.atomic_write(page, new.encode("utf-8"))
    return sorted(missing)
