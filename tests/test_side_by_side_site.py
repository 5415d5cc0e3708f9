"""The side-by-side pages in the built site, read back as HTML, and in real
Chromium: both columns, the stacked order at 390 px following the toggle,
no request leaving the site, and axe-core's serious violations."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from helpers import CORPUS, ROOT, SEED_ARTICLE, build_site, make_fixture_project, mkdocs_env

from cityvoices import i18n, urls

PAGES = {lang: urls.side_by_side_url(SEED_ARTICLE, lang) for lang in ("ko", "en")}
AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


@pytest.mark.build
def test_every_bilingual_publication_has_its_side_by_side_page_in_both_sites(site_dir):
    made = sorted(p.parent.relative_to(site_dir).as_posix() + "/" for p in site_dir.rglob("side-by-side/index.html"))
    keys = ["cityvoices/2014-1/seoul-congress-2013", "newsletters/2013-12/secretariat-news",
            "reports/2013-seoul-congress/congress-in-numbers"]
    assert made == sorted(urls.side_by_side_url(k, lang) for k in keys for lang in ("ko", "en"))
    for lang, path in PAGES.items():
        page = soup(site_dir, path)
        assert page.html["lang"] == lang
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        cells = page.select(".cv-par-cell")
        assert cells and all(c.get("lang") in ("ko", "en") for c in cells)
        first = [row.select(":scope > .cv-par-cell")[0]["lang"] for row in page.select(".cv-par-row")
                 if row.select(":scope > .cv-par-cell")]
        assert set(first) == {lang}  # the page's own language comes first
        assert len(page.select("figure.cv-par-figure")) == 12
        # the language switcher and hreflang lead to the other side-by-side page
        alternates = {a["hreflang"]: a["href"] for a in page.select('link[rel="alternate"][hreflang]')}
        for other, target in PAGES.items():
            assert (site_dir / path / alternates[other]).resolve() == (site_dir / target).resolve()


@pytest.mark.build
def test_both_columns_come_from_one_rendering(site_dir):
    """Each column is its article's body as the site renders it, and nothing
    of the page around it: the tags, issue navigation and related reading
    stay on the article page (they once sat in the page's own language's
    notes cell), and neither column carries the article's search marks or
    section numbers, so the two languages are alike whichever process cut them."""
    for path in PAGES.values():
        page = soup(site_dir, path)
        rows = page.select_one(".cv-par-rows")
        assert rows.select(".cv-par-notes .cv-par-cell") and rows.select("li[id]")
        assert not rows.select(".cv-tags, .cv-issue-nav, .cv-related, .cv-card")
        assert not rows.select("[data-search-exclude], [data-cv-sec]")
        for cell in rows.select(".cv-par-notes .cv-par-cell"):
            assert [el.name for el in cell.find_all(recursive=False)] == ["div"]  # the notes list, only


def _corpus_docs() -> dict[str, str]:
    """The real parallel pairs of the corpus as publications (code, blocks,
    tables, raw HTML, links to pages that are not there), with the seed article."""
    docs: dict[str, str] = {}
    for n, en in enumerate(sorted(CORPUS.rglob("*.en.md"))):
        ko = en.with_name(en.name[:-6] + ".ko.md")
        if not ko.exists():
            continue
        for lang, src in (("ko", ko), ("en", en)):
            docs[f"cityvoices/2099-1/{en.parent.name}-{n:02d}/index.{lang}.md"] = (
                f"---\ntitle: {en.stem[:-3]} ({lang})\ntype: article\ndate: 2099-01-{n % 28 + 1:02d}\n"
                f"issue: 2099-1\nauthors: [A. Writer]\n---\n\n" + src.read_text(encoding="utf-8"))
    for path in (ROOT / "docs" / SEED_ARTICLE).rglob("*"):
        if path.is_file():
            docs[path.relative_to(ROOT / "docs").as_posix()] = path.read_text(encoding="utf-8") \
                if path.suffix == ".md" else path.read_bytes()
    for name in ("index", "cityvoices/index"):
        for lang in ("ko", "en"):
            docs[f"{name}.{lang}.md"] = f"---\ntitle: {name}\n---\n\n{name}\n"
    return docs


@pytest.mark.build
@pytest.mark.slow
def test_rows_cut_by_the_other_process_give_the_page_rendered_here(tmp_path):
    """A parallel build takes the other language's column from that
    language's process (its article's cut); a serial build's first language
    renders it itself.  Over the corpus's real pairs the pages are the same,
    byte for byte, and each build did take the way it says."""
    docs = _corpus_docs()
    n = sum(1 for rel in docs if rel.endswith("/index.ko.md") and rel.count("/") == 3)
    assert n == 17  # the corpus's 16 pairs and the seed
    cfg = make_fixture_project(tmp_path / "p", docs)
    pages = {}
    for mode in ("parallel", "serial"):
        stats = tmp_path / f"{mode}.jsonl"
        build_site(cfg, tmp_path / mode, strict=False, serial=mode == "serial",
                   env=mkdocs_env(CV_SIDE_BY_SIDE_STATS=str(stats)))
        taken = {rec["lang"]: rec for rec in map(json.loads, stats.read_text(encoding="utf-8").splitlines())}
        assert {lang: rec["pages"] for lang, rec in taken.items()} == {"ko": n, "en": n}
        # every Korean cut may stand in (a Korean page sits where its source does); of the
        # English ones, those whose links the generator resolved (the corpus has raw HTML)
        assert taken["ko"]["portable"] == n and 0 < taken["en"]["portable"] < n
        if mode == "serial":  # Korean first: nothing English to take yet; English takes every Korean cut
            assert (taken["ko"]["taken"], taken["en"]["rendered"]) == (0, 0)
        else:  # whichever process came second to its side-by-side pages found every cut the other shared
            assert all(rec["taken"] <= taken[i18n.other(lang)]["portable"] for lang, rec in taken.items())
            assert any(rec["taken"] == taken[i18n.other(lang)]["portable"] for lang, rec in taken.items()), taken
        pages[mode] = {p.relative_to(tmp_path / mode).as_posix(): p.read_bytes()
                       for p in (tmp_path / mode).rglob("side-by-side/index.html")}
    assert len(pages["serial"]) == 2 * n
    assert pages["parallel"] == pages["serial"]


@pytest.mark.build
def test_the_article_links_to_it_from_the_downloads_row(site_dir):
    for lang, label in (("ko", "한영 대역으로 읽기"), ("en", "Read side by side")):
        article = urls.page_url(f"{SEED_ARTICLE}/index.{lang}.md", lang)
        link = soup(site_dir, article).select_one("div.cv-byline + p.cv-downloads a.cv-side-by-side")
        assert link is not None and link.get_text() == label
        assert (site_dir / article / link["href"]).resolve() == (site_dir / PAGES[lang]).resolve()
    # pages that are not publications, and not in both languages, have none
    assert soup(site_dir, "guide").select_one("a.cv-side-by-side") is None


@pytest.mark.build
def test_it_is_left_out_of_search_and_the_sitemap(site_dir):
    index = site_dir / "assets" / "javascripts" / "cv-search"
    shards = [p for p in index.rglob("*") if p.is_file() and p.suffix in (".json", ".js")]
    assert shards
    assert not [p for p in shards if "side-by-side" in p.read_text(encoding="utf-8")]
    assert "side-by-side" not in (site_dir / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.build
def test_switched_off_there_are_no_pages_and_no_links(tmp_path):
    docs = {}
    for lang, title in (("ko", "시험 기사"), ("en", "Test article")):
        docs[f"cityvoices/2099-1/test/index.{lang}.md"] = (
            f"---\ntitle: {title}\ntype: article\ndate: 2099-01-01\nissue: 2099-1\nauthors: [A. Writer]\n---\n\n"
            + ("첫 문단입니다.\n\n## 절\n\n둘째 문단입니다.\n" if lang == "ko" else
               "First paragraph.\n\n## Section\n\nSecond paragraph.\n"))
    for name in ("index", "cityvoices/index"):
        for lang in ("ko", "en"):
            docs[f"{name}.{lang}.md"] = f"---\ntitle: {name}\n---\n\n{name}\n"
    cfg = make_fixture_project(tmp_path / "off", docs, features={"parallel": False})
    site = tmp_path / "site"
    build_site(cfg, site, strict=False)
    assert not list(site.rglob("side-by-side"))
    assert "cv-side-by-side" not in (site / "cityvoices/2099-1/test/index.html").read_text(encoding="utf-8")
    # the same project with the switch on (the default), and --no-parallel for one run
    cfg = make_fixture_project(tmp_path / "on", docs)
    build_site(cfg, tmp_path / "on-site", strict=False)
    assert (tmp_path / "on-site/en/cityvoices/2099-1/test/side-by-side/index.html").is_file()
    build_site(cfg, tmp_path / "once", strict=False, features={"parallel": False})
    assert not list((tmp_path / "once").rglob("side-by-side"))


# --------------------------------------------------------------------------
# Chromium

@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_both_columns_side_by_side_at_1280(site_dir, serve, browser, lang):
    base = serve(site_dir)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + PAGES[lang], wait_until="networkidle")
    page.evaluate("localStorage.clear()")
    page.reload(wait_until="networkidle")
    rows = page.locator(".cv-par-row:not(.cv-par-figure):not(.cv-par-one-sided)")
    assert rows.count() >= 30  # 26 paragraph rows, headings, the table, the box, the notes
    other = "en" if lang == "ko" else "ko"
    for n in (0, 5, rows.count() - 2):
        cells = rows.nth(n).locator(":scope > .cv-par-cell")
        a, b = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
        assert cells.nth(0).get_attribute("lang") == lang and cells.nth(1).get_attribute("lang") == other
        assert abs(a["y"] - b["y"]) < 2 and a["x"] + a["width"] <= b["x"]  # same row, left then right
        assert a["width"] > 400 and b["width"] > 400
        assert cells.nth(0).inner_text().strip() and cells.nth(1).inner_text().strip()
    # a figure is shown once, across both columns, with both captions
    fig = page.locator("figure.cv-par-figure").first
    assert fig.locator("img").count() == 1
    caps = fig.locator(".cv-par-caption")
    assert [caps.nth(i).get_attribute("lang") for i in range(2)] == [lang, other]
    assert fig.bounding_box()["width"] > 1000
    outside = [u for u in requests if urlparse(u).hostname != "127.0.0.1" and not u.startswith("data:")]
    assert requests and not outside, outside
    page.close()


@pytest.mark.build
@pytest.mark.browser
def test_stacked_at_390_in_the_order_the_toggle_chose(site_dir, serve, browser):
    base = serve(site_dir)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + PAGES["ko"], wait_until="networkidle")
    page.evaluate("localStorage.clear()")
    page.reload(wait_until="networkidle")

    def order() -> list[str]:
        """The languages of a row's cells from top to bottom."""
        row = page.locator(".cv-par-row:not(.cv-par-figure):not(.cv-par-one-sided)").nth(3)
        cells = row.locator(":scope > .cv-par-cell")
        boxes = [cells.nth(i).bounding_box() for i in range(2)]
        assert abs(boxes[0]["x"] - boxes[1]["x"]) < 2 and boxes[0]["width"] > 300  # stacked, full width
        return [lang for _y, lang in sorted((boxes[i]["y"], cells.nth(i).get_attribute("lang")) for i in range(2))]

    assert order() == ["ko", "en"]
    english = page.get_by_role("button", name="영어")
    english.focus()
    page.keyboard.press("Enter")  # keyboard works as well as a tap
    assert english.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="한국어").get_attribute("aria-pressed") == "false"
    assert order() == ["en", "ko"]
    page.reload(wait_until="networkidle")  # the choice is kept
    assert order() == ["en", "ko"]
    page.goto(base + PAGES["en"], wait_until="networkidle")  # on every side-by-side page
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Korean").click()
    assert order() == ["ko", "en"]
    page.evaluate("localStorage.clear()")
    page.close()


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_violation(site_dir, serve, browser, width):
    assert AXE.is_file(), "axe-core is missing: run `bash scripts/setup.sh test` (npm ci)"
    base = serve(site_dir)
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path in PAGES.values():
        page.goto(base + path, wait_until="networkidle")
        page.add_script_tag(path=str(AXE))
        # the page's own content; the site's header, search and footer are
        # every page's, checked with them (not by this feature)
        result = page.evaluate("""async () => {
            const r = await axe.run({include: [['article.md-content__inner']]}, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, ensure_ascii=False, indent=1)
    page.close()


@pytest.mark.build
def test_preview_re_renders_the_side_by_side_page_of_an_edited_article(tmp_path):
    from cityvoices.integrations import engine

    docs = {}
    for lang, body in (("ko", "첫 문단입니다.\n\n## 절\n\n둘째 문단입니다.\n"),
                       ("en", "First paragraph.\n\n## Section\n\nSecond paragraph.\n")):
        docs[f"cityvoices/2099-1/test/index.{lang}.md"] = (
            f"---\ntitle: T {lang}\ntype: article\ndate: 2099-01-01\nissue: 2099-1\nauthors: [A. Writer]\n---\n\n"
            + body)
        for name in ("index", "cityvoices/index"):
            docs[f"{name}.{lang}.md"] = f"---\ntitle: {name}\n---\n\n{name}\n"
    cfg = make_fixture_project(tmp_path, docs)
    session = engine.ServeSession(cfg, tmp_path / "work", host="127.0.0.1", port=8999,
                                  features={"pdf": False, "offline": False, "search": False})
    try:
        session.full_build()
        page = session.site_dir / "cityvoices/2099-1/test/side-by-side/index.html"
        assert "Second paragraph." in page.read_text(encoding="utf-8")
        # the English file changes: the Korean site's side-by-side page shows it
        en = tmp_path / "docs/cityvoices/2099-1/test/index.en.md"
        en.write_text(en.read_text(encoding="utf-8").replace("Second paragraph.", "A changed paragraph."),
                      encoding="utf-8")
        session.rebuild()
        html = page.read_text(encoding="utf-8")
        assert "A changed paragraph." in html and "Second paragraph." not in html and "cv-row" not in html
        # the Korean file changes: its article and its side-by-side page follow
        ko = tmp_path / "docs/cityvoices/2099-1/test/index.ko.md"
        ko.write_text(ko.read_text(encoding="utf-8").replace("둘째 문단", "바뀐 문단"), encoding="utf-8")
        session.rebuild()
        assert "바뀐 문단" in page.read_text(encoding="utf-8")
        article = (session.site_dir / "cityvoices/2099-1/test/index.html").read_text(encoding="utf-8")
        assert "바뀐 문단" in article and "cv-row" not in article
    finally:
        session.close()


@pytest.mark.build
@pytest.mark.slow
def test_bench_side_by_side_smoke(tmp_path):
    from helpers import cityvoices

    out = tmp_path / "BENCHMARKS.md"
    proc = cityvoices("bench", "side-by-side", "--sizes", "5", "--rounds", "1", "--output", str(out),
                      "--workdir", str(tmp_path))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 1: a target missed (noise at N = 5)
    text = out.read_text(encoding="utf-8")
    assert "## side-by-side" in text
    row = next(line for line in text.splitlines() if line.startswith("| 5 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[1]) > 0 and float(cells[2]) > 0
    assert int(cells[4]) == 2 * 5  # a side-by-side page per publication and language
    assert float(cells[5]) >= float(cells[6]) > 0  # aligning, of which the alignment itself
    assert not list(tmp_path.glob("cv-bench-sbs-*"))
