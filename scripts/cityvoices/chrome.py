"""The site's chrome as a magazine reader meets it: which sidebars a page
shows, which tab is the reader's section, the footer's editors' links, the
palette toggle's names and the skip link.  Pure rules over strings and
mappings; ``cityvoices.integrations.chrome`` applies them, the templates in
``overrides/`` print them, ``docs/assets/css/chrome.css`` styles them.

* **Navigation.**  The readers' tabs (Home, CityVoices, Newsletters,
  Reports) are the navigation: no section has pages of its own in the nav,
  so the left sidebar would only repeat the tab (a sidebar holding one link
  to its own page).  It is hidden on every page at desktop widths; on a
  phone it is still the drawer that the menu button opens.
* **Contents box.**  Shown where a reader moves inside one text: a
  publication or a plain page (the editors' guide) with two entries or
  more.  Never on listings (``listing:`` in front matter, the home page) or
  on generated pages of other types (issue, author and tag pages).
* **Previous/next.**  Material's footer links follow the nav's order, which
  on a magazine leads from Reports to whatever page comes next; they are
  off (``navigation.footer`` is not enabled).  Articles link their
  neighbours in the issue themselves.
* **Editors' pages.**  The guide and the translation status are built and
  linked in both languages from the footer (:func:`editors_links`), not from
  the tabs.
* **Skip link.**  Lands on the page's title (:func:`skip_to_title`), not on
  the first entry of the contents (which skips the title, byline and
  opening paragraphs of an article).
"""

from __future__ import annotations

import html as _html
import re
from typing import Any, Iterable, Mapping

from cityvoices import i18n, pubtypes, urls

#: Contents boxes with fewer entries are not shown.
MIN_TOC_ENTRIES = 2


def hidden_parts(meta: Mapping[str, Any], toc_entries: int) -> list[str]:
    """Material's ``hide`` list for a page: the front matter's own, plus the
    navigation sidebar always, plus the contents box unless the page is one
    text worth a contents box (see the module's docstring)."""
    hide = {str(h) for h in (meta.get("hide") or []) if isinstance(h, str)}
    hide.add("navigation")
    kind = meta.get("type")
    one_text = pubtypes.is_publication(kind) or kind == "page"
    if meta.get("listing") or not one_text or toc_entries < MIN_TOC_ENTRIES:
        hide.add("toc")
    return sorted(hide)


def toc_entries(toc: Iterable[Any]) -> int:
    """Entries a contents box would show: Material drops a lone ``h1`` level
    and lists its children."""
    items = list(toc)
    if len(items) == 1 and getattr(items[0], "level", 0) == 1:
        items = list(items[0].children)

    def count(entries: Iterable[Any]) -> int:
        return sum(1 + count(e.children) for e in entries)

    return count(items)


def section_of(page_url: str, section_urls: Iterable[str]) -> str | None:
    """The readers' section (tab) a page belongs to: the longest tab URL that
    is a folder prefix of the page's URL (``cityvoices/2014-1/x/`` is in
    ``cityvoices/``).  The home tab (the language's root, which every other
    tab's URL starts with: ``""`` or ``en/``) holds the home page only."""
    urls_ = list(section_urls)
    home = min(urls_, key=len) if urls_ else None
    if home is not None and not all(u.startswith(home) for u in urls_):
        home = None
    best = None
    for url in urls_:
        if url == page_url or (url != home and url.endswith("/") and page_url.startswith(url)):
            if best is None or len(url) > len(best):
                best = url
    return best


def editors_links(lang: str) -> list[tuple[str, str]]:
    """``(label, site path)`` of the footer's editors' pages in ``lang``."""
    root = urls.lang_root(lang)
    return [(i18n.label(lang, "chrome.guide"), root + urls.GUIDE_PATH),
            (i18n.label(lang, "chrome.status"), root + urls.STATUS_PATH)]


def palette_names(lang: str) -> dict[str, str]:
    """Toggle labels by the scheme the toggle switches *from*."""
    return {"default": i18n.label(lang, "chrome.to_dark"), "slate": i18n.label(lang, "chrome.to_light")}


SKIP_RE = re.compile(r'(<div data-md-component="skip">)(?P<body>.*?)(</div>)', re.S)
ARTICLE_H1_RE = re.compile(r'<article\b[^>]*>.*?<h1\b(?P<attrs>[^>]*)>', re.S)
ID_ATTR_RE = re.compile(r'\sid="(?P<id>[^"]+)"')


def skip_to_title(output: str, lang: str) -> str:
    """Point Material's skip link at the article's ``<h1>`` (adding the link
    when Material left it out because the page has no contents).  A page
    without an ``<h1 id>`` in its article keeps what Material wrote."""
    m = ARTICLE_H1_RE.search(output)
    ident = ID_ATTR_RE.search(m.group("attrs")) if m else None
    skip = SKIP_RE.search(output)
    if not ident or not skip:
        return output
    link = (f'<a href="#{_html.escape(ident.group("id"))}" class="md-skip">'
            f'{_html.escape(i18n.label(lang, "chrome.skip"))}</a>')
    return output[:skip.start("body")] + link + output[skip.end("body"):]
