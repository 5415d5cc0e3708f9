"""The pure parts of the PDF and offline editions: input HTML -> expected HTML."""

from __future__ import annotations

import json

import lxml.html
import pytest
from hypothesis import given, settings, strategies as st

from cityvoices import render
from cityvoices import offline
from cityvoices.pdf import assemble

WJ = "\u2060"

FOOTNOTED = (
    '<p>도시<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>에 관한 글'
    '<sup id="fnref:tn-2"><a class="footnote-ref" href="#fn:tn-2">2</a></sup>, 다시'
    '<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>\n'
    '<div class="footnote">\n<hr />\n<ol>\n'
    '<li id="fn:1">\n<p>첫 <em>주석</em>&#160;<a class="footnote-backref" href="#fnref:1" '
    'title="Jump back to footnote 1 in the text">&#8617;</a></p>\n</li>\n'
    '<li id="fn:tn-2">\n<p>역주 본문&#160;<a class="footnote-backref" href="#fnref:tn-2" '
    'title="Jump back to footnote 2 in the text">&#8617;</a></p>\n</li>\n</ol>\n</div>'
)


def tree(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_footnotes_move_to_their_calls_with_the_site_numbers_and_tn_class():
    html = assemble.inline_footnotes(render.finish_html(FOOTNOTED, "ko"))
    root = tree(html)
    assert not root.xpath("//div[contains(@class,'footnote')]")
    notes = root.xpath("//span[contains(@class,'cv-fn')]")
    assert [n.get("data-n") for n in notes] == ["1", "2"]
    assert notes[0].get("class") == "cv-fn" and notes[0].text_content() == "첫 주석"
    assert notes[1].get("class") == "cv-fn cv-tn"
    assert notes[1].xpath(".//span[@class='cv-tn-mark']")[0].text == "역주"
    assert "↩" not in html and "\u00a0" not in root.text_content()
    # a second call of note 1 is a number only: one body per note
    again = root.xpath("//sup[@class='cv-fn-again']")
    assert [s.text for s in again] == ["1"]
    # the first calls' numbers come from CSS (attr(data-n)); the text keeps the bodies
    assert root.text_content().replace("첫 주석", "").replace("역주 본문", "").strip() == "도시에 관한 글, 다시1."


def test_korean_words_get_joiners_across_inline_elements_but_not_code():
    html = assemble.keep_korean_words('<p>서울의 <strong>도시</strong>계획 and English <code>한글 코드</code></p>')
    root = tree(html)
    p = root.find("p")
    assert p.text == f"서{WJ}울{WJ}의 "
    strong = p.find("strong")
    # 도시계획 is one word split by </strong>: joiners on both sides of the tag
    assert strong.text == f"도{WJ}시{WJ}"
    assert strong.tail.startswith(f"{WJ}계{WJ}획 and English ")
    assert p.find("code").text == "한글 코드"


def test_footnote_bodies_are_their_own_words():
    html = assemble.keep_korean_words(assemble.inline_footnotes(FOOTNOTED))
    root = tree(html)
    note = root.xpath("//span[@class='cv-fn']")[0]
    # the call is glued to 도시 and 에: joiners around it, but no joiner between
    # the body's words and the paragraph's
    assert root.find("p").text.endswith(f"도{WJ}시{WJ}")
    assert note.text == "첫 "
    assert note.tail.startswith(f"{WJ}에 ")


@given(st.lists(st.sampled_from(["서울", "도시", "CITYNET", "2013년", "(MOU)", "회의", "a-b"]), min_size=1,
                max_size=30))
@settings(max_examples=60, deadline=None)
def test_joiners_change_nothing_but_line_breaks(words):
    text = " ".join(words)
    out = tree(assemble.keep_korean_words(f"<p>{text}</p>")).text_content()
    assert out.replace(WJ, "") == text
    for token in out.split():
        assert (WJ in token) == (len(token.replace(WJ, "")) > 1 and any("가" <= c <= "힣" for c in token))


def test_prepare_body_prefixes_ids_removes_headerlinks_and_resolves_links():
    body = ('<h2 id="x">제목<a class="headerlink" href="#x" title="Permanent link">&para;</a></h2>'
            '<p><a href="#fig-1">그림 1</a> <a href="../other/index.md#a">다른 글</a> '
            '<img alt="" src="images/fig-01.svg" /></p>')
    html = assemble.prepare_body(body, src_uri="cityvoices/2014-1/a/index.ko.md", docs_dir="/d",
                                 prefix="b", site_url="https://example.org/")
    root = tree(html)
    assert root.find("h2").get("id") == "b-x" and "¶" not in html
    links = [a.get("href") for a in root.iter("a")]
    assert links == ["#b-fig-1", "https://example.org/cityvoices/2014-1/other/#a"]
    assert root.find(".//img").get("src") == "file:///d/cityvoices/2014-1/a/images/fig-01.svg"
    assert root.find("h2").get("data-bookmark") == "제목"


def test_table_caption_goes_above_its_table():
    body = ('<figure id="__table-caption_1"><table><tr><td>a</td></tr></table>\n'
            '<figcaption><p><span class="caption-prefix">Table 1.</span> T</p></figcaption>\n</figure>')
    root = tree(assemble.prepare_body(render.finish_html(body, "en"), src_uri="a/index.en.md", docs_dir="/d",
                                      prefix="b"))
    fig = root.find("figure")
    assert [c.tag for c in fig] == ["figcaption", "table"] and "cv-table" in fig.get("class")
    assert fig.get("id") == "b-tab-1"


def test_documents_carry_metadata_and_structure():
    meta = {"title": "제목", "authors": [{"name": "가"}], "summary": "요약", "tags": ["x", "y"],
            "date": "2014-01-15", "type": "article", "issue": "2014-1"}
    ko = assemble.Part("k", "ko", "k/index.ko.md", meta, render.page_header(meta, "ko"), "<p>본문</p>")
    en = assemble.Part("k", "en", "k/index.en.md", dict(meta, title="Title"), "<h1>Title</h1>", "<p>Body</p>")
    html = assemble.document_html(assemble.bilingual_document([en, ko]), "/*css*/")
    root = lxml.html.document_fromstring(html)
    assert root.get("lang") == "ko"
    assert root.findtext(".//title") == "제목 / Title"
    assert root.xpath("//meta[@name='author']/@content") == ["가"]
    assert root.xpath("//meta[@name='keywords']/@content") == ["x, y"]
    assert root.xpath("//meta[@name='dcterms.created']/@content") == ["2014-01-15"]
    assert [s.get("lang") for s in root.xpath("//section[@class='cv-language']")] == ["ko", "en"]
    issue = lxml.html.document_fromstring(assemble.document_html(
        assemble.issue_document("2014-1", "en", [en, ko]), ""))
    assert issue.xpath("//nav[@class='cv-contents']//span[@class='cv-toc-title']/@data-href") == ["#a1", "#a2"]
    assert [a.get("id") for a in issue.xpath("//article")] == ["a1", "a2"]
    assert issue.xpath("//section[@class='cv-cover']//h1")[0].text == "CityVoices 2014-1"


def test_site_links_go_under_the_byline_and_under_each_issue_heading():
    page = '<h1 id="cv-title">T</h1><div class="cv-byline"><p>by</p></div><p>Body</p>'
    out = assemble.insert_downloads(page, '<p class="cv-downloads">L</p>')
    assert out == '<h1 id="cv-title">T</h1><div class="cv-byline"><p>by</p></div><p class="cv-downloads">L</p><p>Body</p>'
    listing = '<section><h2 id="group-2014-1">CityVoices 2014-1</h2><ul></ul></section>'
    out = assemble.insert_issue_links(listing, lambda key: assemble.issue_link_html(key, "en", "en/cityvoices/"))
    assert '</h2><p class="cv-downloads cv-issue-pdf"><a class="cv-pdf" href="../../pdf/cityvoices-2014-1.en.pdf"' in out


@pytest.mark.parametrize("url,page,expected", [
    ("../guide/", "en/index.html", "../guide/index.html"),
    ("./", "guide/index.html", "index.html"),
    ("..", "en/guide/index.html", "../index.html"),
    ("../../cityvoices/a/#fig-1", "en/guide/index.html", "../../cityvoices/a/index.html#fig-1"),
    ("#x", "a/index.html", "#x"),
    ("../assets/x.css", "en/index.html", "../assets/x.css"),
    ("https://example.org/", "index.html", "https://example.org/"),
    ("../nowhere/", "en/index.html", "../nowhere/"),
])
def test_offline_links_name_index_html(url, page, expected):
    folders = {"", "en", "guide", "en/guide", "cityvoices/a"}
    assert offline.file_url(url, page, folders.__contains__) == expected


def test_offline_search_index_and_page_links():
    data = json.dumps({"config": {}, "docs": [{"location": "a/b/#x"}, {"location": ""}, {"location": "c/"}]})
    locs = [d["location"] for d in json.loads(offline.rewrite_search_index(data))["docs"]]
    assert locs == ["a/b/index.html#x", "index.html", "c/index.html"]
    html = offline.rewrite_page('<html><head><title>t</title></head><body><a href="../">up</a></body></html>',
                                "en/guide/index.html", lambda p: p in {"en"})
    assert "<script" not in html  # the worker shim is loaded by every page (overrides/main.html)
    assert 'href="../index.html"' in html


def test_break_before_rows_marks_only_the_named_blocks():
    html = '<tr data-rows="1-1"></tr><figure data-rows="2-3"></figure><tr data-rows="12-12"></tr>'
    out = assemble.break_before_rows(html, ["2-3", "12-12"])
    assert out == ('<tr data-rows="1-1"></tr><figure data-rows="2-3" data-break="page"></figure>'
                   '<tr data-rows="12-12" data-break="page"></tr>')
    assert assemble.break_before_rows(html, []) == html
