"""The chrome in Debian's Chromium (issue 12): the language switcher keeps
the reader's place, the light/dark toggle persists, the footnote back-links
show without hover, the skip link lands on the title, and every element a
keyboard reaches shows where the focus is.  (axe-core: test_accessibility.py;
switching from file://: test_offline.py.)"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import pytest

from helpers import SEED_ARTICLE, reading_place, scroll_to_place, settled, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.build]

ARTICLE = SEED_ARTICLE + "/"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


@pytest.mark.parametrize("sec, block, frac", [(4, 2, 0.5), (2, 0, 0.0), (0, 3, 0.3), (1, 4, 0.6)])
def test_switching_language_mid_article_lands_on_the_same_section(site_dir, serve, page, sec, block, frac):
    base = serve(site_dir)
    page.goto(base + ARTICLE, wait_until="load")
    scroll_to_place(page, sec, block, frac)
    here = reading_place(page)
    assert (here["sec"], here["block"]) == (sec, block), here
    switch_language(page, "en")
    assert urlparse(page.url).path == f"/en/{ARTICLE}"
    there = reading_place(page)
    assert there["sec"] == sec, (here, there)
    assert there["block"] == block, (here, there)  # these sections have the same paragraphs
    heading = page.evaluate(f"document.querySelector('[data-cv-sec=\"{sec}\"]')?.id") if sec else None
    assert unquote(urlparse(page.url).fragment) == (heading or "")  # the address names the section
    # and back: the same place in Korean
    switch_language(page, "ko")
    back = reading_place(page)
    assert (back["sec"], back["block"]) == (sec, block), (here, back)


def test_a_korean_only_subsection_lands_in_its_section(site_dir, serve, page):
    base = serve(site_dir)
    page.goto(base + ARTICLE, wait_until="load")
    page.evaluate("""() => { const h = document.getElementById('seoul-as-president')
      const line = document.querySelector('.md-header').getBoundingClientRect().bottom + 8
      const p = h.nextElementSibling.nextElementSibling
      window.scrollTo(0, scrollY + p.getBoundingClientRect().top - line + 2) }""")
    assert reading_place(page)["sec"] == 3  # the English page has no such heading
    switch_language(page, "en")
    there = reading_place(page)
    assert there["sec"] == 3 and there["text"], there
    assert urlparse(page.url).fragment == "sharing-solutions-for-an-urban-future"


def test_keyboard_switch_keeps_the_place_too(site_dir, serve, page):
    base = serve(site_dir)
    page.goto(base + "en/" + ARTICLE, wait_until="load")
    scroll_to_place(page, 5, 1, 0.2)
    page.locator(".cv-lang a[hreflang=ko]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    settled(page)
    assert (reading_place(page)["sec"], reading_place(page)["block"]) == (5, 1)


def test_switcher_names_both_languages_and_marks_the_current_one(site_dir, serve, page):
    base = serve(site_dir)
    page.goto(base + ARTICLE)
    switcher = page.locator("nav.cv-lang")
    assert switcher.get_attribute("aria-label") == "언어 선택"
    assert [t.strip() for t in switcher.locator("a").all_inner_texts()] == ["한국어", "English"]
    assert switcher.locator("a[aria-current=page]").inner_text() == "한국어"
    assert switcher.is_visible()
    # at the top of a page the link is the page itself, with no place in it
    assert switcher.locator("a[hreflang=en]").get_attribute("href").endswith("/en/" + ARTICLE)


def scheme(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def test_dark_mode_toggles_and_persists(site_dir, serve, browser):
    base = serve(site_dir)
    # a dark system is followed until the reader chooses
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(base + ARTICLE)
    assert scheme(page) == "slate"
    context.close()
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base)
        assert scheme(page) == "default"
        toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
        assert toggle.get_attribute("title") == "어두운 화면으로 바꾸기"
        toggle.click()
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        # across pages, languages and reloads
        for url in (base + ARTICLE, base + "en/" + ARTICLE, base + "en/"):
            page.goto(url)
            assert scheme(page) == "slate", url
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == bg != "rgb(255, 255, 255)"
        toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
        assert toggle.get_attribute("title") == "Switch to light mode"
        toggle.click()
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
        page.goto(base + ARTICLE)
        assert scheme(page) == "default"
    finally:
        context.close()




def test_footnote_backlinks_are_visible_without_hover(site_dir, serve, page):
    base = serve(site_dir)
    for url in (ARTICLE, "en/" + ARTICLE):
        page.goto(base + url)
        page.mouse.move(1, 1)
        back = page.locator(".footnote a.footnote-backref").first
        back.scroll_into_view_if_needed()
        page.mouse.move(1, 1)
        page.wait_for_timeout(400)  # past Material's transition delay
        seen = back.evaluate("""a => { const s = getComputedStyle(a), r = a.getBoundingClientRect()
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
          return { opacity: s.opacity, visibility: s.visibility, w: r.width, h: r.height,
                   top: hit === a || a.contains(hit) } }""")
        assert seen == {"opacity": "1", "visibility": "visible", "w": seen["w"], "h": seen["h"], "top": True}, seen
        assert seen["w"] >= 10 and seen["h"] >= 10, seen


def test_skip_link_lands_on_the_article_title(site_dir, serve, page):
    base = serve(site_dir)
    for url, title in ((ARTICLE, "시티넷 서울 총회의 성과와 서울시의 시사점"),
                       ("en/" + ARTICLE, "Outcomes of the CITYNET Seoul Congress and Lessons for Seoul")):
        page.goto(base + url)
        page.keyboard.press("Tab")
        skip = page.evaluate("() => [document.activeElement.classList.contains('md-skip'), "
                             "document.activeElement.getAttribute('href')]")
        assert skip == [True, "#cv-title"], skip
        assert page.locator("a.md-skip").is_visible()
        page.keyboard.press("Enter")
        page.wait_for_timeout(200)
        assert urlparse(page.url).fragment == "cv-title"
        h1 = page.evaluate("""() => { const h = document.getElementById('cv-title'), r = h.getBoundingClientRect()
          return { text: h.textContent.trim(), top: r.top } }""")
        assert h1["text"] == title and 0 <= h1["top"] < 200, h1
        # the next Tab goes on from the title, not from the top of the page
        page.keyboard.press("Tab")
        after = page.evaluate("""() => !!(document.getElementById('cv-title').compareDocumentPosition(
          document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)""")
        assert after


#: What counts as a visible focus indicator (computed style of the focused
#: element, or of the label that stands for a visually hidden radio).
FOCUS_JS = """() => {
  let el = document.activeElement
  if (!el || el === document.body) return null
  let shown = el
  if (el.matches('input.md-option') && el.nextElementSibling) shown = el.nextElementSibling
  const s = getComputedStyle(shown), r = shown.getBoundingClientRect()
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
  const shadow = s.boxShadow && s.boxShadow !== 'none'
  return { tag: el.tagName, cls: String(el.className).slice(0, 60), text: (el.textContent || '').trim().slice(0, 30),
           ring: ring || !!shadow, visible: r.width > 0 && r.height > 0 }
}"""


@pytest.mark.parametrize("url", ["", ARTICLE, "en/", "en/" + ARTICLE, "en/cityvoices/"])
def test_focus_is_visible_on_every_focusable_element(site_dir, serve, page, url):
    base = serve(site_dir)
    page.goto(base + url)
    seen, bad = [], []
    for _ in range(200):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_JS)
        if info is None:
            break
        key = (info["tag"], info["cls"], info["text"])
        if seen and key == seen[0]:
            break  # round the page once
        seen.append(key)
        if not (info["ring"] and info["visible"]):
            bad.append(info)
    assert len(seen) >= 10, seen
    assert bad == [], bad
