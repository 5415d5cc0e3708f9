"""Hostile front matter comes out inert: titles, descriptions, authors, tags
and summaries that try to break out of HTML text, attributes, <title> and
JSON are built into a fixture site (with its PDFs).  Every page is opened in
Chromium with a dialog listener and searched; the built HTML, the search
index and the PDF metadata are parsed for the unescaped payload."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import build_site, make_fixture_project
from test_build_input import PAGES

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.pdf, pytest.mark.slow]

#: Each payload calls alert(n) if it ever runs.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</title><script>alert(4)</script>",
    "</script><script>alert(5)</script>",
    "{{ 7*7 }}<b onmouseover=alert(6)>x</b>",
]
TITLE = " ".join(PAYLOADS[:4])
DESCRIPTION = PAYLOADS[1] + " " + PAYLOADS[2]
SUMMARY = PAYLOADS[2] + " " + PAYLOADS[4]
AUTHORS = [PAYLOADS[1], PAYLOADS[0]]
TAGS = [PAYLOADS[0], PAYLOADS[5]]
ART = "cityvoices/2014-1/hostile"


def _yaml(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML: every value a quoted string


def _article(lang: str) -> str:
    return (f"---\ntitle: {_yaml(TITLE)}\ndescription: {_yaml(DESCRIPTION)}\ntype: article\ndate: 2014-01-15\n"
            f"issue: 2014-1\nissue_title: {_yaml(PAYLOADS[3])}\nauthors: {_yaml(AUTHORS)}\n"
            f"author: {_yaml(PAYLOADS[1])}\ntags: {_yaml(TAGS)}\nsummary: {_yaml(SUMMARY)}\n"
            f"revision_date: {_yaml(PAYLOADS[1])}\n---\n\nBerkowitz {lang} 폐기물관리.\n\n"
            "## A & B < C\n\nText.\n")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("xss")
    docs = dict(PAGES)
    docs[f"{ART}/index.ko.md"] = _article("ko")
    docs[f"{ART}/index.en.md"] = _article("en")
    site = tmp / "site"
    # not --strict: the unknown fields (author, revision_date) are warnings
    build_site(make_fixture_project(tmp, docs), site, strict=False, features={"pdf": True})
    return site


def _executable(html: str) -> list[str]:
    """Elements and attributes that came from a payload and would run."""
    soup = BeautifulSoup(html, "lxml")
    # a script runs unless its type says it is data (JSON-LD, checked as JSON in test_magazine.py)
    bad = [str(s)[:80] for s in soup.find_all("script") if "alert(" in (s.string or "")
           and s.get("type", "text/javascript") in ("text/javascript", "module")]
    for el in soup.find_all(True):
        for attr, value in el.attrs.items():
            if attr.startswith("on") and "alert(" in str(value):
                bad.append(f"<{el.name} {attr}>")
    return bad


def test_built_html_has_no_live_payload(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert _executable(html) == [], page
        for payload in PAYLOADS[:5]:
            assert payload not in html, (page, payload)
    doc = BeautifulSoup((hostile_site / ART / "index.html").read_text(encoding="utf-8"), "lxml")
    # the text survives, as text, in every context
    assert doc.title.get_text() == f"{TITLE} - CityVoices"
    assert doc.select_one('meta[name="description"]')["content"] == DESCRIPTION
    assert doc.select_one('meta[name="author"]')["content"] == PAYLOADS[1]
    assert doc.select_one("h1").get_text(strip=True) == TITLE
    assert doc.select_one(".md-header__topic[data-md-component=header-topic]").get_text(strip=True) == TITLE
    assert "A &amp; B &lt; C" in str(doc.select_one("h2"))  # ordinary text is escaped once, not twice


def test_search_index_holds_the_payload_as_text_only(hostile_site):
    shards = list((hostile_site / "assets/javascripts/cv-search").glob("*/d-*.js"))
    assert shards
    found = False
    for shard in shards:
        body = re.fullmatch(r'cvSearch\("docs",\d+,(.*)\);\n', shard.read_text(encoding="utf-8"), re.S)
        assert body, shard
        records = json.loads(body.group(1))  # valid JSON: the payload never leaves its string
        found |= any(PAYLOADS[0] in rec[1] for rec in records)
    assert found


def test_pdf_metadata_is_the_text(hostile_site):
    pdf = hostile_site / "pdf"
    files = sorted(pdf.glob("*hostile*.pdf"))
    assert len(files) == 3, files
    for f in files:
        info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(f)], capture_output=True, text=True,
                              check=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        assert fields["Author"].strip() == ", ".join(AUTHORS)
        assert SUMMARY in fields["Subject"]
        if ".bilingual." not in f.name:
            assert fields["Title"].strip() == TITLE
        attachments = subprocess.run(["pdfdetach", "-list", str(f)], capture_output=True, text=True).stdout
        assert "0 embedded files" in attachments


def test_no_dialog_fires_in_chromium(hostile_site, serve, browser):
    base = serve(hostile_site)
    context = browser.new_context()
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        urls = sorted(p.relative_to(hostile_site).parent.as_posix() for p in hostile_site.rglob("index.html")
                      if not p.relative_to(hostile_site).as_posix().startswith("assets/"))
        for rel in urls:
            page.goto(base + ("" if rel == "." else rel + "/"))
            page.mouse.move(200, 200)
            page.wait_for_timeout(50)
        # the search results show the hostile title and summary
        for lang, word in (("", "Berkowitz"), ("en/", "Berkowitz")):
            page.goto(base + lang)
            page.click("input.md-search__input")
            page.keyboard.type(word)
            page.locator(".md-search-result__item").first.wait_for(timeout=15000)
            assert "alert(1)" in page.locator(".md-search-result").inner_text()
            page.wait_for_timeout(300)
        assert dialogs == []
    finally:
        context.close()
