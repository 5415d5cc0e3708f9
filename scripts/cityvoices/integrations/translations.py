"""Translations on the site: the parallel check as build warnings, notices for
missing and outdated translations, an honest language switcher, hreflang and
sitemap, and the generated translation status page.

Thin: every decision is a pure function in :mod:`cityvoices.parallel` (the
check) and :mod:`cityvoices.notices` (what readers see).

Language of a fallback page.  mkdocs-static-i18n (``fallback_to_default``)
copies a Korean page into the English build when there is no English file.
We keep ``<html lang="en">`` there, because the header, navigation, search and
footer around the article are English, and wrap the article in
``<div lang="ko">`` so that screen readers, hyphenation and fonts treat the
Korean text as Korean; the notice above it is in English.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from cityvoices import catalog as _catalog
from cityvoices import i18n, notices, parallel, switcher, textio
from cityvoices.integrations.common import content_lang, current_lang, docs_prefix, log_problem, read_sources
from cityvoices.problems import Problem
from cityvoices.urls import relative_url

_state: dict[str, Any] = {"sig": None, "reports": {}, "warned": None, "mirrors": {}}


def _content_lang(page: Any) -> str | None:
    """The language the page's text is written in (a generated stand-in for
    a missing Korean version holds the English text)."""
    mirror = _state["mirrors"].get(page.file.src_uri)
    return mirror[0] if mirror else content_lang(page)


def _reports(config: Any) -> dict[str, parallel.PairReport]:
    """Reports keyed like the catalogue (``cityvoices/2014-1/x``, ``""`` for
    the home page); recomputed only when a source changed."""
    sources = read_sources(config.docs_dir)
    if sources is _state.get("sources"):  # same build snapshot: nothing changed
        return _state["reports"]
    _state["sources"] = sources
    sig = tuple((uri, hash(text)) for uri, text in sources)
    if sig != _state["sig"]:
        # the paragraph alignment is cityvoices check's hint to translators;
        # the side-by-side pages align the texts as the site renders them
        _state.update(sig=sig, reports=parallel.check_sources(sources, align=False, pair=_remembered(config)))
    return _state["reports"]


def _remembered(config: Any):
    """:func:`cityvoices.parallel.check_pair`, its reports kept in the
    warm-build cache under both sources' paths and texts (``None`` without the cache)."""
    from cityvoices import buildcache
    from cityvoices.integrations import cache as _cache

    memo = _cache.memo(config, f"pairs-{current_lang(config)}", parallel.REPORT_TYPES)
    if memo is None:
        return None

    def check(key: str, versions: dict[str, tuple[str, str]], *, align: bool) -> parallel.PairReport:
        k = buildcache.digest("pair", key, align, sorted(versions.items()))
        rep = memo.get(k)
        if rep is not None:
            return parallel.with_texts(rep, versions)
        rep = parallel.check_pair(key, versions, align=align)
        memo.put(k, parallel.without_texts(rep))
        return rep

    return check


def _report_for(page: Any, config: Any) -> parallel.PairReport | None:
    mirror = _state["mirrors"].get(page.file.src_uri)
    key = mirror[1] if mirror else _catalog.publication_key(page.file.src_uri)
    return None if key is None else _reports(config).get(key)


def on_files(files: Any, config: Any, **_: Any) -> Any:
    # Once per language build, after site.py has validated front matter: run
    # the check.  Warn (which `mkdocs build --strict` turns into failure) only
    # on real divergences; missing and outdated translations are a normal
    # state of a bilingual site, shown to readers, so they are logged as info.
    reports = _reports(config)
    if current_lang(config) != i18n.DEFAULT_LANG or _state["warned"] == _state["sig"]:
        return files
    _state["warned"] = _state["sig"]
    texts = dict(read_sources(config.docs_dir))
    prefix = docs_prefix(config)
    for key, rep in reports.items():
        if rep.clean:
            continue
        # checked again with the paths an editor pastes (docs/…), which the
        # messages quote: the same findings and codes as `cityvoices check`
        rep = parallel.check_pair(key, {lang: (prefix + p, texts[p]) for lang, p in rep.paths.items()})
        for prob in rep.problems:
            if not prob.code.startswith("frontmatter"):  # site.py reports front matter
                log_problem(config, prob, prefixed=True)
        for d in rep.divergences:
            log_problem(config, d, prefixed=True)
        for lang in rep.missing:
            log_problem(config, Problem(next(iter(rep.paths.values())), 0, "translation-missing",
                                        f"has no {lang} version; readers see a notice", "info"), prefixed=True)
        if rep.outdated:
            log_problem(config, Problem(next(iter(rep.paths.values())), 0, "translation-outdated",
                                        rep.outdated_reason, "info"), prefixed=True)
    return files


def on_nav(nav: Any, config: Any, files: Any, **_: Any) -> Any:
    # mkdocs-static-i18n falls back only towards the default language: an
    # English-only publication has no page at all in the Korean site (a 404
    # behind every Korean link to it).  Give it a stand-in page holding the
    # English text under a Korean notice, like the English fallback pages.
    # Added here, not in on_files, because the i18n plugin rebuilds every
    # File from its source path in its own on_files.
    if current_lang(config) != i18n.DEFAULT_LANG:
        return nav
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    texts = dict(read_sources(config.docs_dir))
    _state["mirrors"] = {}
    for key, rep in _reports(config).items():
        if i18n.DEFAULT_LANG not in rep.missing:
            continue
        lang, src = next(iter(rep.paths.items()))
        uri = src[: -len(f".{lang}.md")] + ".md"
        if src not in texts or files.get_file_from_path(uri) is not None:
            continue
        stand_in = File.generated(config, uri, content=texts[src])
        files.append(stand_in)
        Page(None, stand_in, config)
        _state["mirrors"][uri] = (lang, key)
    return nav


def on_page_context(context: Any, page: Any, config: Any, **_: Any) -> Any:
    # After mkdocs-static-i18n (priority 50) has pointed the language
    # switcher at this page's versions (it sets the attribute
    # config.extra.alternate): a language with no version is named
    # "(not translated)" and links to the notice page, which explains in that
    # language and links to the version that exists.  Stand-in pages are not
    # known to the i18n plugin, so their links are set here in full.
    rep = _report_for(page, config)
    alternates = getattr(config.extra, "alternate", None) if hasattr(config, "extra") else None
    if not rep or not rep.missing or not alternates:
        return context
    reader = current_lang(config)
    stand_in = page.file.src_uri in _state["mirrors"]
    fresh = []
    for alt in alternates:
        alt = dict(alt)
        lang = alt.get("lang")
        name = i18n.LANG_NAMES.get(lang, str(alt.get("name", lang)))
        if lang in rep.missing:
            alt["name"] = notices.switcher_name(name, reader)
            # overrides/partials/alternate.html sets the note apart
            alt["missing"] = {"name": name, "note": i18n.label(reader, "not_translated")}
            alt["link"] = _catalog.page_url(next(iter(rep.paths.values())), lang)
        elif stand_in and lang in rep.paths:
            alt["name"] = name
            alt["link"] = _catalog.page_url(rep.paths[lang], lang)
        fresh.append(alt)
    config.extra.alternate = fresh
    return context


def on_page_content(html: str, page: Any, config: Any, **_: Any) -> str:
    lang = current_lang(config)
    written_in = _content_lang(page)
    if written_in and written_in != lang:
        # a fallback copy: say so, link to the real version, label the language
        rep = _report_for(page, config)
        src = rep.paths.get(written_in, page.file.src_uri) if rep else page.file.src_uri
        href = relative_url(_catalog.page_url(src, written_in), page.url)
        html = notices.missing_notice(lang, written_in, href) + "\n" + notices.wrap_content_lang(html, written_in)
    else:
        rep = _report_for(page, config)
        html = _mark_sections(html, rep, lang)
        if rep and rep.outdated and rep.translation_lang == lang and rep.source_lang:
            target = _catalog.page_url(rep.paths[rep.source_lang], rep.source_lang)
            href = relative_url(target, page.url)
            html = notices.outdated_notice(lang, rep.source_lang, href) + "\n" + html
    if is_status_page(page.meta):
        html += "\n" + _status_html(page, config, lang)
    return html


def _mark_sections(html: str, rep: parallel.PairReport | None, lang: str) -> str:
    # The switcher keeps the reader's place: paired headings get the pair's
    # number in both languages (cityvoices.switcher; read by cv-chrome.js).
    if not rep or len(rep.headings) != 2 or lang not in rep.headings:
        return html
    first, second = i18n.LANGS  # one order in both builds: the same numbers on both pages
    pairs = switcher.pair_headings(rep.headings[first], rep.headings[second])
    return switcher.mark_headings(html, rep.headings[lang], switcher.numbers(pairs, i18n.LANGS.index(lang)))


def is_status_page(meta: dict) -> bool:
    """The translation status page (``translation_status: true``) is made
    from every publication's check."""
    return bool(meta.get("translation_status"))


#: :mod:`cityvoices.integrations.cache` keys the status page on every file.
cache_reads_all = is_status_page


def _status_html(page: Any, config: Any, lang: str) -> str:
    reports = _reports(config)
    cat = _catalog.build_catalog(read_sources(config.docs_dir), validate=False)
    pubs = cat.all()
    titles = {p.key: {v.lang: v.title for v in p.versions.values()} for p in pubs}
    urls = {p.key: {v.lang: _catalog.page_url(v.src_uri, v.lang) for v in p.versions.values()} for p in pubs}
    chosen = [reports[p.key] for p in pubs if p.key in reports]
    return notices.status_table(chosen, lang, page.url, titles, urls)


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str:
    # <link rel="alternate" hreflang> in the head must not claim a version
    # that does not exist; a fallback copy is also kept out of search engines.
    rep = _report_for(page, config)
    if not rep or not rep.missing:
        return output
    output = notices.drop_head_alternates(output, set(rep.missing))
    if _content_lang(page) != current_lang(config) and 'name="robots"' not in output:
        output = output.replace("</head>", '<meta name="robots" content="noindex">\n</head>', 1)
    return output


def on_post_build(config: Any, **_: Any) -> None:
    # mkdocs-static-i18n writes one sitemap.xml (with xhtml:link alternates
    # for every language) in the last language build; this runs after each
    # build and is idempotent, so the final file is always fixed.
    site_url = config.site_url or ""
    missing = set()
    for rep in _reports(config).values():
        if not rep.missing:
            continue
        src = next(iter(rep.paths.values()))
        for lang in rep.missing:
            missing.add(site_url + _catalog.page_url(src, lang))
    sitemap = Path(config.site_dir) / "sitemap.xml"
    if not missing or not sitemap.is_file():
        return
    xml = sitemap.read_text(encoding="utf-8")
    fixed = notices.fix_sitemap(xml, missing)
    if fixed != xml:
        textio.atomic_write(sitemap, fixed.encode("utf-8"))
        gz = sitemap.with_name("sitemap.xml.gz")
        if gz.exists():
            textio.atomic_write(gz, gzip.compress(fixed.encode("utf-8"), mtime=0))
