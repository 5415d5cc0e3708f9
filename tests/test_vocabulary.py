"""Every form of the house vocabulary (cityvoices.syntax) is handled the same
by every tool: normalize, check (parallel), import (langsplit), the site
renderer (Markdown with the project's markdown_extensions, then
render.finish_html) and the PDF print HTML (pdf.assemble.prepare_body)."""

from __future__ import annotations

import functools
import re

import lxml.html
import markdown
import pytest

from helpers import ROOT
from cityvoices import langsplit, normalize, parallel, render, syntax
from cityvoices.pdf import assemble


@functools.lru_cache(maxsize=1)
def settings():
    from cityvoices.integrations import engine

    return engine.load_site(ROOT / "mkdocs.yml")


def site_html(md_text: str, lang: str) -> str:
    """What a page body becomes on the site (the build normalizes first)."""
    s = settings()
    body = normalize.body_for_render(md_text, f"x.{lang}.md", lang)
    html = markdown.Markdown(extensions=s.extensions, extension_configs=s.configs).convert(body)
    return render.finish_html(html, lang)


def pdf_html(site: str) -> str:
    return assemble.prepare_body(site, src_uri="x/index.ko.md", docs_dir="/nonexistent", prefix="b")


def tree(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


# --------------------------------------------------------------------------
# Translator's notes

MARK = {"ko": "역주", "en": "Translator's note"}

#: (name, language, Markdown): every way an editor writes translator's note 3.
TN_FORMS = [
    ("raw 역주", "ko", "선출 공무원이 참석했다³.\n\n3 역주: 시장 외에 부시장을 포함한다.\n"),
    ("raw 옮긴이 주", "ko", "선출 공무원이 참석했다³.\n\n3 옮긴이 주: 시장 외에 부시장을 포함한다.\n"),
    ("raw 역자 주", "ko", "선출 공무원이 참석했다³.\n\n3 역자 주: 시장 외에 부시장을 포함한다.\n"),
    ("raw bold 역주", "ko", "선출 공무원이 참석했다³.\n\n3 **역주** 시장 외에 부시장을 포함한다.\n"),
    ("raw Translator's note", "en", "Elected officials attended³.\n\n3 Translator's note: mayors and councillors.\n"),
    ("raw TN:", "en", "Elected officials attended³.\n\n3 TN: mayors and councillors.\n"),
    ("label tn-3", "ko", "선출 공무원이 참석했다[^tn-3].\n\n[^tn-3]: 시장 외에 부시장을 포함한다.\n"),
    ("label tn_3", "ko", "선출 공무원이 참석했다[^tn_3].\n\n[^tn_3]: 시장 외에 부시장을 포함한다.\n"),
    ("label TN-3", "en", "Elected officials attended[^TN-3].\n\n[^TN-3]: mayors and councillors.\n"),
    ("numbered, lead word", "ko", "선출 공무원이 참석했다[^3].\n\n[^3]: 역주: 시장 외에 부시장을 포함한다.\n"),
    ("numbered, Translator's note", "en", "Elected officials attended[^3].\n\n[^3]: Translator's note: mayors.\n"),
]


@pytest.mark.parametrize("name, lang, text", TN_FORMS, ids=[f[0] for f in TN_FORMS])
def test_every_translator_note_form_agrees_everywhere(name, lang, text):
    # normalize: one house label
    result = normalize.normalize_text(text, f"x.{lang}.md", lang)
    assert not result.problems, result.problems
    assert re.findall(r"^\[\^([^\]]+)\]:", result.text, re.M) == ["tn-3"], result.text
    assert "[^tn-3]" in result.text.split("\n\n")[0]
    # check: left out of the comparison, before and after normalizing
    for source in (text, result.text):
        st = parallel.extract(source, f"x.{lang}.md", lang)
        if "[^" in source:
            assert [it.key for it in st.translator_notes] and not st.of("footnote"), (source, st)
    # the site: the same mark, in the page's language, on the note and its call
    site = site_html(text, lang)
    doc = tree(site)
    (li,) = doc.xpath("//div[contains(@class,'footnote')]//li")
    assert li.get("class") == "cv-tn" and li.get("id") == "fn:tn-3"
    assert li.xpath(".//span[@class='cv-tn-mark']")[0].text == MARK[lang]
    body = li.text_content().replace(MARK[lang], "", 1)
    assert not syntax.TN_LEAD_RE.match(body.strip()), body  # the typed lead word is not shown twice
    assert doc.xpath("//sup[contains(@class,'cv-tn-ref')]")
    # the PDF: the note at its call, with the same mark
    pdf = tree(pdf_html(site))
    (note,) = pdf.xpath("//span[contains(@class,'cv-fn')]")
    assert note.get("class") == "cv-fn cv-tn"
    assert note.xpath(".//span[@class='cv-tn-mark']")[0].text_content().replace("\u2060", "") == MARK[lang]


@pytest.mark.parametrize("label", ["tn_3", "TN-3", "tn-3"])
def test_renderer_marks_unnormalized_tn_labels(label):
    """Even without the normalizer (a raw house file fed to Markdown), the
    renderer marks every label form: the PDF runner renders sources directly."""
    s = settings()
    html = markdown.Markdown(extensions=s.extensions, extension_configs=s.configs).convert(
        f"Text[^{label}].\n\n[^{label}]: note\n")
    doc = tree(render.finish_html(html, "ko"))
    assert doc.xpath("//li[@class='cv-tn']//span[@class='cv-tn-mark']")[0].text == "역주"


def test_ordinary_notes_are_not_translator_notes():
    text = "Text[^1] and[^tnt].\n\n[^1]: TN is in the United States.\n[^tnt]: dynamite\n"
    assert not normalize.normalize_text(text, "x.en.md").changed
    st = parallel.extract(text, "x.en.md", "en")
    assert not st.translator_notes and len(st.of("footnote")) == 2
    assert "cv-tn" not in site_html(text, "en")


# --------------------------------------------------------------------------
# Caption words

FIGURE = "![사진](images/a.jpg)\n\n"
TABLE = "\n\n| 항목 | 수 |\n|---|---|\n| 세션 | 17 |\n"


def _caption_cases():
    for word, kind in syntax.CAPTION_WORDS.items():
        shown = word.capitalize() if word.isascii() and not word.endswith(".") else (
            word.capitalize() if word.isascii() else word)
        text = f"{shown} 1. 본회의장 전경" if not word.isascii() else f"{shown} 1. The hall"
        yield pytest.param(word, kind, text, id=word)


@pytest.mark.parametrize("word, kind, line", list(_caption_cases()))
def test_every_caption_word_agrees_everywhere(word, kind, line):
    lang = "en" if word.isascii() else "ko"
    if kind == "figure":
        source = FIGURE + line + "\n"
    elif kind == "table":
        source = line + TABLE
    else:
        source = line + "\n\n```text\ncode\n```\n"
    # the parser
    mark = syntax.parse_caption(line)
    assert mark and mark.kind == kind and mark.num == "1"
    # import: a caption block, not prose
    (block,) = [b for b in langsplit.blocks_of(source) if b.lines[0] == line]
    assert block.kind == "caption"
    # check: one numbered caption of that kind
    st = parallel.extract(source, f"x.{lang}.md", lang)
    assert [it.key for it in st.of("caption")] == [f"{kind} 1"]
    # normalize: figures and tables become house blocks; listings stay (numbering only)
    result = normalize.normalize_text(source, f"x.{lang}.md", lang)
    assert not result.problems, result.problems
    if kind in syntax.CAPTION_BLOCKS:
        assert f"/// {syntax.CAPTION_BLOCKS[kind]}\n" in result.text and line not in result.text
        # the site and the PDF: a numbered figure in the page's language
        site = site_html(source, lang)
        fig = tree(site).xpath("//figure")[0]
        prefix = fig.xpath(".//span[@class='caption-prefix']")[0].text
        assert prefix == {"figure": {"ko": "그림 1.", "en": "Figure 1."}, "table": {"ko": "표 1.", "en": "Table 1."}}[kind][lang]
        assert fig.get("id") == ("fig-1" if kind == "figure" else "tab-1")
        printed = tree(pdf_html(site)).xpath("//figure")[0]
        assert f"cv-{kind}" in printed.get("class")
    else:
        assert result.text == source


@pytest.mark.parametrize("word", list(syntax.CAPTION_WORDS))
def test_numbering_is_checked_the_same_by_normalize_and_check(word):
    lang = "en" if word.isascii() else "ko"
    shown = word.capitalize() if word.isascii() else word
    kind = syntax.CAPTION_WORDS[word]
    block = (FIGURE if kind == "figure" else "") + "{cap}" + (TABLE if kind == "table" else "\n")
    source = "\n".join(block.format(cap=f"{shown} {n}. Caption {n}") for n in (1, 3)) + "\n"
    from_normalize = [(p.code, p.line, p.message) for p in normalize.normalize_text(source, "x.md", lang).problems]
    from_check = [(p.code, p.line, p.message) for p in parallel.extract(source, "x.md", lang).findings]
    assert from_normalize == from_check and [c for c, _l, _m in from_check] == ["caption-gap"]


def test_language_suffix_rule_is_one_rule():
    assert syntax.split_lang("cityvoices/2014-1/x/index.ko.md") == ("cityvoices/2014-1/x/index", "ko")
    assert syntax.split_lang("x/A.en.md") == ("x/A", "en")
    assert syntax.split_lang("x/index.md") is None and syntax.split_lang("x/index.ko.markdown") is None
    assert syntax.lang_of("x/a.EN.markdown") == "en"
    assert syntax.with_lang("x/index.ko.md", "en") == "x/index.en.md"
    assert syntax.unknown_lang_suffix("x/index.kr.md") == ("kr", "ko")
    assert syntax.unknown_lang_suffix("x/index.eng.md") == ("eng", "en")
    assert syntax.unknown_lang_suffix("x/index.KO.md") == ("KO", "ko")
    assert syntax.unknown_lang_suffix("x/index.ja.md") == ("ja", None)
    assert syntax.unknown_lang_suffix("x/index.ko.md") is None and syntax.unknown_lang_suffix("x/index.md") is None
    assert normalize.guess_lang("English text", "a.ko.md") == "ko"


def test_front_matter_block_is_one_rule_for_every_line_ending():
    for nl in ("\n", "\r\n", "\r"):
        text = nl.join(["---", "title: T", "---", "body"])
        block = syntax.front_matter_block(text)
        assert block and block.yaml == "title: T" + nl and text[block.end:] == "body" and block.lines == 3
    assert syntax.front_matter_block("---\ntitle: T\n") is None
    assert syntax.front_matter_block("----\ntitle: T\n---\n") is None
