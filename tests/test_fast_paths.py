"""The speed-ups of issue 15 change no result: each fast path gives what
the plain rule gives (the plain rule written out here, as the spec)."""

from __future__ import annotations

import random
import re

import pytest

from cityvoices import cli
from cityvoices.search import analyze


def index_terms_spec(text: str) -> list[str]:
    """The search analyser's rule, token by token (as analyze.js applies it)."""
    out: list[str] = []
    text = analyze.normalize(text)
    prev_stem = prev_tok = ""
    prev_end = -1
    for m in analyze.RE_TOKEN.finditer(text):
        tok, start, end = m.group(), m.start(), m.end()
        if analyze.RE_HANGUL.match(tok):
            stem = analyze.ko_stem(tok)
            if len(stem) >= 2:
                out.extend(analyze.bigrams(tok))
                if prev_stem and text[prev_end:start].isspace():
                    out.append(prev_stem[-1] + tok[0])
                    if prev_tok[-1] != prev_stem[-1]:
                        out.append(prev_tok[-1] + tok[0])
                prev_stem, prev_tok, prev_end = stem, tok, end
            else:
                prev_stem = ""
        else:
            prev_stem = ""
            out.append("~" + analyze.en_stem(tok))
    return out


PIECES = list("가나다라마바사아자차카타파하의에서를은는이 \n\t\u3000,.()-'’ABCabcxyz019") + [
    "에서 ", "관리", " 평가", "들의 ", "ing ", "ies ", "Ab's ", "ＫＯＩＣＡ", "서울연구원에서", "폐기물 관리"]


@pytest.mark.parametrize("seed", range(8))
def test_index_terms_word_by_word_gives_the_token_rule(seed):
    rng = random.Random(seed)
    for _ in range(400):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 50)))
        assert analyze.index_terms(text) == index_terms_spec(text), repr(text)


@pytest.mark.parametrize("text", ["", " ", "가", "가나 다라", "서울, 부산", "서울 (부산)", "abc가나다 라마",
                                  "평가 관리 폐기물관리", "x가나 다라", "울란바토르에서  회의를\n열었다", "가나\u3000다라"])
def test_index_terms_edge_cases(text):
    assert analyze.index_terms(text) == index_terms_spec(text)


def test_the_cli_parser_for_one_command_is_the_full_parsers_command():
    full = cli.build_parser()
    for argv in (["build", "--lang", "ko", "-d", "x"], ["pdf", "--shard", "1/2"], ["import", "a.docx", "article", "s"],
                 ["bench", "build", "--sizes", "5"]):
        one = cli.build_parser(argv)
        a, b = vars(full.parse_args(argv)), vars(one.parse_args(argv))
        assert {k: v for k, v in a.items() if k != "func"} == {k: v for k, v in b.items() if k != "func"}
        assert a["func"].__module__ == b["func"].__module__
    help_text = cli.build_parser(["--help"]).format_help()
    assert all(name in help_text for name in ("build", "pdf", "epub", "import", "bench"))
    assert re.search(r"invalid choice", _error(["bogus"]))


def _error(argv: list[str]) -> str:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit):
        cli.build_parser(argv).parse_args(argv)
    return err.getvalue()
