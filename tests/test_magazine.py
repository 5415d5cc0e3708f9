"""The magazine (issue 12, items 1-4, 8-10): home, issue pages and covers,
article header and ending, people and tags, head metadata and JSON-LD,
Atom feeds, 404 pages.  Pure functions first, then a fixture site built in
both modes and parsed back (BeautifulSoup, json, feedparser)."""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import feedparser
import pytest
from bs4 import BeautifulSoup

from cityvoices import catalog, feeds, frontmatter, magazine, meta, offline, urls
from helpers import build_site, make_fixture_project
from test_build_input import PAGES

HOME = {
    "index.ko.md": "---\ntitle: 시티보이스\ntype: page\nlisting: home\nhide: [navigation, toc]\n---\n\n# 시티보이스\n\n소개.\n",
    "index.en.md": "---\ntitle: CityVoices\ntype: page\nlisting: home\nhide: [navigation, toc]\n---\n\n# CityVoices\n\n"
                   "About.\n",
}


def png(width: int = 3, height: int = 4) -> bytes:
    """A tiny valid PNG (the cover image of the fixture issue)."""
    raw = b"".join(b"\x00" + b"\x30\x50\xa0" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def article(lang: str, title: str, *, date: str, issue: str = "2014-1", order: int | None = None,
            authors: str = "[Brenna Foster]", tags: str = "[]", summary: str = "", body: str = "",
            translators: str = "", type_: str = "article", extra: str = "") -> str:
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", f"type: {type_}", f"date: {date}",
             f"authors: {authors}", f"tags: {tags}"]
    if type_ == "article":
        lines.append(f"issue: {issue}")
    if order is not None:
        lines.append(f"order: {order}")
    if summary:
        lines.append(f"summary: {json.dumps(summary, ensure_ascii=False)}")
    if translators:
        lines.append(f"translators: {translators}")
    if extra:
        lines.append(extra)
    lines += ["---", "", (body or ("본문 " * 600 if lang == "ko" else "word " * 460)).strip(), ""]
    return "\n".join(lines)


KO_TR = '[{name: 김번역, direction: en→ko}]'
EN_TR = '[{name: Kim Translator, direction: en→ko}]'


def fixture_docs() -> dict[str, str | bytes]:
    docs: dict[str, str | bytes] = dict(PAGES)
    docs.update(HOME)
    a = "cityvoices/2014-1"
    # issue 2014-1: contents by `order`, then date (c has no order: last)
    docs[f"{a}/alpha/index.ko.md"] = article("ko", "첫째 글", date="2014-01-20", order=2, tags="[서울, 물]",
                                             authors="[김철수]", summary="첫째 요약.", translators=KO_TR,
                                             extra="original: en",
                                             body="본문 " * 599 + "끝.[^1]\n\n![사진](images/fig-01.svg)\n\n"
                                                  "/// figure-caption\n사진 설명\n///\n\n[^1]: 주석입니다.\n")
    docs[f"{a}/alpha/index.en.md"] = article("en", "First piece", date="2014-01-20", order=2,
                                             tags="[Seoul, water]", authors="[Chulsoo Kim]",
                                             summary="First summary.", translators=EN_TR, extra="original: en",
                                             body="word " * 459 + "end.[^1]\n\n![Photo](images/fig-01.svg)\n\n"
                                                  "/// figure-caption\nA caption\n///\n\n[^1]: A note.\n")
    docs[f"{a}/alpha/images/fig-01.svg"] = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 3 1"/>'
    docs[f"{a}/beta/index.ko.md"] = article("ko", "둘째 글", date="2014-01-25", order=1, tags="[서울]",
                                            summary="둘째 요약.")
    docs[f"{a}/beta/index.en.md"] = article("en", "Second piece", date="2014-01-25", order=1, tags="[Seoul]",
                                            summary="Second summary.")
    docs[f"{a}/gamma/index.ko.md"] = article("ko", "셋째 글", date="2014-01-05", tags="[물]")
    docs[f"{a}/gamma/index.en.md"] = article("en", "Third piece", date="2014-01-05", tags="[water]")
    # issue 2014-2: its own page with a cover and the editor's note
    b = "cityvoices/2014-2"
    docs[f"{b}/index.ko.md"] = ("---\ntitle: 편집자의 말\ntype: issue\ndate: 2014-04-01\nissue_title: 2014년 봄\n"
                                "cover: cover.png\nsummary: 봄호를 엽니다.\n---\n\n봄호의 **편집자 노트**입니다.\n")
    docs[f"{b}/index.en.md"] = ("---\ntitle: From the editor\ntype: issue\ndate: 2014-04-01\n"
                                "issue_title: Spring 2014\ncover: cover.png\nsummary: Opening the spring issue.\n"
                                "---\n\nThe spring issue's **editor's note**.\n")
    docs[f"{b}/cover.png"] = png()
    docs[f"{b}/delta/index.ko.md"] = article("ko", "넷째 글", date="2014-04-02", issue="2014-2", tags="[물]",
                                             authors="[김철수, Brenna Foster]")
    docs[f"{b}/delta/index.en.md"] = article("en", "Fourth piece", date="2014-04-02", issue="2014-2",
                                             tags="[water]", authors="[Chulsoo Kim, Brenna Foster]")
    docs["newsletters/2014-03/news/index.ko.md"] = article("ko", "소식", date="2014-03-02", type_="newsletter",
                                                           tags="[서울]", summary="소식 요약.")
    docs["newsletters/2014-03/news/index.en.md"] = article("en", "News", date="2014-03-02", type_="newsletter",
                                                           tags="[Seoul]", summary="News summary.")
    return docs


# --------------------------------------------------------------------------
# Pure functions


def test_reading_time_korean_by_characters_english_by_words():
    assert magazine.reading_minutes("가" * magazine.RATE_HANGUL) == 1
    assert magazine.reading_minutes("가" * (magazine.RATE_HANGUL + 1)) == 2
    assert magazine.reading_minutes("word " * magazine.RATE_WORDS) == 1
    assert magazine.reading_minutes("word " * (2 * magazine.RATE_WORDS + 1)) == 3
    assert magazine.reading_minutes("") == 1
    # front matter, link targets, images, tags and footnote calls are not read
    text = ("---\ntitle: " + "가" * 2000 + "\n---\n" + "가" * 400 + "[^1] [링크](https://x.org/" + "a" * 3000
            + ") ![그림](images/" + "b/" * 500 + "x.png) <span class=\"" + "c " * 900 + "\">")
    assert magazine.reading_minutes(text) == 1


def test_slugs_are_stable_collision_free_and_keep_hangul():
    slugs = urls.unique_slugs(["Brenna Foster", "brenna  foster", "김 철수", "Brenna-Foster", "…", "!!"])
    assert slugs["brenna foster"] == "brenna-foster"  # the first to claim it keeps it
    assert slugs[urls.identity("김 철수")] == "김-철수"
    other = slugs[urls.identity("Brenna-Foster")]
    assert other.startswith("brenna-foster-") and other != "brenna-foster"
    assert len(set(slugs.values())) == len(slugs) == 5
    # a later name never changes an earlier name's slug, and suffixes do not depend on the others
    again = urls.unique_slugs(["Brenna Foster", "Brenna-Foster"])
    assert again[urls.identity("Brenna-Foster")] == other
    assert all(urls.safe_component(s, "slug") for s in slugs.values())


def _catalog(docs: dict) -> catalog.Catalog:
    return catalog.build_catalog([(k, v) for k, v in docs.items() if k.endswith(".md")])


def test_contents_order_then_date_and_neighbours():
    docs = fixture_docs()
    cat = _catalog(docs)
    assert [p.key.rsplit("/", 1)[1] for p in cat.contents("2014-1")] == ["beta", "alpha", "gamma"]
    index = magazine.Index(cat, {k: v for k, v in docs.items() if isinstance(v, str)})
    alpha = cat.publications["cityvoices/2014-1/alpha"]
    prev, nxt = index.neighbours(alpha)
    assert prev.key.endswith("beta") and nxt.key.endswith("gamma")
    assert index.issues[0].key == "2014-2" and index.issues[0].page is not None
    assert cat.issue_title("2014-2", "en") == "Spring 2014"  # the issue's page sets it


def test_related_shared_tags_then_issue_then_type_deterministic():
    docs = fixture_docs()
    cat = _catalog(docs)
    index = magazine.Index(cat, {k: v for k, v in docs.items() if isinstance(v, str)})
    beta = cat.publications["cityvoices/2014-1/beta"]
    # beta has [서울]: alpha and the newsletter share it; alpha is in the same issue
    got = [p.key for p in index.related(beta, "ko")]
    assert got == ["cityvoices/2014-1/alpha", "newsletters/2014-03/news", "cityvoices/2014-1/gamma"]
    gamma = cat.publications["cityvoices/2014-1/gamma"]
    # [물]: alpha (same issue) before delta (other issue); then beta (same issue, no tag in common)
    assert [p.key for p in index.related(gamma, "ko")] == ["cityvoices/2014-1/alpha", "cityvoices/2014-2/delta",
                                                           "cityvoices/2014-1/beta"]
    assert [p.key for p in index.related(gamma, "ko")] == [p.key for p in index.related(gamma, "ko")]
    assert all(p.key != gamma.key for p in index.related(gamma, "en"))


def test_people_and_tags_have_counterparts_across_languages():
    docs = fixture_docs()
    cat = _catalog(docs)
    index = magazine.Index(cat, {k: v for k, v in docs.items() if isinstance(v, str)})
    kim = index.person_slug("김철수")
    assert kim == "김철수" and index.counterpart("person", kim, "ko") == "chulsoo-kim"
    assert index.counterpart("person", "brenna-foster", "en") == "brenna-foster"
    assert index.counterpart("tag", index.tag_slug("물"), "ko") == "water"
    assert [p.key.rsplit("/", 1)[1] for p in index.people["ko"]["김번역"].translated] == ["alpha"]
    assert len(index.tags["en"]["seoul"].pubs) == 3


def test_list_pages_are_paged(monkeypatch):
    monkeypatch.setattr(magazine, "PAGE_SIZE", 2)
    docs = fixture_docs()
    cat = _catalog(docs)
    index = magazine.Index(cat, {k: v for k, v in docs.items() if isinstance(v, str)})
    html = magazine.list_page(index, "tag", "water", "en", "en/tags/water/", 1)
    soup = BeautifulSoup(html, "lxml")
    assert len(soup.select("li.cv-card")) == 2
    assert [a["href"] for a in soup.select(".cv-pagination a")] == ["2/"]
    page2 = BeautifulSoup(magazine.list_page(index, "tag", "water", "en", "en/tags/water/2/", 2), "lxml")
    assert len(page2.select("li.cv-card")) == 1 and page2.select_one("[aria-current=page]").get_text() == "2"


def test_document_title_never_doubles_the_site_name():
    assert meta.document_title("CityVoices", "CityVoices") == "CityVoices"
    assert meta.document_title("Outcomes", "CityVoices") == "Outcomes - CityVoices"
    assert meta.document_title("시티보이스", "CityVoices") == "시티보이스 - CityVoices"
    assert meta.document_title("", "CityVoices") == "CityVoices"


def test_json_for_script_cannot_end_or_comment_out_the_script():
    value = {"a": "</script><script>alert(1)</script>", "b": "<!-- x", "c": "a & b \u2028"}
    text = meta.json_for_script(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_description_is_cleaned_and_cut_at_a_space():
    assert meta.description("a\x00b \n\t c") == "ab c"
    long = ("단어 " * 200).strip()
    out = meta.description(long)
    assert len(out) <= meta.DESCRIPTION_MAX + 1 and out.endswith("…") and not out.endswith(" …")


@pytest.mark.parametrize("value,ok", [
    ("images/cover.jpg", True), ("cover.PNG", True), ("../cover.jpg", False), ("/etc/cover.jpg", False),
    ("https://x.org/c.jpg", False), ("images\\c.jpg", False), ("c:cover.jpg", False), (".hidden/c.jpg", False),
    ("cover.txt", False), (["a.jpg"], False), ("images//c.jpg", False),
])
def test_cover_is_a_contained_image_path(value, ok):
    fm = frontmatter.FrontMatter({"title": "x", "cover": value}, {"cover": 4})
    problems = frontmatter.validate(fm, "x.md", require=False)
    assert (problems == []) == ok, problems
    if not ok:
        assert problems[0].line == 4 and "cover" in problems[0].message


@pytest.mark.parametrize("value,ok", [(1, True), (12, True), (0, False), (-1, False), ("1", False), (True, False),
                                      (1.5, False)])
def test_order_is_a_whole_number(value, ok):
    fm = frontmatter.FrontMatter({"order": value}, {"order": 3})
    assert (frontmatter.validate(fm, "x.md", require=False) == []) == ok


def test_issue_page_lives_only_in_the_issue_folder():
    text = "---\ntitle: 편집자의 말\ntype: issue\n---\n"
    cat = catalog.build_catalog([("cityvoices/2014-1/x/index.ko.md", text)])
    assert [p.code for p in cat.problems] == ["frontmatter-issue-page"]
    ok = catalog.build_catalog([("cityvoices/2014-1/index.ko.md", text)])
    assert ok.problems == [] and "2014-1" in ok.issue_pages()
    art = article("ko", "x", date="2014-01-01")
    bad = catalog.build_catalog([("cityvoices/2014-1/index.ko.md", art)])
    assert [p.code for p in bad.problems] == ["frontmatter-issue-page"]


def test_duplicate_order_in_an_issue_warns():
    docs = {"cityvoices/2014-1/a/index.ko.md": article("ko", "a", date="2014-01-01", order=1),
            "cityvoices/2014-1/b/index.ko.md": article("ko", "b", date="2014-01-02", order=1)}
    cat = _catalog(docs)
    assert [(p.code, p.severity) for p in cat.problems] == [("frontmatter-order", "warning")]


HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "</script><!--", "]]><x>&amp;"]


def test_feed_escapes_every_value_and_parses():
    title, summary = " ".join(HOSTILE), "".join(reversed(HOSTILE))
    docs = {"cityvoices/2014-1/h/index.en.md": article(
        "en", title, date="2014-01-01", summary=summary, authors=json.dumps(HOSTILE[:2]),
        tags=json.dumps(HOSTILE[2:]))}
    cat = _catalog(docs)
    feed = feeds.feeds("en")[0]
    xml = feeds.atom(cat, feed, "https://example.org/")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.bozo_exception
    entry = parsed.entries[0]
    assert entry.title == title and entry.summary == summary
    assert [a.name for a in entry.authors] == HOSTILE[:2]
    assert [t.term for t in entry.tags][1:] == HOSTILE[2:]
    assert b"<script>" not in xml and b"]]><x>" not in xml


def test_not_found_links_are_absolute_paths_under_the_site_root():
    html = magazine.not_found("en", "/sub/")
    soup = BeautifulSoup(html, "lxml")
    hrefs = [a["href"] for a in soup.select("a")]
    assert "/sub/en/" in hrefs and "/sub/" in hrefs and all(h.startswith("/sub/") for h in hrefs)
    assert soup.select_one("label[for=__search]")


def test_offline_feed_loses_its_base_and_points_at_index_html(tmp_path):
    (tmp_path / "cityvoices" / "x").mkdir(parents=True)
    (tmp_path / "cityvoices" / "x" / "index.html").write_text("x")
    xml = ('<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/feeds/">'
           '<link href="../cityvoices/x/"/></feed>')
    out = offline.rewrite_feed(xml, "feeds/all.xml", lambda rel: (tmp_path / rel / "index.html").is_file())
    assert "xml:base" not in out and 'href="../cityvoices/x/index.html"' in out


def test_a_pdf_that_was_not_made_leaves_no_link_and_no_citation_pointer(tmp_path):
    from cityvoices.integrations import pdf as pdf_integration

    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "good.ko.pdf").write_bytes(b"%PDF-1.7")
    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text('<head><meta name="citation_pdf_url" content="https://x.org/pdf/good.ko.pdf">\n'
                    '<meta name="citation_pdf_url" content="https://x.org/pdf/gone.ko.pdf">\n</head>'
                    '<p class="cv-downloads"><a class="cv-pdf" href="../pdf/gone.ko.pdf">PDF</a></p>',
                    encoding="utf-8")
    missing = pdf_integration.drop_dead_links(tmp_path)
    html = page.read_text(encoding="utf-8")
    assert "good.ko.pdf" in html and "gone.ko.pdf" not in html and "cv-downloads" not in html
    assert missing == ["pdf/gone.ko.pdf"]


# --------------------------------------------------------------------------
# The built site


@pytest.fixture(scope="module")
def mag_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("magazine")
    site = tmp / "site"
    build_site(make_fixture_project(tmp, fixture_docs()), site, serial=False)
    return site


def page(site: Path, rel: str) -> BeautifulSoup:
    path = site / rel if rel.endswith(".html") else site / rel / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def resolve(site: Path, base: str, href: str) -> Path:
    """The file a relative link of the page at site path ``base`` leads to."""
    url = urlparse(urljoin("http://x/" + base, href))
    assert url.netloc == "x", href
    path = unquote(url.path).lstrip("/")
    return site / path / "index.html" if path.endswith("/") or not path else site / path


@pytest.mark.build
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_home_shows_the_latest_issue_as_a_cover_with_cards(mag_site, lang):
    prefix = "" if lang == "ko" else "en/"
    doc = page(mag_site, prefix or ".")
    hero = doc.select_one("section.cv-home-issue")
    cover = hero.select_one("img.cv-cover")  # 2014-2 has a cover image
    assert resolve(mag_site, prefix, cover["src"]).is_file() and cover["alt"]
    assert hero.select_one("h2").get_text() == ("시티보이스 2014년 봄호" if lang == "ko" else "CityVoices Spring 2014")
    cards = hero.select("li.cv-card")
    assert len(cards) == 1
    card = cards[0]
    assert card.select_one(".cv-kicker").get_text() == ("시티보이스 기사 · 시티보이스 2014년 봄호" if lang == "ko"
                                                       else "CityVoices article · CityVoices Spring 2014")
    assert card.select_one("a.cv-item-title").get_text() == ("넷째 글" if lang == "ko" else "Fourth piece")
    assert resolve(mag_site, prefix, card.select_one("a.cv-item-title")["href"]).is_file()
    assert card.select_one("time")["datetime"] == "2014-04-02"
    # 1,200 Hangul syllables at 500 a minute; 460 words at 230 a minute
    assert card.select_one(".cv-minutes").get_text() == ("읽는 데 3분" if lang == "ko" else "2 min read")
    assert "Brenna Foster" in card.select_one(".cv-item-authors").get_text()
    # then the latest of the other types, and every issue
    latest = doc.select("section.cv-home-latest")
    assert [s.select_one("a.cv-item-title").get_text() for s in latest][:1] == ["소식" if lang == "ko" else "News"]
    assert latest[0].select_one(".cv-item-summary").get_text() == ("소식 요약." if lang == "ko" else "News summary.")
    all_issues = doc.select_one(".cv-all-issues a")
    assert resolve(mag_site, prefix, all_issues["href"]) == mag_site / prefix / "cityvoices" / "index.html"


@pytest.mark.build
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_issue_pages_cover_note_and_contents_in_order(mag_site, lang):
    prefix = "" if lang == "ko" else "en/"
    one = page(mag_site, f"{prefix}cityvoices/2014-1")  # generated: typographic cover
    assert one.select_one("h1").get_text() == ("시티보이스 2014-1호" if lang == "ko" else "CityVoices 2014-1")
    assert one.select_one("div.cv-cover--type .cv-cover-issue").get_text() == "2014-1"
    titles = [a.get_text() for a in one.select("section.cv-contents a.cv-item-title")]
    assert titles == (["둘째 글", "첫째 글", "셋째 글"] if lang == "ko" else ["Second piece", "First piece",
                                                                         "Third piece"])
    assert one.select_one(".cv-note") is None
    two = page(mag_site, f"{prefix}cityvoices/2014-2")  # its own page: cover image and note
    assert two.select_one("img.cv-cover")["src"].endswith("cover.png")
    note = two.select_one("section.cv-note")
    assert note.select_one("h2").get_text() == ("편집자의 말" if lang == "ko" else "From the editor")
    assert note.select_one("strong").get_text() == ("편집자 노트" if lang == "ko" else "editor's note")
    assert two.select_one("h1").get_text() == ("시티보이스 2014년 봄호" if lang == "ko" else "CityVoices Spring 2014")
    assert two.title.get_text().startswith("시티보이스 2014년 봄호" if lang == "ko" else "CityVoices Spring 2014")
    # the listing shows the issues as covers, newest first, each with its contents
    listing = page(mag_site, f"{prefix}cityvoices")
    rows = listing.select("section.cv-issue-row")
    assert [r["id"] for r in rows] == ["2014-2", "2014-1"]
    assert all(r.select_one(".cv-cover") for r in rows)
    assert len(rows[1].select("a.cv-item-title")) == 3


@pytest.mark.build
def test_article_header_byline_reading_time_notes_and_ending(mag_site):
    ko = page(mag_site, "cityvoices/2014-1/alpha")
    head = ko.select_one("header.cv-article-header")
    assert [c for c in head.find_all(recursive=False) if c.name][0]["class"] == ["cv-kicker"]
    assert head.select_one("p.cv-kicker").get_text() == "시티보이스 기사 · 시티보이스 2014-1호"
    assert head.select_one("h1").get_text() == "첫째 글"
    assert head.select_one("p.cv-standfirst").get_text() == "첫째 요약."
    author = head.select_one(".cv-authors a.cv-person")
    assert author.get_text() == "김철수"
    assert resolve(mag_site, "cityvoices/2014-1/alpha/", author["href"]) == mag_site / "authors/김철수/index.html"
    tr = head.select_one(".cv-translators")
    assert tr.select_one("a.cv-person").get_text() == "김번역" and "(영어 원문)" in tr.get_text()
    assert head.select_one(".cv-minutes").get_text() == "읽는 데 3분"  # 1200 syllables + the note
    en = page(mag_site, "en/cityvoices/2014-1/alpha")
    assert en.select_one("header .cv-minutes").get_text() == "3 min read"  # 460 words + 2
    assert en.select_one(".cv-translators") is None  # translated into Korean, not English
    # notes under a heading in the page's language, back-links in place
    for doc, word in ((ko, "각주"), (en, "Notes")):
        notes = doc.select_one("div.footnote")
        assert notes.select_one("h2.cv-notes-title").get_text() == word
        assert notes.select_one("a.footnote-backref")
    # tags link to their pages; previous/next in contents order; three related
    tags = {a.get_text(): a["href"] for a in ko.select("p.cv-tags a.cv-tag")}
    assert set(tags) == {"서울", "물"}
    assert resolve(mag_site, "cityvoices/2014-1/alpha/", tags["물"]) == mag_site / "tags/물/index.html"
    nav = ko.select_one("nav.cv-issue-nav")
    assert nav.select_one("a[rel=prev] .cv-nav-title").get_text() == "둘째 글"
    assert nav.select_one("a[rel=next] .cv-nav-title").get_text() == "셋째 글"
    related = [a.get_text() for a in ko.select("aside.cv-related a.cv-item-title")]
    # one tag in common with each: same issue first (newest first), then the same type, then the rest
    assert related == ["둘째 글", "셋째 글", "넷째 글"]


@pytest.mark.build
def test_figures_load_lazily_and_placeholders_are_marked(site_dir):
    doc = page(site_dir, "cityvoices/2014-1/seoul-congress-2013")
    images = doc.select("article figure img")
    assert len(images) == 12
    assert all(img["loading"] == "lazy" and "cv-placeholder" in img["class"] for img in images)
    for svg in (site_dir / "cityvoices/2014-1/seoul-congress-2013/images").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        drawn = re.sub(r"<desc>.*?</desc>", "", text, flags=re.S)
        assert drawn.count("<text") == 1  # labelled once; the caption is shown once, by the page


@pytest.mark.build
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_people_and_tag_pages(mag_site, lang):
    prefix = "" if lang == "ko" else "en/"
    kim = "김철수" if lang == "ko" else "chulsoo-kim"
    doc = page(mag_site, f"{prefix}authors/{kim}")
    assert doc.html["lang"] == lang
    assert doc.select_one("h1").get_text() == ("김철수" if lang == "ko" else "Chulsoo Kim")
    titles = [a.get_text() for a in doc.select("li.cv-card a.cv-item-title")]
    assert titles == (["넷째 글", "첫째 글"] if lang == "ko" else ["Fourth piece", "First piece"])
    # the switcher and hreflang lead to the same person in the other language
    alts = {link["hreflang"]: link["href"] for link in doc.select("head link[rel=alternate][hreflang]")}
    other = "chulsoo-kim" if lang == "ko" else "%EA%B9%80%EC%B2%A0%EC%88%98"
    assert alts[("en" if lang == "ko" else "ko")].rstrip("/").endswith(other)
    switch = {a["hreflang"]: a["href"] for a in doc.select("a.cv-lang__link[hreflang]")}
    target = resolve(mag_site, f"{prefix}authors/{kim}/", switch["en" if lang == "ko" else "ko"])
    assert target.is_file() and unquote(other) in target.as_posix()
    water = "물" if lang == "ko" else "water"
    tag = page(mag_site, f"{prefix}tags/{water}")
    assert [a.get_text() for a in tag.select("li.cv-card a.cv-item-title")] == (
        ["넷째 글", "첫째 글", "셋째 글"] if lang == "ko" else ["Fourth piece", "First piece", "Third piece"])
    assert tag.select_one("h1").get_text() == water
    # 물 stands beside "water" in the translated tag lists: the switcher leads there
    switch = {a["hreflang"]: a["href"] for a in tag.select("a.cv-lang__link[hreflang]")}
    other_tag = "water" if lang == "ko" else "물"
    target = resolve(mag_site, f"{prefix}tags/{water}/", switch["en" if lang == "ko" else "ko"])
    assert target == mag_site / ("en/" if lang == "ko" else "") / "tags" / other_tag / "index.html"
    translator = page(mag_site, f"{prefix}authors/{'김번역' if lang == 'ko' else 'kim-translator'}") \
        if lang == "ko" else None
    if translator is not None:
        assert translator.select_one("li.cv-card .cv-role").get_text() == "번역"
    index = page(mag_site, f"{prefix}tags")
    assert water in [a.get_text() for a in index.select("ul.cv-names a")]


def _head(doc: BeautifulSoup) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in doc.head.select("meta[content]"):
        key = m.get("property") or m.get("name")
        if key:
            out.setdefault(key, []).append(m["content"])
    return out


@pytest.mark.build
def test_every_page_has_its_own_description_title_and_open_graph(mag_site):
    english = "CityVoices magazine articles, newsletters and congress reports from CITYNET"
    seen = 0
    for path in mag_site.rglob("*.html"):
        rel = path.relative_to(mag_site).as_posix()
        if rel.startswith("assets/"):
            continue
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        lang = doc.html["lang"]
        tags = _head(doc)
        assert len(tags.get("description", [])) == 1, rel
        desc = tags["description"][0]
        if lang == "ko":
            assert not desc.startswith(english) and "CITYNET CityVoices —" not in desc, rel
        title = doc.title.get_text()
        assert "CityVoices - CityVoices" not in title and title.count("CityVoices") <= 2, rel
        assert tags["og:locale"] == [{"ko": "ko_KR", "en": "en_US"}[lang]], rel
        assert tags["og:title"] and tags["og:type"] and tags["twitter:card"], rel
        seen += 1
    assert seen > 30
    assert page(mag_site, "en").title.get_text() == "CityVoices"
    home = _head(page(mag_site, "."))
    assert home["og:locale:alternate"] == ["en_US"] and home["description"][0].startswith("시티넷")
    art = page(mag_site, "cityvoices/2014-1/alpha")
    assert _head(art)["description"] == ["첫째 요약."]
    canonical = art.head.select_one("link[rel=canonical]")["href"]
    assert canonical == "https://cityvoices.example.org/cityvoices/2014-1/alpha/"
    assert _head(art)["og:url"] == [canonical]
    alts = {link["hreflang"]: link["href"] for link in art.head.select("link[rel=alternate][hreflang]")}
    assert alts == {"ko": "./", "en": "../../../en/cityvoices/2014-1/alpha/", "x-default": "./"}
    feed = art.head.select_one('link[rel=alternate][type="application/atom+xml"]')
    assert resolve(mag_site, "cityvoices/2014-1/alpha/", feed["href"]) == mag_site / "feeds/all.xml"


@pytest.mark.build
def test_article_json_ld_and_citation_tags(mag_site):
    for lang, prefix in (("ko", ""), ("en", "en/")):
        doc = page(mag_site, f"{prefix}cityvoices/2014-1/alpha")
        scripts = doc.head.select('script[type="application/ld+json"]')
        assert len(scripts) == 1
        data = json.loads(scripts[0].string)
        base = "https://cityvoices.example.org/"
        assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
        assert data["headline"] == ("첫째 글" if lang == "ko" else "First piece")
        assert data["inLanguage"] == lang and data["datePublished"] == "2014-01-20"
        assert data["url"] == f"{base}{prefix}cityvoices/2014-1/alpha/"
        assert [a["name"] for a in data["author"]] == (["김철수"] if lang == "ko" else ["Chulsoo Kim"])
        assert data["author"][0]["url"].startswith(f"{base}{prefix}authors/")
        assert data["isPartOf"]["@type"] == "PublicationIssue" and data["isPartOf"]["issueNumber"] == "2014-1"
        assert data["isPartOf"]["url"] == f"{base}{prefix}cityvoices/2014-1/"
        assert data["isPartOf"]["isPartOf"]["@type"] == "Periodical"
        if lang == "ko":  # a translation of the English original
            assert [t["name"] for t in data["translator"]] == ["김번역"]
            assert data["translationOfWork"]["url"] == f"{base}en/cityvoices/2014-1/alpha/"
            assert data["translationOfWork"]["inLanguage"] == "en" and "workTranslation" not in data
        else:
            assert "translator" not in data
            assert data["workTranslation"]["url"] == f"{base}cityvoices/2014-1/alpha/"
        tags = _head(doc)
        assert tags["citation_title"] == [data["headline"]]
        assert tags["citation_author"] == [a["name"] for a in data["author"]]
        assert tags["citation_publication_date"] == ["2014/01/20"] and tags["citation_language"] == [lang]
        assert "citation_pdf_url" not in tags  # this build has no PDFs


@pytest.mark.build
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_feeds_parse_with_entries_in_their_language_linking_inside_the_site(mag_site, lang):
    prefix = "" if lang == "ko" else "en/"
    expected = {"all": 5, "cityvoices": 4, "newsletters": 1, "reports": 0}
    for name, count in expected.items():
        rel = f"{prefix}feeds/{name}.xml"
        parsed = feedparser.parse((mag_site / rel).read_bytes())
        assert not parsed.bozo, (rel, parsed.bozo_exception)
        assert len(parsed.entries) == count, rel
        assert parsed.feed.language == lang
        for entry in parsed.entries:
            assert entry.title and entry.author and entry.published_parsed
            assert entry.title_detail.language == lang
            url = urlparse(entry.link)
            assert url.netloc == "cityvoices.example.org", entry.link
            target = mag_site / unquote(url.path).lstrip("/") / "index.html"
            assert target.is_file(), entry.link
            doc = BeautifulSoup(target.read_text(encoding="utf-8"), "lxml")
            assert doc.html["lang"] == lang and doc.select_one("h1").get_text() == entry.title
    first = feedparser.parse((mag_site / f"{prefix}feeds/all.xml").read_bytes()).entries[0]
    assert first.title == ("넷째 글" if lang == "ko" else "Fourth piece")  # the newest


@pytest.mark.build
def test_feeds_in_the_offline_copy_link_to_files(mag_site):
    files = dict(offline.offline_files(mag_site))
    xml = files["en/feeds/all.xml"].decode("utf-8")
    assert "xml:base" not in xml
    hrefs = re.findall(r'<link rel="alternate" type="text/html" hreflang="en" href="([^"]+)"', xml)
    assert hrefs and all(h.endswith("index.html") for h in hrefs)
    for h in hrefs:
        assert posix_join("en/feeds/all.xml", h) in files


def posix_join(page_rel: str, href: str) -> str:
    import posixpath

    return posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), unquote(href)))


@pytest.mark.build
def test_404_in_both_languages_in_parallel_and_serial_builds(mag_site, tmp_path):
    serial = tmp_path / "serial"
    build_site(make_fixture_project(tmp_path / "p", fixture_docs()), serial, serial=True)
    for site in (mag_site, serial):
        for rel, lang, home in (("404.html", "ko", "/"), ("en/404.html", "en", "/en/")):
            doc = page(site, rel)
            assert doc.html["lang"] == lang, (site, rel)
            assert doc.select_one("h1").get_text() == ("페이지를 찾을 수 없습니다" if lang == "ko" else "Page not found")
            links = [a["href"] for a in doc.select("article a")]
            assert home in links
            assert doc.select_one("article label[for=__search]")
            assert _head(doc)["robots"] == ["noindex"]
            # its stylesheets are absolute paths: it is shown at any depth
            assert all(link["href"].startswith("/") for link in doc.head.select("link[rel=stylesheet]"))
    assert not (serial / "en" / "en").exists()


@pytest.mark.build
def test_a_missing_cover_stops_the_build(tmp_path):
    docs = fixture_docs()
    del docs["cityvoices/2014-2/cover.png"]
    proc = build_site(make_fixture_project(tmp_path, docs), tmp_path / "site", check=False)
    assert proc.returncode == 2
    assert "docs/cityvoices/2014-2/index.ko.md:6: error: cover image 'cover.png' not found" in proc.stderr


# --------------------------------------------------------------------------
# Hostile front matter in every new place

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "</script><script>alert(3)</script>",
            "]]><!--", "<!-- x -->"]


def hostile_docs() -> dict[str, str | bytes]:
    docs = fixture_docs()
    title = " ".join(PAYLOADS)
    for lang in ("ko", "en"):
        docs[f"cityvoices/2014-1/hostile/index.{lang}.md"] = article(
            lang, title, date="2014-01-30", summary=" ".join(reversed(PAYLOADS)), authors=json.dumps(PAYLOADS[:2]),
            tags=json.dumps(PAYLOADS[1:]), translators=json.dumps([{"name": PAYLOADS[2], "direction": "en→ko"}]),
            extra=f"issue_title: {json.dumps(PAYLOADS[3] + PAYLOADS[0])}")
    return docs


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile-magazine")
    site = tmp / "site"
    build_site(make_fixture_project(tmp, hostile_docs()), site)
    return site


def _live(doc: BeautifulSoup) -> list[str]:
    """Scripts a browser would run (JSON-LD is data) and event handlers holding a payload."""
    bad = [str(s)[:60] for s in doc.find_all("script") if "alert(" in (s.string or "")
           and s.get("type", "text/javascript") in ("text/javascript", "module")]
    bad += [f"<{el.name} {a}>" for el in doc.find_all(True) for a, v in el.attrs.items()
            if a.startswith("on") and "alert(" in str(v)]
    return bad


@pytest.mark.build
def test_hostile_values_stay_text_in_pages_json_ld_and_feeds(hostile_site):
    title = " ".join(PAYLOADS)
    pages = [p for p in hostile_site.rglob("*.html") if "assets" not in p.parts]
    for path in pages:
        html = path.read_text(encoding="utf-8")
        doc = BeautifulSoup(html, "lxml")
        assert _live(doc) == [], path
        for s in doc.select('script[type="application/ld+json"]'):
            data = json.loads(s.string)  # still one valid JSON value
            assert "</script" not in s.string.lower() and "<!--" not in s.string
            if data.get("headline", "").startswith("<script>"):
                assert data["headline"] == title
                assert [a["name"] for a in data["author"]] == PAYLOADS[:2]
    for lang, prefix in (("ko", ""), ("en", "en/")):
        art = page(hostile_site, f"{prefix}cityvoices/2014-1/hostile")
        assert art.select_one("h1").get_text() == title
        assert _head(art)["og:title"] == [title]
        assert [a.get_text() for a in art.select(".cv-authors a.cv-person")] == PAYLOADS[:2]
        assert [a.get_text() for a in art.select("p.cv-tags a")] == PAYLOADS[1:]
        # the generated pages of the hostile author and tags exist and name them as text
        for a in art.select(".cv-authors a.cv-person") + art.select("p.cv-tags a"):
            target = resolve(hostile_site, f"{prefix}cityvoices/2014-1/hostile/", a["href"])
            assert target.is_file(), a["href"]
            assert a.get_text() in page(hostile_site, target.parent.relative_to(hostile_site).as_posix()) \
                .select_one("h1").get_text()
        for feed in (hostile_site / prefix / "feeds").glob("*.xml"):
            data = feed.read_bytes()
            parsed = feedparser.parse(data)
            assert not parsed.bozo, (feed, parsed.bozo_exception)
            assert b"<script>" not in data and b"]]><!--" not in data
            titles = [e.title for e in parsed.entries]
            if feed.name in ("all.xml", "cityvoices.xml"):
                assert title in titles
