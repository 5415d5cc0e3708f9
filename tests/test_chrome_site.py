"""The chrome in the built HTML (issue 12): readers' tabs only, the editors'
pages reached from the footer, the footer's publisher and licence, no
empty sidebar, no contents box on listings, no prev/next across sections,
the labelled switcher and its section map, the skip link, the search
dialog's name, the palette toggle, and what goes into the search text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from cityvoices import i18n
from helpers import SEED_ARTICLE

pytestmark = pytest.mark.build

TABS = {"ko": ["홈", "시티보이스", "뉴스레터", "총회 보고서"], "en": ["Home", "CityVoices", "Newsletters", "Reports"]}
PREFIX = {"ko": "", "en": "en/"}
LISTINGS = ["", "cityvoices/", "newsletters/", "reports/"]
PUBLICATIONS = [SEED_ARTICLE + "/", "newsletters/2013-12/secretariat-news/",
                "reports/2013-seoul-congress/congress-in-numbers/"]


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")


def resolve(page: str, href: str) -> str:
    return urlparse(urljoin("http://x/" + page, href)).path.lstrip("/")


def sample_pages(site: Path, lang: str):
    """``(path, soup)`` of the listings, the publications and the editors' pages in ``lang``."""
    for rel in LISTINGS + PUBLICATIONS + ["guide/", "status/"]:
        yield PREFIX[lang] + rel, soup(site, PREFIX[lang] + rel)


def all_pages(site: Path) -> list[str]:
    out = []
    for p in site.rglob("index.html"):
        rel = p.parent.relative_to(site).as_posix()
        if not rel.startswith(("assets", "search")):
            out.append("" if rel == "." else rel + "/")
    return sorted(out)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_tabs_are_the_readers_sections_only(site_dir, lang):
    for page, doc in sample_pages(site_dir, lang):
        tabs = doc.select("nav.md-tabs a.md-tabs__link")
        assert [a.get_text(strip=True) for a in tabs] == TABS[lang], page
        targets = [resolve(page, a["href"]) for a in tabs]
        assert targets == [PREFIX[lang] + t for t in LISTINGS], page
        # the drawer (the phone's menu) lists the same four, nothing for editors
        drawer = [a.get_text(strip=True) for a in doc.select("nav.md-nav--primary > ul > li > a.md-nav__link")]
        assert drawer == TABS[lang], page


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_readers_section_is_marked_on_its_pages(site_dir, lang):
    for rel, tab in (("", 0), ("cityvoices/", 1), (SEED_ARTICLE + "/", 1),
                     ("newsletters/2013-12/secretariat-news/", 2), ("reports/2013-seoul-congress/congress-in-numbers/", 3)):
        items = soup(site_dir, PREFIX[lang] + rel).select("nav.md-tabs li.md-tabs__item")
        active = [i for i, li in enumerate(items) if "md-tabs__item--active" in li["class"]]
        assert active == [tab], (lang, rel)
    for rel in ("guide/", "status/"):  # the editors' pages are in no reader's section
        assert not soup(site_dir, PREFIX[lang] + rel).select("li.md-tabs__item--active")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_footer_names_citynet_and_the_licence_and_links_the_editors_pages(site_dir, lang):
    for page, doc in sample_pages(site_dir, lang):
        footer = doc.select_one("footer.md-footer")
        text = footer.get_text(" ", strip=True)
        assert "CITYNET" in text and "CC BY-NC-ND 4.0" in text, page
        licence = footer.select_one("a[rel=license]")
        assert licence["href"].startswith("https://creativecommons.org/licenses/by-nc-nd/4.0/")
        assert "Made with" not in text
        assert i18n.label(lang, "chrome.credit") in text
        editors = footer.select_one("nav.cv-footer__editors")
        assert editors["aria-label"] == i18n.label(lang, "chrome.editors")
        links = {a.get_text(strip=True): resolve(page, a["href"]) for a in editors.select("a")}
        assert links == {i18n.label(lang, "chrome.guide"): PREFIX[lang] + "guide/",
                         i18n.label(lang, "chrome.status"): PREFIX[lang] + "status/"}, page
        for target in links.values():
            assert (site_dir / target / "index.html").is_file()
        # no previous/next across the sections (Reports -> Editors' guide)
        assert not footer.select(".md-footer__link"), page
    assert not soup(site_dir, PREFIX[lang] + "reports/").select("head link[rel=next]")
    licences = {lang: soup(site_dir, PREFIX[lang]).select_one(".cv-footer__licence").get_text(" ", strip=True)
                for lang in ("ko", "en")}
    assert licences["ko"] != licences["en"] and "라이선스" in licences["ko"]


def test_no_empty_sidebar_and_no_contents_box_on_listings(site_dir):
    for page in all_pages(site_dir):
        doc = soup(site_dir, page)
        nav = doc.select_one(".md-sidebar--primary")
        assert nav.has_attr("hidden"), page  # the tabs are the navigation (the drawer on a phone)
        toc = doc.select_one(".md-sidebar--secondary")
        entries = toc.select("nav.md-nav--secondary a.md-nav__link")
        if toc.has_attr("hidden"):
            continue
        assert len(entries) >= 2, (page, len(entries))  # never a one-entry box
    for lang in ("ko", "en"):
        for rel in LISTINGS:
            assert soup(site_dir, PREFIX[lang] + rel).select_one(".md-sidebar--secondary").has_attr("hidden"), rel
        for rel in (SEED_ARTICLE + "/", "guide/"):
            assert not soup(site_dir, PREFIX[lang] + rel).select_one(".md-sidebar--secondary").has_attr("hidden")


@pytest.mark.parametrize("lang, other", [("ko", "en"), ("en", "ko")])
def test_switcher_is_labelled_and_marks_the_current_language(site_dir, lang, other):
    for page in [p for p in all_pages(site_dir) if p.startswith("en/") == (lang == "en")]:
        doc = soup(site_dir, page)
        nav = doc.select_one("header nav.cv-lang")
        assert nav["aria-label"] == i18n.label(lang, "chrome.languages")
        links = nav.select("a.cv-lang__link")
        assert [(a["hreflang"], a.get_text(strip=True)) for a in links] == [("ko", "한국어"), ("en", "English")]
        current = [a["hreflang"] for a in links if a.get("aria-current") == "page"]
        assert current == [lang], page
        assert all(a["lang"] == a["hreflang"] for a in links)
        assert not doc.select(".md-header .md-select"), page  # no unlabelled icon menu


def test_paired_sections_carry_the_same_numbers_in_both_languages(site_dir):
    ko = soup(site_dir, SEED_ARTICLE)
    en = soup(site_dir, "en/" + SEED_ARTICLE)

    def numbered(doc):
        return [(h["data-cv-sec"], h.get_text(strip=True).rstrip("¶")) for h in doc.select("article [data-cv-sec]")]

    ko_n, en_n = numbered(ko), numbered(en)
    assert [n for n, _ in ko_n] == [n for n, _ in en_n] == ["1", "2", "3", "4", "5", "6"]
    assert dict(ko_n)["1"] == "시티넷(CITYNET)이란?" and dict(en_n)["1"] == "What is CITYNET?"
    assert dict(ko_n)["4"] == "새로운 파트너십 강화" and dict(en_n)["4"] == "Solidify New Partnerships"
    # the Korean-only subsection has no number; the title and the existing ids are untouched
    assert not ko.select_one("#seoul-as-president").has_attr("data-cv-sec")
    assert not ko.select_one("#cv-title").has_attr("data-cv-sec")
    assert ko.select_one("h2[data-cv-sec='1']")["id"] == "시티넷citynet이란"
    assert en.select_one("h2[data-cv-sec='1']")["id"] == "what-is-citynet"
    # every page with a counterpart has a map; the home page too
    assert soup(site_dir, "guide").select("[data-cv-sec]") and soup(site_dir, "en/guide").select("[data-cv-sec]")


def test_skip_link_targets_the_title(site_dir):
    for lang in ("ko", "en"):
        for rel in LISTINGS + PUBLICATIONS + ["status/"]:
            doc = soup(site_dir, PREFIX[lang] + rel)
            skip = doc.select_one('[data-md-component="skip"] a.md-skip')
            h1 = doc.select_one("article h1")
            assert skip is not None and h1 is not None and skip["href"] == "#" + h1["id"], rel
            assert skip.get_text(strip=True) == i18n.label(lang, "chrome.skip")


def test_search_dialog_and_palette_toggle_are_named(site_dir):
    for lang, search, dark in (("ko", "검색", "어두운 화면으로 바꾸기"), ("en", "Search", "Switch to dark mode")):
        doc = soup(site_dir, PREFIX[lang])
        assert doc.select_one('.md-search[role="dialog"]')["aria-label"] == search
        options = doc.select("form[data-md-component=palette] input.md-option")
        assert [o["aria-label"] for o in options] == [dark, i18n.label(lang, "chrome.to_light")]
        features = json.loads(doc.select_one("#__config").get_text())["features"]
        assert "navigation.footer" not in features and "navigation.instant" not in features
        assert "search.highlight" not in features  # ours marks exactly what matched


def _docs(site: Path, lang: str) -> list[list]:
    out = []
    for f in sorted((site / "assets/javascripts/cv-search" / lang).glob("d-*.js")):
        body = re.fullmatch(r'cvSearch\("docs",\d+,(.*)\);\n', f.read_text(encoding="utf-8"), re.S).group(1)
        out += json.loads(body)
    return out


def test_search_text_leaves_out_bylines_pdf_links_and_footnote_numbers(site_dir):
    for lang, intro, ref in (("ko", "불과 30~40년 전인", "위치한다."), ("en", "In 1970, just 43 years ago", "in Asia.")):
        docs = {d[0]: d for d in _docs(site_dir, lang)}
        page = docs[PREFIX[lang] + SEED_ARTICLE + "/"]
        assert page[2].startswith(intro), page[2][:80]    # the text, not the byline
        assert ref in page[2]                             # no footnote digit after the word
        for d in docs.values():
            assert "Brenna Foster" not in d[2] and "PDF (" not in d[2] and "Jump back" not in d[2], d[0]
            assert not re.search(r"^(그림|Figure) \d+\.", d[2])
    # the pages themselves are as they were (Material drops the marks after indexing)
    assert "data-search-exclude" not in (site_dir / SEED_ARTICLE / "index.html").read_text(encoding="utf-8")
    # the names of the byline are still found: indexed with the page
    assert "brenna" in json.dumps([f.read_text(encoding="utf-8") for f in
                                   (site_dir / "assets/javascripts/cv-search/en").glob("l-br.js")])


def test_our_stylesheets_and_scripts_are_shipped_minified_and_parallel_css_only_where_used(site_dir):
    # page weight (issue 12): the site's copies of our CSS and JavaScript
    # carry no comments; the sources keep them
    repo = Path(__file__).resolve().parents[1]
    for shipped, source in (("assets/css/chrome.css", "docs/assets/css/chrome.css"),
                            ("assets/javascripts/cv-chrome.js", "overrides/assets/javascripts/cv-chrome.js"),
                            ("assets/javascripts/cv-offline.js", "overrides/assets/javascripts/cv-offline.js")):
        src = (repo / source).read_text(encoding="utf-8")
        out = (site_dir / shipped).read_text(encoding="utf-8")
        assert "/*" in src and "/*" not in out and len(out) < 0.8 * len(src), shipped
    article, side = soup(site_dir, SEED_ARTICLE + "/"), soup(site_dir, SEED_ARTICLE + "/side-by-side/")
    sheets = [link["href"] for link in article.select('link[rel="stylesheet"]')]
    assert any(h.endswith("assets/css/chrome.css") for h in sheets)
    assert not any(h.endswith("parallel.css") for h in sheets)
    assert any(link["href"].endswith("assets/css/parallel.css") for link in side.select('link[rel="stylesheet"]'))
    # the search worker is not named by a script tag: Material starts it (through our stand-in)
    assert not article.select('script[src*="cv-offline.js"]') and not article.select('script[src*="worker."]')
