"""Real Chromium: a reader switches language on the seed article."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from helpers import SEED_ARTICLE

pytestmark = [pytest.mark.browser, pytest.mark.build]


def test_switch_language_lands_on_same_article_and_no_request_leaves(site_dir, serve, browser):
    base = serve(site_dir)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + SEED_ARTICLE + "/", wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").first.inner_text() == "시티넷 서울 총회의 성과와 서울시의 시사점"

    # the language switcher in the header names both languages
    page.locator(".cv-lang").get_by_role("link", name="English").click()
    page.wait_for_load_state("networkidle")

    assert urlparse(page.url).path == f"/en/{SEED_ARTICLE}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text() == "Outcomes of the CITYNET Seoul Congress and Lessons for Seoul"
    assert page.locator("figure figcaption .caption-prefix").first.inner_text() == "Figure 1."

    # and back again
    page.locator(".cv-lang").get_by_role("link", name="한국어").click()
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path == f"/{SEED_ARTICLE}/"

    outside = [u for u in requests if urlparse(u).hostname not in ("127.0.0.1",) and not u.startswith("data:")]
    assert requests and not outside, outside
    page.close()


def test_footnote_tooltip_shows_translators_note(site_dir, serve, browser):
    base = serve(site_dir)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + SEED_ARTICLE + "/", wait_until="networkidle")
    ref = page.locator('a.footnote-ref[href="#fn:tn-3"]')
    ref.scroll_into_view_if_needed()
    ref.hover()
    tip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text="선출 공무원은").first
    tip.wait_for(state="visible", timeout=5000)
    assert "역주" in tip.inner_text()
    page.close()


def test_korean_text_uses_keep_all(site_dir, serve, browser):
    base = serve(site_dir)
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(base + SEED_ARTICLE + "/", wait_until="networkidle")
    wb = page.evaluate("getComputedStyle(document.querySelector('article p')).wordBreak")
    assert wb == "keep-all"
    fonts = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK KR" in fonts
    page.close()
