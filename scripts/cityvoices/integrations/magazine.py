"""The magazine on the site: generated pages (issues, people, tags), the
home and the issue listing, article headers and endings, ``<head>``
metadata, Atom feeds and the 404 page in each language.

Thin: every piece of HTML/XML/JSON is made by :mod:`cityvoices.magazine`,
:mod:`cityvoices.meta` and :mod:`cityvoices.feeds`; this module decides
which page gets which, when.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Any

import yaml
from mkdocs.exceptions import PluginError

from cityvoices import feeds, frontmatter, i18n, listing, magazine, meta, placeholder, pubtypes, textio, urls
from cityvoices.integrations import sidebyside
from cityvoices.integrations.common import (
    content_lang, current_lang, enabled, get_catalog, log, log_problem, read_sources,
)
from cityvoices.pdf import assemble
from cityvoices.problems import Problem
from cityvoices.render import page_header

#: ``{src_uri: (kind, key, page number)}`` of the pages this module generated
#: in this build; ``index``: the magazine index of the current catalogue.
_state: dict[str, Any] = {"generated": {}, "index": None, "for": None, "svg": {}}

SVG_SRC_RE = re.compile(r'<img (?P<pre>[^>]*?)src="(?P<src>[^"]+\.svg)"')
H1_RE = re.compile(r"\s*(<h1\b[^>]*>.*?</h1>)", re.S)


def _index(config: Any) -> magazine.Index:
    cat = get_catalog(config)
    if _state["for"] is not cat:
        _state["index"] = magazine.Index(cat, dict(read_sources(config.docs_dir)), _remembered_minutes(config))
        _state["for"] = cat
    return _state["index"]


def _remembered_minutes(config: Any):
    """:func:`cityvoices.magazine.reading_minutes`, kept in the warm-build
    cache under a hash of the text (``None`` without the cache)."""
    from cityvoices import buildcache
    from cityvoices.integrations import cache as _cache

    memo = _cache.memo(config, f"minutes-{current_lang(config)}", plain=True)
    if memo is None:
        return None

    def minutes(text: str) -> int:
        key = buildcache.digest("minutes", text)
        found = memo.get(key)
        if not isinstance(found, int):
            found = magazine.reading_minutes(text)
            memo.put(key, found)
        return found

    return minutes


def _fail(config: Any, problems: list[Problem], what: str) -> None:
    for p in problems:
        log_problem(config, p)
    raise PluginError(f"CityVoices: {len(problems)} {what} (listed above)")


# -- files and generated pages -----------------------------------------------------------------

def cover_problems(cat: Any, docs_dir: Path) -> list[Problem]:
    """A ``cover`` must be a file inside the folder of the file naming it."""
    out = []
    for pub in cat.publications.values():
        for ver in pub.versions.values():
            cover = ver.cover
            if not cover:
                continue
            folder = (docs_dir / os.path.dirname(ver.src_uri)).resolve()
            path = (folder / cover).resolve()
            line = ver.fm_lines.get("cover", 1)
            if not path.is_relative_to(folder):
                out.append(Problem(ver.src_uri, line, "cover-outside",
                                   f"cover '{cover}' leads outside the publication's folder (a symlink?); "
                                   "only its own files are published", "error"))
            elif not path.is_file():
                out.append(Problem(ver.src_uri, line, "cover-missing",
                                   f"cover image '{cover}' not found (looked for {textio.display_path(path)})",
                                   "error"))
    return out


def on_files(files: Any, config: Any, **_: Any) -> Any:
    # After site.on_files built the catalogue: a cover that is not there
    # stops the build, like an invalid front matter field.
    problems = cover_problems(get_catalog(config), Path(config.docs_dir))
    if problems:
        _fail(config, problems, "missing cover image(s)")
    return files


def _front_matter(title: str) -> str:
    data = {"title": title, "type": "page", "search": {"exclude": True}, "hide": ["navigation", "toc"]}
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, width=10 ** 6, sort_keys=False) + "---\n"


def planned(index: magazine.Index, lang: str) -> list[tuple[str, str, tuple]]:
    """``(site path, title, (kind, key, page))`` of every page to generate in ``lang``."""
    out = []
    for issue in index.issues:
        if issue.page is None:
            out.append((issue.url(lang), issue.title(lang), ("issue", issue.key, 1)))
    for kind, table, url in (("person", index.people, urls.person_url), ("tag", index.tags, urls.tag_url)):
        items = table[lang]
        if items:
            out.append(((urls.people_url if kind == "person" else urls.tags_url)(lang),
                        i18n.label(lang, "people" if kind == "person" else "tags"), (kind + "s", "", 1)))
        for slug in items:
            total = magazine.pages_of(len(items[slug].entries()))
            for n in range(1, total + 1):
                out.append((magazine.paged_url(url(slug, lang), n), magazine.list_title(index, kind, slug, lang, n),
                            (kind, slug, n)))
    return out


def on_nav(nav: Any, config: Any, files: Any, **_: Any) -> Any:
    # After static-i18n rebuilt the file list (its on_files): add this
    # language's generated pages as in-memory files, like the stand-in pages
    # of translations.py.  A page that exists as a file wins.
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    lang = current_lang(config)
    index = _index(config)
    taken = {f.url for f in files.documentation_pages()}
    _state["generated"] = {}
    count = 0
    for url, title, spec in planned(index, lang):
        if url in taken:
            continue
        uri = url + "index.md"
        generated = File.generated(config, uri, content=_front_matter(title))
        files.append(generated)
        Page(None, generated, config)
        _state["generated"][uri] = spec
        count += 1
    log.info("CityVoices magazine: %d generated pages (%s)", count, lang)
    return nav


# -- pages -------------------------------------------------------------------------------------

def _issue_of_page(page: Any, index: magazine.Index) -> magazine.Issue | None:
    if page.meta.get("type") != pubtypes.ISSUE_PAGE:
        return None
    where = pubtypes.issue_page_of(page.file.src_uri)
    return index.issue(where[1]) if where else None


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> None:
    # An issue's own page is titled by the issue (its `title` heads the note).
    issue = _issue_of_page(page, _index(config))
    if issue is not None:
        page.title = issue.title(current_lang(config))


def _issue_downloads(config: Any, issue: magazine.Issue, lang: str, base: str) -> str:
    if not enabled(config, "pdf") or not issue.pubs:
        return ""
    return assemble.issue_link_html(issue.key, lang, base)


def _mark_placeholders(html: str, page: Any, config: Any) -> str:
    """``class="cv-placeholder"`` on images that are our placeholder SVGs
    (kept at most a third of the screen's height by magazine.css)."""
    if ".svg" not in html or not page.file.abs_src_path:
        return html
    folder = Path(page.file.abs_src_path).parent
    cache = _state["svg"]

    def sub(m: re.Match[str]) -> str:
        src = m.group("src")
        if "://" in src or src.startswith(("/", "data:")):
            return m.group(0)
        path = os.path.normpath(folder / urls_unquote(src))
        if path not in cache:
            try:
                with open(path, "rb") as fh:
                    cache[path] = placeholder.is_placeholder(fh.read(600))
            except OSError:
                cache[path] = False
        if not cache[path]:
            return m.group(0)
        return f'<img class="cv-placeholder" {m.group("pre")}src="{src}"'

    return SVG_SRC_RE.sub(sub, html)


def urls_unquote(src: str) -> str:
    from urllib.parse import unquote

    return unquote(src.split("#", 1)[0].split("?", 1)[0])


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # After site.on_page_content finished the body for the page's language,
    # before translations.py adds its notices and pdf.py the download links
    # (under the byline made here).
    lang = current_lang(config)
    index = _index(config)
    base = page.url
    spec = _state["generated"].get(page.file.src_uri)
    if spec is not None:
        kind, key, n = spec
        if kind == "issue":
            issue = index.issue(key)
            return magazine.issue_page(index, issue, lang, base, downloads=_issue_downloads(config, issue, lang, base))
        if kind in ("persons", "tags"):
            return magazine.names_page(index, "person" if kind == "persons" else "tag", lang, base)
        return magazine.list_page(index, kind, key, lang, base, n)
    issue = _issue_of_page(page, index)
    if issue is not None:
        return magazine.issue_page(index, issue, lang, base, note_html=html,
                                   downloads=_issue_downloads(config, issue, lang, base))
    kind = page.meta.get("listing")
    if kind:
        row = pubtypes.get(kind)
        if kind == listing.HOME:
            extra = magazine.home(index, lang, base)
        elif row is not None and row.group == pubtypes.BY_ISSUE:
            extra = magazine.issues_listing(index, row, lang, base)
        else:
            extra = listing.render_listing(get_catalog(config), kind, lang, base)
        return html + "\n" + extra
    if not pubtypes.is_publication(page.meta.get("type")):
        return None
    pub = get_catalog(config).by_src(page.file.src_uri)
    if pub is None:
        return None
    html = _mark_placeholders(html, page, config)
    m = H1_RE.match(html)
    heading = m.group(1) if m else None
    if heading:
        html = html[m.end():]
    issue = index.issue_of(pub)  # (its title: the one rule, in catalog.issue_title)
    header = page_header(page.meta, lang, page.title, issue_title=issue.display_title(lang) if issue else None,
                         links=magazine.article_links(index, pub, lang, base), minutes=index.minutes(pub, lang),
                         standfirst=True, heading=heading)
    return (f'<header class="cv-article-header">{header}</header>\n' + html + "\n"
            + magazine.article_end(index, pub, lang, base))


# -- head --------------------------------------------------------------------------------------

def _alternates_for(page: Any, config: Any, index: magazine.Index, lang: str) -> dict[str, str]:
    """Site paths of this page in each language where it exists."""
    spec = _state["generated"].get(page.file.src_uri)
    if spec is not None:
        kind, key, n = spec
        if kind == "issue":
            return {lg: index.issue(key).url(lg) for lg in i18n.LANGS}
        if kind in ("persons", "tags"):
            url = urls.people_url if kind == "persons" else urls.tags_url
            return {lg: url(lg) for lg in i18n.LANGS if (index.people if kind == "persons" else index.tags)[lg]}
        other = i18n.other(lang)
        twin = index.counterpart(kind, key, lang)
        url = urls.person_url if kind == "person" else urls.tag_url
        out = {lang: page.url}
        if twin is not None and n == 1:
            out[other] = url(twin, other)
        return out
    side_by_side = sidebyside.alternates(page, config)
    if side_by_side is not None:
        return side_by_side
    pub = _publication(page, config)
    if pub is None:
        return {lang: page.url}
    return {lg: urls.page_url(v.src_uri, lg) for lg, v in pub.versions.items()}


def _publication(page: Any, config: Any) -> Any:
    """The catalogue entry a page shows (a stand-in page, translations.py's
    copy of a version in another language, is named without a suffix)."""
    cat = get_catalog(config)
    src = page.file.src_uri
    pub = cat.by_src(src)
    if pub is None and src.endswith(".md") and not content_lang(page):
        for lg in i18n.LANGS:
            pub = cat.by_src(f"{src[:-3]}.{lg}.md")
            if pub is not None:
                break
    return pub


def _switcher(config: Any, page: Any, index: magazine.Index, lang: str, alternates: dict[str, str]) -> None:
    # Generated pages (here and the side-by-side ones) are unknown to
    # static-i18n, which leaves the previous page's switcher links in
    # config.extra.alternate: set them in full.  Without a counterpart, the
    # other language's list of names.
    spec = _state["generated"].get(page.file.src_uri)
    current = getattr(config.extra, "alternate", None) if hasattr(config, "extra") else None
    if (spec is None and sidebyside.alternates(page, config) is None) or not current:
        return
    kind = spec[0] if spec is not None else "side-by-side"
    fallback = {"person": urls.people_url, "tag": urls.tags_url}.get(kind)
    fresh = []
    for alt in current:
        alt = dict(alt)
        lg = alt.get("lang")
        if lg in alternates:
            alt["link"] = alternates[lg]
        elif fallback is not None and lg in i18n.LANGS:
            alt["link"] = fallback(lg)
        elif lg in i18n.LANGS:
            alt["link"] = urls.lang_root(lg) or "./"
        fresh.append(alt)
    config.extra.alternate = fresh


def _work(pub: Any, lang: str, index: magazine.Index, config: Any) -> meta.Work:
    ver = pub.version(lang)
    row = pub.pubtype
    authors_meta = frontmatter.normalize_people(ver.meta.get("authors"))

    def person(p: dict) -> meta.Person:
        slug = index.person_slug(p["name"])
        url = urls.person_url(slug, ver.lang) if slug and slug in index.people[ver.lang] else ""
        return meta.Person(p["name"], p.get("affiliation", ""), url)

    translators = [t for t in frontmatter.normalize_people(ver.meta.get("translators"))
                   if (frontmatter.translation_direction(t) or ("", ver.lang))[1] == ver.lang]
    issue = index.issue_of(pub)
    original = frontmatter.text(ver.meta, "original")
    is_original = None
    if original in i18n.LANGS:
        is_original = original == ver.lang
    elif translators:
        is_original = False
    pdf = ""
    if enabled(config, "pdf") and ver.lang == lang:
        pdf = urls.pdf_path(urls.pdf_name(pub.key, lang))
    return meta.Work(
        schema=row.schema if row else "Article", headline=ver.title, lang=ver.lang, date=ver.date,
        authors=[person(p) for p in authors_meta], translators=[person(t) for t in translators],
        keywords=frontmatter.words(ver.meta, "tags"), section=row.label(lang) if row else "",
        periodical=i18n.label(lang, "pdf.magazine") if row and row.group == pubtypes.BY_ISSUE else "",
        issue=pub.issue or "" if issue else "", issue_name=issue.title(lang) if issue else "",
        issue_url=issue.url(lang) if issue else "", pdf=pdf,
        translations=[(lg, urls.page_url(v.src_uri, lg), v.title) for lg, v in pub.versions.items() if lg != ver.lang],
        original=is_original, publisher=i18n.label(lang, "pdf.publisher"))


def _feed_links(lang: str, kind: str | None) -> list[tuple[str, str]]:
    """The language's feed of everything; on a type's listing page also that
    type's feed (each link costs Material a look for a sitemap beside it)."""
    out = [(i18n.label(lang, "feed.title", what=f.title), f.path) for f in feeds.feeds(lang)[:1]]
    if kind:
        own = feeds.feed_for_type(lang, kind)
        if own is not None:
            out.append((i18n.label(lang, "feed.title", what=own.title), own.path))
    return out


def head_for(page: Any, config: Any) -> meta.Head:
    lang = current_lang(config)
    index = _index(config)
    site_url = str(config.site_url or "")
    site_name = str(config.site_name or "")
    spec = _state["generated"].get(page.file.src_uri)
    alternates = _alternates_for(page, config, index, lang)
    # the page's own title (a nav entry's name, such as "Home", is a label for the tab)
    title = frontmatter.text(page.meta, "title") or str(page.title or "")
    if _issue_of_page(page, index) is not None:
        title = str(page.title)
    head = meta.Head(lang=lang, title=title, site_name=site_name, url=page.url, site_url=site_url,
                     alternates=alternates, is_home=bool(page.is_homepage))
    pub = _publication(page, config) if spec is None else None
    ptype = page.meta.get("type")
    if spec is not None:
        kind, key, _n = spec
        if kind == "issue":
            issue = index.issue(key)
            head.description = meta.description(_issue_description(issue, lang))
            head.feeds = _feed_links(lang, None)
        elif kind in ("persons", "tags"):
            head.description = i18n.label(lang, "people.description" if kind == "persons" else "tags.description")
            head.feeds = _feed_links(lang, None)
        else:
            item = (index.people if kind == "person" else index.tags)[lang][key]
            head.kind = "profile" if kind == "person" else "website"
            head.description = meta.description(i18n.label(lang, "person.description" if kind == "person"
                                                            else "tag.description",
                                                            name=item.name, tag=item.name))
            head.feeds = _feed_links(lang, None)
        return head
    own = page.meta
    written = content_lang(page) or lang
    desc = frontmatter.text(own, "description") or frontmatter.text(own, "summary")
    if ptype == pubtypes.ISSUE_PAGE:
        issue = _issue_of_page(page, index)
        if issue is not None and not desc:
            desc = _issue_description(issue, lang)
    if not desc or written != lang and not pubtypes.is_publication(ptype):
        desc = desc if written == lang else ""
        desc = desc or i18n.label(lang, "site.description")
    head.description = meta.description(desc)
    kind = page.meta.get("listing")
    head.feeds = _feed_links(lang, kind if pubtypes.get(kind) else None)
    if written != lang:
        head.robots = "noindex"
    if pub is not None and pubtypes.is_publication(ptype):
        head.kind = "article"
        head.work = _work(pub, lang, index, config)
        image = index.image(pub, lang)
        head.image = image if image and not image.lower().endswith(".svg") else ""
    elif ptype == pubtypes.ISSUE_PAGE:
        issue = _issue_of_page(page, index)
        if issue is not None and issue.page is not None:
            ver = issue.page.version(lang)
            if ver.cover and not ver.cover.lower().endswith(".svg"):
                head.image = os.path.normpath(os.path.join(os.path.dirname(ver.src_uri), ver.cover))
    return head


def _issue_description(issue: magazine.Issue, lang: str) -> str:
    titles = " · ".join(p.version(lang).title for p in issue.pubs[:6])
    return i18n.label(lang, "issue.description", issue=issue.key, titles=titles) if titles else issue.title(lang)


def on_page_context(context: Any, page: Any, config: Any, **_: Any) -> Any:
    # After static-i18n set the switcher for the pages it knows: the head
    # of every page, and the switcher of the pages generated here.
    head = head_for(page, config)
    _switcher(config, page, _index(config), head.lang, head.alternates)
    context["cv_head"] = meta.head_html(head)
    context["cv_title"] = meta.document_title(head.title, head.site_name)
    return context


# -- 404 ---------------------------------------------------------------------------------------

def on_template_context(context: Any, template_name: str, config: Any, **_: Any) -> Any:
    # The 404 page is a theme template, not a page: its body and head come
    # from here, in the language of this build.
    if template_name != "404.html":
        return context
    lang = current_lang(config)
    from urllib.parse import urlsplit

    root = urlsplit(str(config.site_url or "/")).path or "/"
    context["cv_404"] = magazine.not_found(lang, root)
    head = meta.Head(lang=lang, title=i18n.label(lang, "404.title"), site_name=str(config.site_name or ""),
                     url="404.html", site_url="", description=i18n.label(lang, "404.text"), robots="noindex")
    context["cv_head"] = meta.head_html(head)
    context["cv_title"] = meta.document_title(head.title, head.site_name)
    alternates = getattr(config.extra, "alternate", None)
    if alternates:
        config.extra.alternate = [dict(a, link="/" + urls.lang_root(a.get("lang", ""))) if a.get("lang") in
                                  i18n.LANGS else dict(a) for a in alternates]
    return context


def on_post_template(output: str, template_name: str, config: Any, **_: Any) -> str | None:
    # Every language build renders the theme's 404.html into the site root;
    # the languages other than the default write theirs to <lang>/404.html
    # (and nothing at the root), so the parallel and the serial build both
    # end with /404.html in Korean and /en/404.html in English.
    lang = current_lang(config)
    if template_name != "404.html" or lang == i18n.DEFAULT_LANG:
        return None
    target = Path(config.site_dir) / urls.lang_root(lang) / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    textio.atomic_write(target, output.encode("utf-8"))
    return ""


# -- feeds -------------------------------------------------------------------------------------

def on_post_build(config: Any, **_: Any) -> None:
    # Once per language build: that language's feeds, under its root.
    lang = current_lang(config)
    cat = get_catalog(config)
    site = Path(config.site_dir)
    for path, data in feeds.all_feeds(cat, lang, str(config.site_url or "")):
        out = site / path
        out.parent.mkdir(parents=True, exist_ok=True)
        textio.atomic_write(out, data)


def cache_view(config: Any) -> dict[str, list]:
    """What the pages of each publication's folder show of other
    publications (:mod:`cityvoices.integrations.cache` keys them on it
    instead of every publication's front matter), by folder: the issue's
    title and link, where the byline's names lead, the tags, previous/next
    and related reading under the article (:func:`cityvoices.magazine.article_end`,
    cards and all) and the head's work (its issue, people's pages), made as
    the page makes them, without rendering any Markdown.  A title edit then
    renders the pages that show the title, not every page."""
    lang = current_lang(config)
    index = _index(config)
    out: dict[str, list] = {}
    for pub in get_catalog(config).all():
        if not pub.is_publication:
            continue
        ver = pub.version(lang)
        base = urls.page_url(ver.src_uri, lang)
        links = magazine.article_links(index, pub, lang, base)
        names = [p["name"] for field in ("authors", "translators")
                 for p in frontmatter.normalize_people(ver.meta.get(field))]
        issue = index.issue_of(pub)
        view = [issue.display_title(lang) if issue else None, links.issue, links.section,
                [links.person(name) for name in names], magazine.article_end(index, pub, lang, base),
                repr(_work(pub, lang, index, config))]
        for v in pub.versions.values():
            out[posixpath.dirname(v.src_uri)] = view
    return out


def cache_shared(config: Any) -> dict[str, list]:
    """What the cards of one publication show on other pages beyond its
    front matter (:mod:`cityvoices.integrations.cache` keys every page on it):
    reading time and thumbnail, per publication and language, with the
    thumbnail file's content (a placeholder is drawn differently)."""
    from cityvoices.integrations.cache import _file_digest

    index = _index(config)
    docs = Path(config.docs_dir)
    out: dict[str, list] = {}
    for pub in get_catalog(config).all():
        for lang in i18n.LANGS:
            if lang not in pub.versions:
                continue
            image = index.image(pub, lang)
            path = docs / image if image else None
            out[f"{pub.key}/{lang}"] = [index.minutes(pub, lang), image,
                                        _file_digest(str(path)) if path is not None and path.is_file() else None]
    return out
