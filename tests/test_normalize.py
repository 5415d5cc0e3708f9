"""Fixture pairs (input -> expected) for ``cityvoices.normalize`` and unit
tests of its pure API.  Fixture format: see ``normalize_fixtures.py``."""

from __future__ import annotations

import pytest

from cityvoices.normalize import Result, content_words, guess_lang, normalize_text
from normalize_fixtures import load_all, parse

CASES = load_all()


def test_there_are_enough_cases_in_both_languages():
    assert len(CASES) >= 40
    hangul = [c for c in CASES if any("가" <= ch <= "힣" for ch in c.input)]
    english_only = [c for c in CASES if c not in hangul]
    assert len(hangul) >= 15 and len(english_only) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    result = normalize_text(case.input, "case.md", case.lang)
    assert result.text == case.expected
    assert sorted((p.code, p.line) for p in result.problems) == sorted(case.problems)
    assert result.changed == (case.expected != case.input)
    # lossless and idempotent on every case
    assert content_words(result.text) == content_words(case.input)
    again = normalize_text(result.text, "case.md", case.lang)
    assert again.text == result.text
    assert not again.changed


def test_problems_name_file_and_line_and_explain():
    r = normalize_text("Intro.\n\n3 delegations arrived late.\n", "docs/a.ko.md")
    (p,) = r.problems
    assert p.format().startswith("docs/a.ko.md:3: warning: ")
    assert "footnote 3" in p.message and p.code == "footnote-ambiguous"


def test_unclosed_fence_returns_input_unchanged_with_an_error():
    text = "Text¹.\n\n```\ncode\n\n1 note\n"
    r = normalize_text(text, "x.md")
    assert r.text == text and not r.changed and r.has_errors
    assert [(p.code, p.line, p.severity) for p in r.problems] == [("unclosed-fence", 3, "error")]


def test_result_is_a_dataclass_with_text_problems_changed():
    r = normalize_text("plain text\n")
    assert isinstance(r, Result)
    assert (r.text, r.problems, r.changed) == ("plain text\n", [], False)


def test_text_without_trailing_newline_and_no_markers_is_untouched():
    assert normalize_text("no newline at end").text == "no newline at end"
    assert normalize_text("").text == ""


@pytest.mark.parametrize(
    "path,text,lang",
    [
        ("a.ko.md", "English only text", "ko"),
        ("a.en.md", "한국어 문장입니다", "en"),
        ("a.md", "시티넷은 아시아태평양의 131개 시정부로 구성된다.", "ko"),
        ("a.md", "CITYNET is a network of 131 urban stakeholders.", "en"),
    ],
)
def test_guess_lang(path, text, lang):
    assert guess_lang(text, path) == lang
    assert normalize_text(text, path).lang == lang


def test_content_words_drop_markers_only():
    a = content_words("위치한다¹. 그림1 박원순 시장 Figure 3-1. Seoul")
    b = content_words("위치한다[^1]. 박원순 시장\n/// figure-caption\nSeoul\n///")
    assert a == b
    assert content_words("Seoul") != content_words("Busan")


def test_fixture_loader_rejects_a_case_without_separators():
    with pytest.raises(ValueError, match="missing a '.' separator|expected '.'"):
        parse("Title\ninput without dots\n", "bad.md")
    with pytest.raises(ValueError, match="duplicate"):
        parse("T\n.\na\n.\nb\n.\nT\n.\na\n.\nb\n.\n", "dup.md")
