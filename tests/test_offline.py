"""``cityvoices offline``: the zip, unpacked, works from file:// in Chromium:
navigation (Korean and the /en/ tree), images, search, and no request
leaves the copy."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, SEED_ARTICLE, mkdocs_env, reading_place, scroll_to_place, switch_language


pytestmark = [pytest.mark.browser, pytest.mark.build]


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("offline")
    zpath = tmp / "out" / "cityvoices-offline.zip"
    proc = subprocess.run([sys.executable, "-m", "cityvoices", "offline", "--no-pdf", "-o", str(zpath)],
                          cwd=ROOT, env=mkdocs_env(PYTHONPATH=str(ROOT / "scripts")), text=True,
                          capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        assert all(n.startswith("cityvoices-offline/") for n in names)
        zf.extractall(tmp / "unpacked")
    return tmp / "unpacked" / "cityvoices-offline"


def _page(browser):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, requests, errors


def test_zip_has_the_search_index_script_and_the_worker_shim(offline_site):
    assert (offline_site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = {")
    index = json.loads((offline_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert all(not d["location"].split("#")[0].endswith("/") for d in index["docs"])
    assert (offline_site / "assets/javascripts/cv-offline.js").is_file()
    html = (offline_site / "en" / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in html and "fonts.googleapis" not in html


def test_navigation_images_and_english_tree_from_file_urls(offline_site, browser):
    context, page, requests, errors = _page(browser)
    try:
        page.goto((offline_site / "index.html").as_uri())
        # top tab to the magazine, then the article, through the page's own links
        page.click("a.md-tabs__link[href$='cityvoices/index.html']")
        page.wait_for_url("**/cityvoices/index.html")
        page.click("a.cv-item-title[href*='seoul-congress-2013']")
        page.wait_for_url(f"**/{SEED_ARTICLE}/index.html")
        assert page.locator("h1").first.inner_text().startswith("시티넷 서울 총회")
        # figures load lazily: ask for all of them now, then every one must have loaded from file://
        images = page.evaluate("""() => Promise.all([...document.querySelectorAll("article img")].map(e => {
          e.loading = "eager"; return e.decode().then(() => e.naturalWidth, () => 0) }))""")
        assert len(images) == 12 and all(w > 0 for w in images)
        # the English tree
        page.goto((offline_site / "en" / "index.html").as_uri())
        page.click("a.md-tabs__link[href$='cityvoices/index.html']")
        page.wait_for_url("**/en/cityvoices/index.html")
        page.click("a.cv-item-title[href*='seoul-congress-2013']")
        page.wait_for_url(f"**/en/{SEED_ARTICLE}/index.html")
        assert "Outcomes of the CITYNET Seoul Congress" in page.locator("h1").first.inner_text()
        assert all(u.startswith(("file://", "data:", "blob:")) for u in requests), \
            [u for u in requests if not u.startswith(("file://", "data:", "blob:"))]
        assert errors == []
    finally:
        context.close()


def test_search_works_from_file_urls(offline_site, browser):
    context, page, requests, errors = _page(browser)
    try:
        page.goto((offline_site / "guide" / "index.html").as_uri())
        page.click("input.md-search__input")
        page.keyboard.type("Berkowitz")
        result = page.locator(".md-search-result__item a").first
        result.wait_for(timeout=15000)
        href = result.get_attribute("href")
        assert "index.html" in href, href
        result.click()
        page.wait_for_url(f"**/{SEED_ARTICLE}/index.html*")
        assert page.url.startswith("file://")
        assert all(u.startswith(("file://", "data:", "blob:")) for u in requests), requests
        assert errors == [], errors
    finally:
        context.close()


def test_language_switch_keeps_the_place_from_file_urls(offline_site, browser):
    """The place-keeping switcher needs no server and no navigation.instant."""
    context, page, requests, errors = _page(browser)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto((offline_site / SEED_ARTICLE / "index.html").as_uri(), wait_until="load")
        scroll_to_place(page, 4, 2, 0.5)
        switch_language(page, "en")
        assert page.url.startswith("file://") and f"/en/{SEED_ARTICLE}/index.html#" in page.url
        there = reading_place(page)
        assert (there["sec"], there["block"]) == (4, 2), there
        assert page.url.endswith("#solidify-new-partnerships")
        assert all(u.startswith(("file://", "data:", "blob:")) for u in requests), requests
        assert errors == [], errors
    finally:
        context.close()
