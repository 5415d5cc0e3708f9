"""Front matter is typed and parsed safely (issue 10), and every value that
reaches HTML from our pure modules is escaped for its context."""

from __future__ import annotations

import datetime as dt
import re

import lxml.etree
import lxml.html
import pytest

from cityvoices import catalog, frontmatter, listing, mdscan, normalize, notices, parallel, render
from cityvoices.parallel import PairReport
from cityvoices.placeholder import placeholder_svg

GOOD = """---
title: 시험
type: article
date: 2014-01-15
issue: 2014-1
authors: [Brenna Foster]
{extra}---

# 시험

본문.
"""
SRC = "cityvoices/2014-1/t/index.ko.md"


def problems(text: str, path: str = SRC) -> list[tuple[str, int, str]]:
    cat = catalog.build_catalog([(path, text)], prefix="docs/")
    return [(p.code, p.line, p.severity) for p in cat.problems]


def messages(text: str) -> str:
    return "\n".join(p.format() for p in catalog.build_catalog([(SRC, text)], prefix="docs/").problems)


@pytest.mark.parametrize("extra, code, line, words", [
    ("summary: {x: 1}\n", "frontmatter-field", 7, "'summary': must be text, not a mapping"),
    ("sample: \"false\"\n", "frontmatter-field", 7, "'sample': must be true or false (without quotes), not the text 'false'"),
    ("tags: CITYNET\n", "frontmatter-field", 7, "'tags': must be a list of words"),
    ("original: kr\n", "frontmatter-field", 7, "'original': must be ko or en, not the text 'kr'"),
    ("description: [a, b]\n", "frontmatter-field", 7, "'description': must be text, not a list"),
    ("translators: [{name: A, direction: sideways}]\n", "frontmatter-field", 7, "direction like 'en→ko'"),
    ("authors: [{name: A, affiliation: 3}]\n", "frontmatter-duplicate", 7, "'authors' is given twice (lines 6 and 7)"),
])
def test_wrong_types_are_errors_naming_file_line_and_field(extra, code, line, words):
    text = GOOD.format(extra=extra)
    got = problems(text)
    assert (code, line, "error") in got, got
    assert f"docs/{SRC}:{line}: error: front matter field {words}" in messages(text) or words in messages(text)


def test_issue_as_a_list_is_an_error_and_never_a_repr_on_a_page():
    text = GOOD.format(extra="").replace("issue: 2014-1", "issue: [2014, 1]")
    assert ("frontmatter-field", 5, "error") in problems(text)
    fm, _ = frontmatter.parse(text)
    html = render.byline(fm.data, "ko")
    assert "[2014" not in html and "2014, 1" not in html


def test_issue_written_as_a_number_is_text():
    text = GOOD.format(extra="").replace("issue: 2014-1", "issue: 2014")
    assert problems(text) == []
    fm, _ = frontmatter.parse(text)
    assert frontmatter.text(fm.data, "issue") == "2014"


def test_sample_is_a_real_boolean():
    for value, shown in (("true", True), ("false", False), ('"false"', False), ('"true"', False), ("1", False)):
        fm, _ = frontmatter.parse(GOOD.format(extra=f"sample: {value}\n"))
        assert ("cv-sample" in render.byline(fm.data, "en")) is shown, value


def test_description_is_in_the_schema_and_unknown_fields_warn():
    assert problems(GOOD.format(extra="description: Meta text\n")) == []
    got = problems(GOOD.format(extra="photographer: Kim\n"))
    assert got == [("frontmatter-unknown", 7, "warning")]
    assert "description" in messages(GOOD.format(extra="photographer: Kim\n"))


def test_duplicate_keys_are_an_error():
    text = GOOD.format(extra="title: 다른 제목\n")
    assert ("frontmatter-duplicate", 7, "error") in problems(text)
    assert "'title' is given twice (lines 2 and 7); keep one" in messages(text)


def test_aliases_and_anchors_are_refused_before_expansion():
    bomb = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
            'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'
            'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n')
    text = "---\ntitle: x\n" + bomb + "---\nbody\n"
    fm, probs = frontmatter.parse(text, "x.md")
    assert fm.data == {}
    assert [(p.code, p.line) for p in probs] == [("frontmatter-alias", 3)]
    assert "anchor" in probs[0].message


def test_deep_nesting_is_an_error_not_a_recursion_error():
    text = "---\ntitle: x\ntags: " + "[" * 300 + "]" * 300 + "\n---\nbody\n"
    fm, probs = frontmatter.parse(text, "x.md")
    assert [(p.code, p.line, p.severity) for p in probs] == [("frontmatter-depth", 3, "error")]


@pytest.mark.parametrize("text", [
    "---\ntitle: T\ntype: article\n\n# Heading\n\nBody text.\n",  # never closed
    "---\ntitle: T\ntype: article\n\n# Heading\n\nBody text.\n\n---\n\nMore.\n",  # a later rule taken for it
    "---\ntitle: T\n\n# Heading\n\n---\n\nBody.\n",  # swallows the heading silently
])
def test_forgotten_closing_fence_is_an_error_on_line_1(text):
    fm, probs = frontmatter.parse(text, "x.md")
    assert [(p.code, p.line, p.severity) for p in probs] == [("frontmatter-unclosed", 1, "error")]
    assert fm.data == {}


def test_a_missing_opening_fence_is_an_error_not_a_setext_heading():
    fm, probs = frontmatter.parse("title: T\ntype: article\n---\n\nBody.\n", "x.md")
    assert [(p.code, p.line, p.severity) for p in probs] == [("frontmatter-unopened", 1, "error")]
    assert "opening '---' line is missing" in probs[0].message
    assert frontmatter.parse("Note: this is prose.\n\nMore prose.\n---\n", "x.md")[1] == []


def test_comments_in_front_matter_are_not_headings():
    text = "---\n# people\nauthors: [A]\ntitle: T\n---\n\n# Heading\n"
    fm, probs = frontmatter.parse(text, "x.md")
    assert probs == [] and fm.data["title"] == "T"


def test_nul_bytes_are_an_error_with_file_and_line_everywhere():
    text = GOOD.format(extra="").replace("본문.", "본\x00문.")
    assert [(p.code, p.line) for p in mdscan.text_problems(text, "x.md")] == [("nul-byte", 11)]
    assert ("nul-byte", 11, "error") in problems(text)
    r = normalize.normalize_text(text + "¹\n", "x.md")
    assert r.has_errors and not r.changed and r.problems[0].format().startswith("x.md:11: error:")
    st = parallel.extract(text, "x.md", "ko")
    assert any(p.code == "nul-byte" and p.line == 11 for p in st.problems)


# --------------------------------------------------------------------------
# Escaping

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)"]


def _no_payload(html: str) -> None:
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not doc.xpath("//script | //img[@onerror] | //*[@onmouseover]"), html
    for el in doc.iter():
        for name in el.attrib:
            assert not name.startswith("on"), html


@pytest.mark.parametrize("payload", HOSTILE)
def test_byline_and_header_escape_every_value(payload):
    meta = {"title": payload, "type": "article", "date": dt.date(2014, 1, 15), "issue": payload,
            "authors": [{"name": payload, "affiliation": payload}], "issue_title": payload,
            "translators": [{"name": payload, "direction": "en→ko"}], "sample": True}
    for lang in ("ko", "en"):
        html = render.page_header(meta, lang, issue_title=payload)
        _no_payload(html)
        doc = lxml.html.fragment_fromstring(html, create_parent="div")
        assert doc.xpath("//h1")[0].text == payload  # shown as text, whole
        assert doc.xpath("//span[@class='cv-person']")[0].text.strip() == payload


@pytest.mark.parametrize("payload", HOSTILE)
def test_listings_escape_every_value(payload):
    text = (f"---\ntitle: '{payload.replace(chr(39), chr(39) * 2)}'\ntype: report\ndate: 2014-01-15\n"
            f"authors: ['{payload.replace(chr(39), chr(39) * 2)}']\nevent: '{payload.replace(chr(39), chr(39) * 2)}'\n"
            f"summary: '{payload.replace(chr(39), chr(39) * 2)}'\n---\nbody\n")
    cat = catalog.build_catalog([("reports/e/x/index.ko.md", text)])
    assert cat.publications["reports/e/x"].versions["ko"].title == payload
    for kind in ("latest", "report"):
        _no_payload(listing.render_listing(cat, kind, "ko", "reports/"))


def test_links_from_folder_names_never_become_a_scheme():
    text = "---\ntitle: T\ntype: newsletter\ndate: 2014-01-15\nauthors: [A]\n---\n"
    cat = catalog.build_catalog([("javascript:alert(1)/x/index.ko.md", text)])
    html = listing.render_listing(cat, "latest", "ko", "")
    href = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//a/@href")[0]
    assert href.startswith("./javascript") and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href), href


@pytest.mark.parametrize("payload", HOSTILE)
def test_notices_and_status_table_escape_every_value(payload):
    rep = PairReport(payload, {"ko": "x.ko.md"}, status="missing", missing=["en"])
    html = notices.status_table([rep], "en", "status/", {payload: {"ko": payload}}, {payload: {"ko": payload + "/"}})
    _no_payload(html)
    assert "Publication" in html and "Korean" in html
    _no_payload(notices.missing_notice("en", "ko", payload))
    _no_payload(notices.outdated_notice("ko", "en", payload))


def test_notice_strings_come_from_i18n():
    assert notices.switcher_name("English", "ko") == "English (번역 없음)"
    assert notices.switcher_name("한국어", "en") == "한국어 (not translated)"
    html = notices.status_table([], "ko", "status/", {}, {})
    assert "<th>발행물</th><th>상태</th><th>한국어</th><th>영어</th>" in html


@pytest.mark.parametrize("payload", HOSTILE)
def test_placeholder_svg_escapes_its_subjects(payload):
    svg = placeholder_svg(1, payload, payload)
    doc = lxml.etree.fromstring(svg.encode())
    assert not doc.xpath("//*[local-name()='script' or local-name()='img']")
    assert all(not k.startswith("on") for el in doc.iter() for k in el.attrib)
    # the subject is the caption, shown once by the page: never repeated in the picture
    assert payload not in svg and "PLACEHOLDER" in svg


def test_check_reports_use_the_one_message_format():
    ko = "---\ntitle: 가\ntype: page\n---\n\n![a](a.png)\n\n/// figure-caption\n가\n///\n"
    en = "---\ntitle: A\ntype: page\n---\n\n![a](a.png)\n"
    rep = parallel.check_pair("x", {"ko": ("docs/x/index.ko.md", ko), "en": ("docs/x/index.en.md", en)})
    (d,) = rep.divergences
    assert isinstance(d, parallel.Problem)
    assert d.format() == ("docs/x/index.en.md:6: warning: captions: figure a.png has no caption in en; ko has one "
                          "(docs/x/index.ko.md:6): add a '/// figure-caption' block under it [pair-caption]")
    assert (d.other_path, d.other_line) == ("docs/x/index.ko.md", 6)
