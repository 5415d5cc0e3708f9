"""The built bilingual site: the seed article, languages, listings, privacy.

Everything here parses the HTML that `mkdocs build --strict` writes with the
project's own configuration (fixture ``site_dir`` in conftest.py).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from helpers import SEED, SEED_ARTICLE

pytestmark = pytest.mark.build

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def soup(site_dir: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site_dir / rel / "index.html").read_text(encoding="utf-8"), "lxml")


def article_text(doc: BeautifulSoup) -> str:
    """Visible text of the article body, footnote calls removed, spaces folded."""
    art = doc.select_one("article.md-content__inner")
    for sup in art.select("sup"):
        sup.decompose()
    return norm(art.get_text(" "))


def squash(text: str) -> str:
    """Text with all whitespace removed: element boundaries in HTML may add or
    drop spaces next to punctuation, words never change."""
    return re.sub(r"\s+", "", text)


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.translate({ord(c): None for c in SUPERSCRIPTS})
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def ko(site_dir):
    return soup(site_dir, SEED_ARTICLE)


@pytest.fixture(scope="module")
def en(site_dir):
    return soup(site_dir, f"en/{SEED_ARTICLE}")


def test_html_lang(ko, en):
    assert ko.html["lang"] == "ko"
    assert en.html["lang"] == "en"


def test_footnotes(ko, en):
    ko_notes = ko.select("div.footnote > ol > li")
    en_notes = en.select("div.footnote > ol > li")
    assert len(ko_notes) == 7
    assert len(en_notes) == 2
    # every note is called from the text, at a real reference point
    for doc, notes in ((ko, ko_notes), (en, en_notes)):
        for li in notes:
            ref = doc.select_one(f'a.footnote-ref[href="#{li["id"]}"]')
            assert ref is not None, li["id"]
    # notes 3..7 are the Korean translator's notes, marked as such
    tn = [li for li in ko_notes if "cv-tn" in (li.get("class") or [])]
    assert [li["id"] for li in tn] == [f"fn:tn-{n}" for n in range(3, 8)]
    assert all(li.select_one(".cv-tn-mark").get_text() == "역주" for li in tn)
    # sources 1 and 2 are in both languages; English markers sit after 'Asia' and '2030'
    for doc in (ko, en):
        assert "WUP2011_Highlights.pdf" in doc.select_one("#fn\\:1").get_text()
        assert "646_10363.pdf" in doc.select_one("#fn\\:2").get_text()
    en_html = str(en.select_one("article"))
    assert re.search(r"in Asia<sup[^>]*><a[^>]*href=\"#fn:1\"", en_html)
    assert re.search(r"by 2030<sup[^>]*><a[^>]*href=\"#fn:2\"", en_html)


def test_footnote_backlinks_in_page_language(ko, en):
    assert ko.select_one("a.footnote-backref")["title"].startswith("본문")
    assert en.select_one("a.footnote-backref")["title"].startswith("Jump back")


@pytest.mark.parametrize("lang,word", [("ko", "그림"), ("en", "Figure")])
def test_figures(ko, en, lang, word):
    doc = ko if lang == "ko" else en
    figures = [f for f in doc.select("article figure") if f.find("img")]
    assert len(figures) == 12
    for n, fig in enumerate(figures, 1):
        assert fig["id"] == f"fig-{n}"
        img = fig.find("img")
        assert img["src"].endswith(f"images/fig-{n:02d}.svg")
        assert img.get("alt")
        prefix = fig.select_one("figcaption .caption-prefix").get_text()
        assert prefix == f"{word} {n}."
        assert len(fig.figcaption.get_text(strip=True)) > len(prefix) + 5


def test_placeholder_images_exist_and_say_so(site_dir):
    images = sorted((site_dir / SEED_ARTICLE / "images").glob("fig-*.svg"))
    assert len(images) == 12
    for img in images:
        text = img.read_text(encoding="utf-8")
        assert "PLACEHOLDER" in text and "<svg" in text


@pytest.mark.parametrize("lang,prefix,cell", [("ko", "표 1.", "사무국장"), ("en", "Table 1.", "Secretary General")])
def test_table(ko, en, lang, prefix, cell):
    doc = ko if lang == "ko" else en
    figs = [f for f in doc.select("article figure") if f.find("table")]
    assert len(figs) == 1
    assert figs[0]["id"] == "tab-1"
    assert figs[0].select_one(".caption-prefix").get_text() == prefix
    rows = figs[0].select("tbody tr")
    assert len(rows) == 14
    assert rows[0].find("td").get_text(strip=True) == cell


def test_numbers_box(ko, en):
    for doc, title, item in ((ko, "숫자로 보는 2013 시티넷 서울 총회", "총 참석자 : 289명"),
                             (en, "The 2013 CITYNET Seoul Congress in numbers", "Total participants : 289")):
        box = doc.select_one("div.admonition.cv-numbers")
        assert box is not None
        assert box.select_one(".admonition-title").get_text(strip=True) == title
        assert len(box.select("li")) == 8
        assert item in [li.get_text(strip=True) for li in box.select("li")]


def test_byline(ko, en):
    kb = ko.select_one(".cv-byline").get_text(" ", strip=True)
    eb = en.select_one(".cv-byline").get_text(" ", strip=True)
    assert "Brenna Foster" in kb and "편집부" in kb and "번역" in kb
    assert "2014년 1월 15일" in kb
    assert "Brenna Foster" in eb and "CITYNET" in eb and "15 January 2014" in eb
    assert "편집부" not in eb  # the translator belongs to the Korean page only


def test_switcher_points_at_counterpart(site_dir):
    # (people's and tags' pages lead to their own counterpart: test_magazine.py)
    pages = [p.parent.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html")
             if not p.relative_to(site_dir).as_posix().startswith(("en/", "assets/", "search/", "authors/",
                                                                     "tags/"))]
    assert SEED_ARTICLE in pages and len(pages) >= 8
    for rel in pages:
        rel = "" if rel == "." else rel
        for lang, own, other_rel in (("ko", rel, f"en/{rel}" if rel else "en"),
                                     ("en", f"en/{rel}" if rel else "en", rel)):
            doc = soup(site_dir, own)
            links = {a["hreflang"]: a["href"] for a in doc.select(".cv-lang a[hreflang]")}
            assert set(links) == {"ko", "en"}, own
            page_url = f"http://x/{own}/".replace("//", "/").replace("http:/", "http://")
            target = urlparse(urljoin(page_url, links["en" if lang == "ko" else "ko"])).path.strip("/")
            assert target == other_rel.strip("/"), (own, links)


def test_heading_anchors_keep_hangul(ko):
    ids = [h["id"] for h in ko.select("article h2[id]") if not h["id"].startswith("cv-")]  # ours: notes, related
    assert "시티넷citynet이란" in ids
    assert all(HANGUL.search(i) for i in ids)
    assert not any(re.fullmatch(r"_\d+", i) for i in ids)


def test_no_request_leaves_the_site(site_dir):
    offenders = []
    for page in site_dir.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for tag, attr in (("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                          ("link", "href")):
            for el in doc.find_all(tag):
                url = el.get(attr) or ""
                if tag == "link" and set(el.get("rel") or []) & {"canonical", "alternate"}:
                    continue  # not fetched by browsers
                if urlparse(url).netloc or url.startswith("//"):
                    offenders.append((page.relative_to(site_dir).as_posix(), tag, url))
    for css in site_dir.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?(https?:)?//[^)]+\)|@import\s+['\"]?https?://", css.read_text()):
            offenders.append((css.name, "css", url))
    assert not offenders, offenders[:10]


def _seed_lines() -> list[str]:
    # strip spaces but keep tabs: a leading tab marks a table row
    return [line.strip(" ") for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def _is_caption(line: str) -> bool:
    return bool(re.match(r"^(그림|표)\s*\d+", line))


def _is_note(line: str) -> bool:
    return bool(re.match(rf"^[\d{SUPERSCRIPTS}]+\s", line))


def _sentences(line: str) -> list[str]:
    line = norm(line)
    return [s for s in re.split(r"(?<=[.!?”])\s+", line) if len(s) > 3]


def test_every_seed_sentence_is_published_in_its_language(ko, en):
    """Each prose sentence of the seed, Korean or English, appears in the page
    of its language (footnote markers removed, whitespace folded)."""
    ko_text, en_text = article_text(ko), article_text(en)
    header = {"시티넷 서울 총회의 성과와", "서울시의 시사점", "Brenna Foster 대외협력부담당", "시티넷", "편집부 번역"}
    missing = []
    counted = 0
    target_squashed = {id(ko_text): squash(ko_text), id(en_text): squash(en_text)}
    for line in _seed_lines():
        if line in header or _is_caption(line) or _is_note(line) or "\t" in line:
            continue
        if re.match(r"^\S.*\s:\s\d+[명개]$", line):  # the numbers box
            target = ko_text
        else:
            target = ko_text if HANGUL.search(line) else en_text
        for sentence in _sentences(line.rstrip(":")):
            counted += 1
            if squash(sentence) not in target_squashed[id(target)]:
                missing.append(sentence)
    assert counted > 150
    assert not missing, missing[:5]


def test_seed_paragraphs_keep_their_order(ko, en):
    """Sentences appear in the seed's order in each language (the seed's
    layout interleaves languages and cuts paragraphs, but never reorders)."""
    texts = {"ko": squash(article_text(ko)), "en": squash(article_text(en))}
    last = {"ko": -1, "en": -1}
    for line in _seed_lines():
        if _is_caption(line) or _is_note(line) or "\t" in line or len(line) < 25:
            continue
        lang = "ko" if HANGUL.search(line) else "en"
        for sentence in _sentences(line.rstrip(":")):
            pos = texts[lang].find(squash(sentence), last[lang] + 1)
            assert pos > last[lang], (lang, sentence)
            last[lang] = pos


def test_cut_paragraphs_are_joined(ko, en):
    ko_text, en_text = article_text(ko), article_text(en)
    assert "새천년개발목표 아젠다 이후의 미래 목표" in ko_text
    assert "마이문하 모드 샤리프(Maimunah Mohd Sharif)" in ko_text
    assert "울란바토르 부시장은" in ko_text
    assert "centered around new opportunities in Seoul" in en_text
    assert "in future training programs hosted by SMG or KOTI" in en_text
    assert "with in-depth discussion of issues" in en_text
    assert "Memorandum of Understanding with the Korea International Cooperation Agency" in en_text
    assert "With discussions on a wide variety of issue areas, CITYNET members" in en_text
    assert "(Rockefeller 100 Resilient Cities Challenge)" in ko_text


def test_korean_captions_table_notes_and_box_lines_are_published(ko):
    text = article_text(ko)
    for line in _seed_lines():
        if _is_caption(line):
            body = norm(re.sub(r"^(그림|표)\s*\d+\s*", "", line))
            assert squash(body) in squash(text), body
        elif _is_note(line):
            body = norm(re.sub(rf"^[\d{SUPERSCRIPTS}]+\s+", "", line))
            if body.startswith("http"):
                body = body.split()[0]
            assert squash(body) in squash(text), body
        elif "\t" in line:
            for cell in filter(None, (c.strip() for c in line.split("\t"))):
                assert norm(cell) in text, cell


def test_listing_pages(site_dir):
    for prefix in ("", "en/"):
        home = soup(site_dir, prefix.rstrip("/") or ".")
        items = home.select("ul.cv-listing > li")
        # the issue's article, then the latest newsletter and report
        assert [li["data-type"] for li in items] == ["article", "newsletter", "report"]
        for section, kind in (("newsletters", "newsletter"), ("reports", "report")):
            doc = soup(site_dir, f"{prefix}{section}")
            links = [a["href"] for a in doc.select("ul.cv-listing a.cv-item-title")]
            assert len(links) == len(set(links)) == 1, (section, links)
            assert all(li["data-type"] == kind for li in doc.select("ul.cv-listing > li"))
        # the magazine: one row per issue, its cover and its contents
        doc = soup(site_dir, f"{prefix}cityvoices")
        rows = doc.select("section.cv-group.cv-issue-row")
        assert len(rows) == 1 and rows[0].select_one(".cv-cover")
        assert [a["href"] for a in rows[0].select("ul.cv-listing a.cv-item-title")] == ["2014-1/seoul-congress-2013/"]
    issue = soup(site_dir, "cityvoices").select_one("section.cv-group h2").get_text()
    assert issue == "시티보이스 2014-1호"
    assert soup(site_dir, "en/cityvoices").select_one("section.cv-group h2").get_text() == "CityVoices 2014-1"
    assert "2013년 12월" in soup(site_dir, "newsletters").select_one("section.cv-group h2").get_text()
    assert "December 2013" in soup(site_dir, "en/newsletters").select_one("section.cv-group h2").get_text()


def test_sample_content_is_labelled(site_dir):
    for rel in ("newsletters/2013-12/secretariat-news", "reports/2013-seoul-congress/congress-in-numbers"):
        assert soup(site_dir, rel).select_one(".cv-sample") is not None
        assert "sample" in soup(site_dir, f"en/{rel}").select_one(".cv-sample").get_text()


def test_navigation_does_not_list_publications(site_dir):
    doc = soup(site_dir, SEED_ARTICLE)
    nav_links = doc.select("nav.md-nav--primary a.md-nav__link")
    assert not any("2014-1" in (a.get("href") or "") for a in nav_links)


def test_theme_strings_are_translated(ko, en):
    assert ko.select_one("input.md-search__input")["placeholder"] == "검색"
    assert en.select_one("input.md-search__input")["placeholder"] == "Search"


def test_home_links_the_offline_copy_where_the_offline_command_writes_it(site_dir):
    from cityvoices import offline

    for rel, page_url in ((".", "http://x/"), ("en", "http://x/en/")):
        link = soup(site_dir, rel).select_one("a.cv-offline")
        assert link is not None and link.has_attr("download")
        assert urlparse(urljoin(page_url, link["href"])).path == f"/{offline.ZIP_PATH}"


def test_every_page_has_one_h1_and_images_have_alt_text(site_dir):
    """Basics of an accessibility audit on every built page of both languages."""
    pages = 0
    for path in site_dir.rglob("index.html"):
        if "assets" in path.parts:
            continue
        article = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").select_one("article")
        if article is None:
            continue
        pages += 1
        rel = path.relative_to(site_dir).as_posix()
        assert len(article.find_all("h1")) == 1, rel
        # a card's thumbnail is decorative (its title says it all): alt="" on purpose
        assert all(img.get("alt") or ("cv-card-image" in img.get("class", []) and img.get("alt") == "")
                   for img in article.find_all("img")), rel
    assert pages >= 16
