"""Search in Debian's Chromium, on the real built docs/ site: Material's
search UI answered by our per-language worker.  A subset of the query set
(every kind of query, both languages) must be found, in the right section;
nothing is downloaded for search before the reader searches; a search
fetches only its language's shards; results and target pages highlight the
words; the offline copy (file://) searches too; and the query-time analyser
(analyze.js) gives exactly the build-time analyser's keys and highlights.
What a result leads to (exact marks, the scroll to the hit) is in
test_search_landing.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cityvoices.search import probe as bench_search
from cityvoices.search import analyze

pytestmark = [pytest.mark.browser, pytest.mark.build]

CV = Path("assets") / "javascripts" / "cv-search"
ARTICLE = "cityvoices/2014-1/seoul-congress-2013/"


def subset() -> list[dict]:
    """Two queries of every kind, per language (about 30 in all)."""
    out, seen = [], {}
    for q in bench_search.load_queries():
        key = (q["lang"], q["kind"])
        if seen.get(key, 0) < 2:
            seen[key] = seen.get(key, 0) + 1
            out.append(q)
    return out


@pytest.fixture(scope="module")
def searcher(site_dir, serve, browser):
    base = serve(site_dir)
    b = bench_search.Browser(base, browser)
    yield b
    b.close()


@pytest.mark.slow
def test_query_subset_found_in_right_section(searcher):
    queries = subset()
    assert len(queries) >= 25
    failures = []
    for q in queries:
        res = searcher.query(searcher.page(q["lang"]), q["q"])
        verdict = bench_search.judge(q, res.groups)
        if not verdict["rank"] or verdict["section"] is False:
            failures.append((q["q"], verdict, [g[0][0] for g in res.groups[:3]]))
    assert not failures


def test_results_stay_in_the_readers_language(searcher):
    for lang, q in (("ko", "서울"), ("ko", "KOICA"), ("en", "Seoul"), ("en", "KOICA")):
        res = searcher.query(searcher.page(lang), q)
        pages = [g[0][0] for g in res.groups]
        assert pages, (lang, q)
        assert all(p.startswith("en/") == (lang == "en") for p in pages), (lang, q, pages)


def test_nothing_downloaded_before_search_and_only_own_language_after(browser, site_dir, serve):
    base = serve(site_dir)
    ctx = browser.new_context()
    urls: list[str] = []
    ctx.on("request", lambda r: urls.append(r.url))
    try:
        page = ctx.new_page()
        page.goto(base + "en/")
        page.wait_for_load_state("networkidle")
        # not even the worker: it starts when the reader opens the search (page weight, issue 12)
        before = [u for u in urls if "cv-search/" in u or "cv-offline" in u]
        assert before == []
        stub = [u for u in urls if u.endswith("search/search_index.json")]
        assert len(stub) <= 1  # Material's config, no documents (see test_search.py)
        b = bench_search.Browser(base, browser)
        page.evaluate(bench_search._SETUP_JS)
        page.click("input.md-search__input")
        page.wait_for_function(bench_search._READY_JS)
        assert [u for u in urls if u.endswith("/cv-search/worker.en.js")]
        res = b.query(page, "Ulaanbaatar")
        assert res.groups
        shards = [u for u in urls if "/cv-search/" in u and "/worker." not in u]
        assert shards and all("/cv-search/en/" in u for u in shards), shards
        assert any(u.endswith("/cv-search/en/meta.js") for u in shards)
        # the search loads a few small files, not the index
        assert len(set(shards)) <= 6
    finally:
        ctx.close()


def test_highlight_in_results_and_on_the_page(searcher):
    page = searcher.page("ko")
    res = searcher.query(page, "울란바토르에서")
    assert res.groups and res.groups[0][0][0] == ARTICLE
    href = page.eval_on_selector(".md-search-result__list a", "a => a.href")
    assert "h=%EC%9A%B8%EB%9E%80%EB%B0%94%ED%86%A0%EB%A5%B4" in href  # h=울란바토르 (the stem)
    target = page.context.new_page()
    target.goto(href)
    target.wait_for_selector("mark[data-md-highlight]")
    on_page = target.eval_on_selector_all("mark[data-md-highlight]", "els => els.map(e => e.textContent)")
    assert "울란바토르" in on_page
    target.close()
    # in the result list: the stem inside a longer word, and a compound
    # typed whole where the title writes it apart (with its particle: the
    # word is marked up to its end when the rest is what the stemmer strips)
    searcher.query(page, "파트너십을")
    marks = page.eval_on_selector_all(".md-search-result__list mark", "els => els.map(e => e.textContent)")
    assert "파트너십" in marks
    searcher.query(page, "미래프로젝트")
    marks = page.eval_on_selector_all(".md-search-result__list mark", "els => els.map(e => e.textContent)")
    assert "미래 프로젝트와" in marks


def test_offline_copy_searches_from_file_url(browser, site_dir):
    """file://: no worker, no fetch; our iframe worker loads the shards as
    scripts, and Material's UI shows the results."""
    b = bench_search.Browser(site_dir.as_uri() + "/", browser)
    try:
        page = b.open("ko", timeout=20_000)
        res = b.query(page, "폐기물관리")
        # from file:// results name the page file, since a folder URL does not open it
        assert [g[0][0] for g in res.groups][:1] == [ARTICLE + "index.html"]
        page = b.open("en", timeout=20_000)
        res = b.query(page, "Ulaanbaatar")
        assert [g[0][0] for g in res.groups][:1] == ["en/" + ARTICLE + "index.html"]
    finally:
        b.close()


def test_query_time_analyser_matches_build_time(browser, site_dir):
    """analyze.js, run in Chromium with the rules from meta.js, gives the
    same index keys and query groups as analyze.py, on every section of the
    site and on every query of the set."""
    texts = []
    for lang in ("ko", "en"):
        for f in (site_dir / CV / lang).glob("d-*.js"):
            body = re.fullmatch(r'cvSearch\("docs",\d+,(.*)\);\n', f.read_text(encoding="utf-8"), re.S).group(1)
            texts += [rec[1] + " " + rec[2] for rec in json.loads(body)]
    queries = [q["q"] for q in bench_search.load_queries()] + ["폐기물 관리시설을", "Citynet's cities", "서울시와  부산시"]
    # highlighting: each query's stems (what the worker sends in ?h=) on every text
    terms = [[g["stem"] for g in analyze.query_terms(q)] for q in queries]
    page = browser.new_page()
    try:
        page.add_script_tag(content="var self = window;\n" + (site_dir / CV / "analyze.js").read_text("utf-8"))
        got = page.evaluate("""([rules, texts, queries, terms]) => ({
            index: texts.map(t => cvAnalyze.indexTerms(rules, t)),
            query: queries.map(q => cvAnalyze.queryTerms(rules, q)),
            spans: terms.map(ts => texts.map(t => cvAnalyze.highlightSpans(rules, t, ts))) })""",
                            [analyze.RULES, texts, queries, terms])
    finally:
        page.close()
    assert got["index"] == [analyze.index_terms(t) for t in texts]
    assert got["query"] == [analyze.query_terms(q) for q in queries]
    expected = [[[list(s) for s in analyze.highlight_spans(t, ts)] for t in texts] for ts in terms]
    assert got["spans"] == expected
    assert sum(len(s) for per in expected for s in per) > 500  # the comparison compared marks
