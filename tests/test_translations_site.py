"""Missing and outdated translations as readers see them: a fixture site with
a Korean-only article, an English-only newsletter and an outdated Korean
translation, checked in the HTML, the sitemap and in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, build_site, make_fixture_project

pytestmark = pytest.mark.build

KO_ONLY = "cityvoices/2014-1/ko-only"
EN_ONLY = "newsletters/2013-12/en-only"
OUTDATED = "cityvoices/2014-1/seoul-congress-2013"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("translations")
    docs: dict[str, str | bytes] = {}
    for path in (ROOT / "docs").rglob("*"):
        rel = path.relative_to(ROOT / "docs").as_posix()
        if path.is_file() and not rel.startswith(("assets/", "guide/")):
            docs[rel] = path.read_bytes()
    for lang in ("ko", "en"):  # the guide is the lead's and large: a stub keeps the nav whole
        docs[f"guide/index.{lang}.md"] = f"---\ntitle: guide\ntype: page\n---\n\n# guide {lang}\n"
    docs[f"{KO_ONLY}/index.ko.md"] = ("---\ntitle: 한국어로만 쓴 글\ntype: article\ndate: 2014-01-10\nissue: 2014-1\n"
                                      "authors: [편집부]\noriginal: ko\n---\n\n한국어로만 쓴 본문입니다.\n")
    docs[f"{EN_ONLY}/index.en.md"] = ("---\ntitle: English-only news\ntype: newsletter\ndate: 2013-12-05\n"
                                      "authors: [Secretariat]\noriginal: en\n---\n\nAn English-only body.\n")
    en = docs[f"{OUTDATED}/index.en.md"].decode("utf-8")
    docs[f"{OUTDATED}/index.en.md"] = en.replace("In 1970, just 43 years ago", "In 1970, only 43 years ago")
    dest = tmp / "site"
    # --strict: missing and outdated translations are not warnings
    build_site(make_fixture_project(tmp, docs), dest, strict=True)
    return dest


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "lxml")


def head_alternates(doc: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in doc.select("head link[rel=alternate][hreflang]")}


def switcher(doc: BeautifulSoup) -> dict[str, tuple[str, str]]:
    return {a["hreflang"]: (a.get_text(" ", strip=True), a["href"]) for a in doc.select("a.cv-lang__link")}


def test_fallback_page_says_so_in_english_and_marks_korean_content(fixture_site):
    doc = soup(fixture_site, f"en/{KO_ONLY}")
    assert doc.html["lang"] == "en"  # English chrome
    notice = doc.select_one(".cv-missing-translation")
    assert notice["lang"] == "en"
    assert "has not been translated into English yet" in notice.get_text()
    assert notice.a["href"] == f"../../../../{KO_ONLY}/"
    content = doc.select_one(".cv-content-lang")
    assert content["lang"] == "ko" and "한국어로만 쓴 본문입니다." in content.get_text()
    assert doc.select_one('meta[name=robots]')["content"] == "noindex"


def test_no_claim_of_a_missing_version_in_head_switcher_or_sitemap(fixture_site):
    for rel in (KO_ONLY, f"en/{KO_ONLY}"):
        doc = soup(fixture_site, rel)
        assert set(head_alternates(doc)) == {"ko"}, rel
    ko = soup(fixture_site, KO_ONLY)
    assert switcher(ko)["en"][0] == "English (번역 없음)"
    assert switcher(soup(fixture_site, f"en/{KO_ONLY}"))["en"][0] == "English (not translated)"
    assert switcher(ko)["ko"][0] == "한국어"
    sitemap = (fixture_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/en/{KO_ONLY}/" not in sitemap and f"/{KO_ONLY}/" in sitemap
    assert f"<loc>https://cityvoices.example.org/{EN_ONLY}/</loc>" not in sitemap  # the Korean stand-in
    assert f"<loc>https://cityvoices.example.org/en/{EN_ONLY}/</loc>" in sitemap
    # a complete publication keeps both alternates
    assert set(head_alternates(soup(fixture_site, "newsletters/2013-12/secretariat-news"))) == {"ko", "en",
                                                                                               "x-default"}
    assert 'hreflang="en" href="https://cityvoices.example.org/en/newsletters/2013-12/secretariat-news/"' in sitemap


def test_english_only_publication_has_a_korean_notice_page(fixture_site):
    doc = soup(fixture_site, EN_ONLY)
    assert doc.html["lang"] == "ko"
    notice = doc.select_one(".cv-missing-translation")
    assert "아직 한국어로 번역되지 않았습니다" in notice.get_text()
    assert notice.a["href"] == f"../../../en/{EN_ONLY}/"
    assert doc.select_one(".cv-content-lang")["lang"] == "en"
    assert switcher(doc)["ko"][0] == "한국어 (번역 없음)"
    assert switcher(doc)["en"] == ("English", f"../../../en/{EN_ONLY}/")
    assert set(head_alternates(doc)) == {"en"}
    en = soup(fixture_site, f"en/{EN_ONLY}")
    assert switcher(en)["ko"][0] == "한국어 (not translated)"
    assert en.select_one(".cv-missing-translation") is None


def test_outdated_translation_notice_links_to_source(fixture_site):
    ko = soup(fixture_site, OUTDATED)
    notice = ko.select_one(".cv-outdated-translation")
    assert notice["lang"] == "ko" and "원문과 다를 수 있습니다" in notice.get_text()
    assert notice.a["href"] == f"../../../en/{OUTDATED}/"
    assert soup(fixture_site, f"en/{OUTDATED}").select_one(".cv-outdated-translation") is None
    assert soup(fixture_site, "newsletters/2013-12/secretariat-news").select_one(".cv-outdated-translation") is None


@pytest.mark.parametrize("lang, prefix, words", [
    ("ko", "", {"outdated": "번역 갱신 필요", "missing": "번역 없음", "complete": "완료"}),
    ("en", "en/", {"outdated": "outdated", "missing": "missing", "complete": "complete"}),
])
def test_status_page_lists_every_publication(fixture_site, lang, prefix, words):
    doc = soup(fixture_site, f"{prefix}status")
    rows = {tr["data-key"]: tr for tr in doc.select(".cv-translation-status tbody tr")}
    assert set(rows) == {OUTDATED, KO_ONLY, EN_ONLY, "newsletters/2013-12/secretariat-news",
                         "reports/2013-seoul-congress/congress-in-numbers"}
    for key, status in ((OUTDATED, "outdated"), (KO_ONLY, "missing"), (EN_ONLY, "missing"),
                        ("newsletters/2013-12/secretariat-news", "complete")):
        assert rows[key]["data-status"] == status
        assert rows[key].select_one(".cv-status").get_text() == words[status]
    links = [a["href"] for a in rows[OUTDATED].select("a")]
    expected = {"ko": [f"../{OUTDATED}/", f"../en/{OUTDATED}/"], "en": [f"../../{OUTDATED}/", f"../{OUTDATED}/"]}
    assert links == expected[lang]
    assert len(rows[KO_ONLY].select("a")) == 1


@pytest.mark.browser
def test_browser_notices_and_switcher(fixture_site, serve, browser):
    base = serve(fixture_site)
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)
    try:
        page.goto(base + f"en/{KO_ONLY}/")
        notice = page.locator(".cv-missing-translation")
        assert notice.is_visible()
        assert "not been translated into English" in notice.inner_text()
        assert page.locator(".cv-content-lang").get_attribute("lang") == "ko"
        # the switcher's English entry says it is not translated and does not lead elsewhere
        entry = page.locator("a.cv-lang__link[hreflang=en]")
        assert entry.is_visible() and "(not translated)" in entry.inner_text()
        notice.locator("a").click()
        page.wait_for_url(base + f"{KO_ONLY}/")
        assert page.locator(".cv-missing-translation").count() == 0
        assert "(번역 없음)" in page.locator("a.cv-lang__link[hreflang=en]").inner_text()

        page.goto(base + f"{OUTDATED}/")
        outdated = page.locator(".cv-outdated-translation")
        assert outdated.is_visible() and "갱신되지 않아" in outdated.inner_text()
        outdated.locator("a").click()
        page.wait_for_url(base + f"en/{OUTDATED}/")
        assert page.locator(".cv-outdated-translation").count() == 0

        page.goto(base + f"{EN_ONLY}/")
        assert "한국어로 번역되지 않았습니다" in page.locator(".cv-missing-translation").inner_text()
        page.goto(base + "en/status/")
        assert page.locator(".cv-translation-status tbody tr").count() == 5
    finally:
        page.close()
    assert outside == []
