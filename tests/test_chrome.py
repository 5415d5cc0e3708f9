"""The chrome's rules (cityvoices.chrome) and the switcher's section pairing
(cityvoices.switcher), as pure functions.  The built site is checked in
test_chrome_site.py, the browser in test_chrome_browser.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cityvoices import chrome, parallel, switcher
from helpers import ROOT, SEED_ARTICLE


# -- sidebars -----------------------------------------------------------------------------------

@pytest.mark.parametrize("meta, entries, hidden", [
    ({"type": "article"}, 6, ["navigation"]),                       # an article: its contents
    ({"type": "article"}, 1, ["navigation", "toc"]),                 # a one-entry box is noise
    ({"type": "page"}, 12, ["navigation"]),                          # the editors' guide
    ({"type": "page", "listing": "article"}, 5, ["navigation", "toc"]),
    ({"type": "page", "listing": "latest", "hide": ["navigation"]}, 1, ["navigation", "toc"]),
    ({}, 4, ["navigation", "toc"]),                                  # generated pages (issue, author, tag)
    ({"type": "article", "hide": ["footer", 3]}, 4, ["footer", "navigation"]),
])
def test_hidden_parts(meta, entries, hidden):
    assert chrome.hidden_parts(meta, entries) == hidden


def _toc(*items):
    return [SimpleNamespace(level=lvl, children=_toc(*kids)) for lvl, kids in items]


def test_toc_entries_drop_a_lone_title():
    assert chrome.toc_entries(_toc((1, [(2, []), (2, [(3, [])])]))) == 3
    assert chrome.toc_entries(_toc((1, []))) == 0
    assert chrome.toc_entries(_toc((2, []), (2, []))) == 2


def test_section_of_a_page():
    tabs = ["", "cityvoices/", "newsletters/", "reports/"]
    assert chrome.section_of("cityvoices/2014-1/x/", tabs) == "cityvoices/"
    assert chrome.section_of("newsletters/", tabs) == "newsletters/"
    assert chrome.section_of("", tabs) == ""
    assert chrome.section_of("guide/", tabs) is None          # the editors' pages are in no tab
    assert chrome.section_of("cityvoicesx/", tabs) is None
    en = ["en/", "en/cityvoices/", "en/newsletters/", "en/reports/"]
    assert chrome.section_of("en/guide/", en) is None and chrome.section_of("en/", en) == "en/"
    assert chrome.section_of("en/reports/2013/x/", en) == "en/reports/"


def test_editors_links_and_palette_names_in_both_languages():
    assert chrome.editors_links("ko") == [("편집자 안내서", "guide/"), ("번역 현황", "status/")]
    assert chrome.editors_links("en") == [("Editors' guide", "en/guide/"), ("Translation status", "en/status/")]
    assert chrome.palette_names("en") == {"default": "Switch to dark mode", "slate": "Switch to light mode"}
    assert set(chrome.palette_names("ko").values()) == {"어두운 화면으로 바꾸기", "밝은 화면으로 바꾸기"}


PAGE = ('<body><div data-md-component="skip">\n<a href="#first-section" class="md-skip">Skip</a>\n</div>'
        '<header>…</header><article class="md-content__inner md-typeset"><h1 id="cv-title">T</h1>'
        '<h2 id="first-section">S</h2></article></body>')


def test_skip_link_lands_on_the_title():
    out = chrome.skip_to_title(PAGE, "en")
    assert '<a href="#cv-title" class="md-skip">Skip to content</a>' in out
    assert 'href="#first-section" class="md-skip"' not in out
    # added where Material wrote none (a page without contents entries)
    bare = PAGE.replace('\n<a href="#first-section" class="md-skip">Skip</a>\n', "")
    assert '<a href="#cv-title" class="md-skip">본문으로 건너뛰기</a>' in chrome.skip_to_title(bare, "ko")
    # no title with an id: what Material wrote stays
    untitled = PAGE.replace(' id="cv-title"', "")
    assert chrome.skip_to_title(untitled, "en") == untitled


# -- the switcher's section map -----------------------------------------------------------------

def heads(*keys: str, optional: tuple[int, ...] = ()) -> list[parallel.Item]:
    return [parallel.Item("heading", k, i + 1, optional=i in optional) for i, k in enumerate(keys)]


def test_pairs_by_position_skipping_language_only_headings():
    ko = heads("h2", "h2", "h2", "h3", "h2", "h2", "h2", optional=(3,))
    en = heads("h2", "h2", "h2", "h2", "h2", "h2")
    assert switcher.pair_headings(ko, en) == [(0, 0), (1, 1), (2, 2), (4, 3), (5, 4), (6, 5)]


def test_pairs_keep_position_when_levels_differ_and_runs_when_counts_differ():
    assert switcher.pair_headings(heads("h2", "h3", "h2"), heads("h2", "h2", "h2")) == [(0, 0), (1, 1), (2, 2)]
    # one heading more in English: the equal runs around it pair up
    assert switcher.pair_headings(heads("h2", "h2", "h3", "h2"), heads("h2", "h2", "h3", "h3", "h2")) \
        == [(0, 0), (1, 1), (2, 2), (3, 4)]


def test_language_only_headings_pair_when_both_have_them():
    ko = heads("h2", "h3", "h2", optional=(1,))
    en = heads("h2", "h3", "h2", optional=(1,))
    assert switcher.pair_headings(ko, en) == [(0, 0), (1, 1), (2, 2)]


def test_marks_rendered_headings_skipping_those_the_source_lacks():
    own = heads("h2", "h3", "h2", optional=(1,))
    numbered = switcher.numbers([(0, 0), (2, 1)], 0)
    html = ('<h1 id="cv-title">T</h1><p>x</p><h2 id="a">A</h2><h3 class="cv-lang-only" id="b">B</h3>'
            '<h2 id="c">C</h2><h2 id="notes">Notes</h2>')
    out = switcher.mark_headings(html, own, numbered)
    assert out == ('<h1 id="cv-title">T</h1><p>x</p><h2 id="a" data-cv-sec="1">A</h2>'
                   '<h3 class="cv-lang-only" id="b">B</h3><h2 id="c" data-cv-sec="2">C</h2>'
                   '<h2 id="notes">Notes</h2>')
    assert switcher.mark_headings(html, own, {}) == html


def test_the_seed_article_pairs_in_the_same_numbers_from_either_side():
    texts = {lang: (ROOT / "docs" / SEED_ARTICLE / f"index.{lang}.md").read_text(encoding="utf-8")
             for lang in ("ko", "en")}
    rep = parallel.check_pair(SEED_ARTICLE, {lang: (f"{SEED_ARTICLE}/index.{lang}.md", t) for lang, t in texts.items()})
    ko, en = rep.headings["ko"], rep.headings["en"]
    assert len(ko) == 7 and len(en) == 6 and ko[3].optional  # the Korean-only 회장 도시로서 서울의 기회
    pairs = switcher.pair_headings(ko, en)
    assert switcher.numbers(pairs, 0) == {0: 1, 1: 2, 2: 3, 4: 4, 5: 5, 6: 6}
    assert switcher.numbers(pairs, 1) == {i: i + 1 for i in range(6)}
    assert "headings" not in rep.to_json()
