"""Search that lands (issue 12): in Debian's Chromium, on the built site.
Results and the page they lead to mark exactly the words the query matched
(their analysed forms, never other words sharing a prefix); a result opens
with its first hit in view; the snippet is the sentence around the hit."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from cityvoices.search import analyze
from cityvoices.search import probe

pytestmark = [pytest.mark.browser, pytest.mark.build]

ARTICLE = "cityvoices/2014-1/seoul-congress-2013/"
MARKS = "els => els.map(e => e.textContent)"


@pytest.fixture(scope="module")
def searcher(site_dir, serve, browser):
    b = probe.Browser(serve(site_dir), browser)
    yield b
    b.close()


@contextmanager
def reader(searcher, lang: str, query: str):
    """A reader's page in ``lang`` with ``query`` typed into the search box."""
    page = searcher.open(lang)
    try:
        searcher.query(page, query)
        yield page
    finally:
        page.close()


def open_result(searcher, page, index: int = 0):
    """Follow a result as a reader does (a click in Material's list)."""
    link = page.locator(".md-search-result__list a.md-search-result__link").nth(index)
    href = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    page.wait_for_selector("mark[data-md-highlight]")
    page.wait_for_timeout(300)  # the scroll after load
    return href


def stems_of(words: list[str]) -> set[str]:
    return {analyze.en_stem(analyze.normalize(w)) for w in words}


def test_waste_management_marks_only_its_forms(searcher, site_dir):
    text = (site_dir / "en" / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert " was " in text and "water" in text  # the words that used to be marked are there
    with reader(searcher, "en", "waste management") as page:
        in_results = page.eval_on_selector_all(".md-search-result__list mark", MARKS)
        assert in_results and stems_of(in_results) == {"wast", "manag"}, in_results
        href = open_result(searcher, page)
        assert "h=wast+manag" in href
        on_page = page.eval_on_selector_all("article mark[data-md-highlight]", MARKS)
        assert {w.lower() for w in on_page} >= {"waste", "management"}
        assert stems_of(on_page) == {"wast", "manag"}, on_page
        assert not any(w.lower() in ("was", "water", "wat") for w in on_page)


def test_korean_query_marks_its_forms(searcher):
    with reader(searcher, "ko", "서울시의") as page:
        in_results = page.eval_on_selector_all(".md-search-result__list mark", MARKS)
        assert in_results and all(w.startswith("서울시") for w in in_results), in_results
        open_result(searcher, page)
        on_page = set(page.eval_on_selector_all("article mark[data-md-highlight]", MARKS))
        # the particle of the query is stripped; the forms of the text are marked whole
        assert {"서울시는", "서울시의", "서울시"} <= on_page, on_page
        assert all(w.startswith("서울시") and analyze.ko_stem(w) in ("서울시", w) for w in on_page), on_page


def test_a_result_opens_with_its_first_hit_in_view(searcher):
    with reader(searcher, "en", "TOPIS") as page:
        # the section result (not the page's own entry) for a hit deep in a long section
        links = page.eval_on_selector_all(".md-search-result__list a.md-search-result__link",
                                          "els => els.map(a => a.getAttribute('href'))")
        index = next(i for i, h in enumerate(links) if "#the-2013-citynet-seoul-congress-and-future" in h)
        open_result(searcher, page, index)
        box = page.evaluate("""() => { const m = document.querySelector('mark.cv-hit')
          const r = m.getBoundingClientRect(), h = document.querySelector('.md-header').getBoundingClientRect()
          return { top: r.top, bottom: r.bottom, header: h.bottom, height: innerHeight, text: m.textContent,
                   y: scrollY } }""")
        assert box["text"] == "TOPIS"
        assert box["header"] <= box["top"] and box["bottom"] <= box["height"], box
        assert box["y"] > 1000, box  # well into the article: the page did scroll
        # the hit is inside the section the result named
        inside = page.evaluate("""() => { const h = document.getElementById(
            'the-2013-citynet-seoul-congress-and-future-opportunities-for-seoul')
          return !!(h.compareDocumentPosition(document.querySelector('mark.cv-hit')) & Node.DOCUMENT_POSITION_FOLLOWING) }""")
        assert inside


def test_snippet_is_the_sentence_around_the_hit(searcher):
    with reader(searcher, "en", "TOPIS") as page:
        texts = page.eval_on_selector_all(".md-search-result__list article", "els => els.map(e => e.innerHTML)")
        hit = next(t for t in texts if "<mark" in t and "TOPIS" in t)
        # one sentence (or a window of it), with the hit, not the section's opening
        body = hit.split("</h2>", 1)[-1]
        assert 30 < len(body) < 400, body
        assert "<mark data-md-highlight=\"\">TOPIS</mark>" in body


def test_offline_copy_lands_too(browser, site_dir):
    b = probe.Browser(site_dir.as_uri() + "/", browser)
    try:
        page = b.open("ko", timeout=20_000)
        b.query(page, "폐기물관리")
        open_result(b, page)
        assert page.url.startswith("file:") and "index.html?h=" in page.url
        marks = page.eval_on_selector_all("article mark[data-md-highlight]", MARKS)
        assert "폐기물 관리" in marks or "폐기물관리" in marks, marks
    finally:
        b.close()
