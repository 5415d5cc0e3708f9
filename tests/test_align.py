"""The side-by-side alignment (cityvoices.align): the seed against pairs
written by hand, the real corpus, any generated pair (nothing dropped or
reordered), and the check's low-confidence hints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from helpers import CORPUS, FIXTURES, ROOT, SEED_ARTICLE

from cityvoices import align, cli, parallel, textio

SEED_DIR = ROOT / "docs" / SEED_ARTICLE
HAND = json.loads((FIXTURES / "align" / "seed-pairs.json").read_text(encoding="utf-8"))


def seed_texts() -> dict[str, str]:
    return {lang: (SEED_DIR / f"index.{lang}.md").read_text(encoding="utf-8") for lang in ("ko", "en")}


@pytest.fixture(scope="module")
def seed() -> align.Alignment:
    t = seed_texts()
    return align.align(t["ko"], t["en"], ko_path="index.ko.md", en_path="index.en.md")


def lines_of(cell: align.Cell, st_: parallel.Structure, kinds=("paragraph",)) -> set[int]:
    """1-based first lines of the blocks of ``kinds`` in a cell."""
    return {st_.blocks[i].start + 1 for i in cell.blocks if st_.blocks[i].kind in kinds}


def test_each_side_gives_back_its_text_exactly(seed):
    t = seed_texts()
    assert seed.text("ko") == t["ko"] and seed.text("en") == t["en"]
    # every row's cells are whole blocks, in order, with nothing skipped
    for lang in ("ko", "en"):
        pos = 0
        for row in seed.rows:
            cell = row.cell(lang)
            assert cell.start == pos or cell.empty
            pos = cell.stop if not cell.empty else pos
        assert pos == len(seed.structures[lang].blocks)


def test_every_section_of_the_seed_pairs_one_to_one(seed):
    headings = [r for r in seed.rows if r.kind == "heading"]
    paired = [r for r in headings if not r.one_sided]
    assert len(paired) == 6 and all(r.confidence == 1.0 and not r.label for r in paired)
    assert [s.index for s in seed.sections] == list(range(7))
    for r in paired:
        assert r.ko.text.split(" ", 1)[0] == r.en.text.split(" ", 1)[0] == "##"
    assert not any(s.low for s in seed.sections)
    assert align.hints(seed) == []


def test_figures_pair_by_image_the_table_and_the_box(seed):
    figures = [r for r in seed.rows if r.kind == "figure"]
    assert len(figures) == HAND["figures"] == 12
    for n, r in enumerate(figures, 1):
        assert not r.one_sided and f"images/fig-{n:02d}.svg" in r.ko.text and f"images/fig-{n:02d}.svg" in r.en.text
    tables = [r for r in seed.rows if r.kind == "table"]
    assert len(tables) == HAND["tables"] and not tables[0].one_sided
    assert "| 직책 |" in tables[0].ko.text and "| Position |" in tables[0].en.text
    boxes = [r for r in seed.rows if r.kind == "box"]
    assert len(boxes) == HAND["boxes"] and "cv-numbers" in boxes[0].ko.text and "cv-numbers" in boxes[0].en.text


def test_the_korean_only_section_is_one_sided(seed):
    ko_st = seed.structures["ko"]
    wanted = {line for line, _ in HAND["ko_only"]}
    rows = [r for r in seed.rows if lines_of(r.ko, ko_st, ("paragraph", "heading")) & wanted]
    assert rows and all(r.one_sided == "ko" and r.label == "lang-only" and r.en.empty for r in rows)
    covered = set().union(*(lines_of(r.ko, ko_st, ("paragraph", "heading")) for r in rows))
    assert covered == wanted  # the paragraphs after it (93 on) pair with English again
    notes = [r for r in seed.rows if r.kind == "footnote" and r.one_sided]
    assert [r.label for r in notes] == ["translator-note"] * 5
    assert [re.match(r"\[\^([^\]]+)\]", r.ko.text).group(1) for r in notes] == [f"tn-{n}" for n in range(3, 8)]


def test_english_paragraphs_align_to_the_korean_a_reader_pairs_them_with(seed):
    ko_st, en_st = seed.structures["ko"], seed.structures["en"]
    lines = {lang: seed_texts()[lang].split("\n") for lang in ("ko", "en")}
    right = 0
    for pair in HAND["pairs"]:
        en_line, en_words = pair["en"]
        assert lines["en"][en_line - 1].startswith(en_words)  # the fixture still fits the seed
        want = set()
        for ko_line, ko_words in pair["ko"]:
            assert lines["ko"][ko_line - 1].startswith(ko_words)
            want.add(ko_line)
        row = next(r for r in seed.rows if en_line in lines_of(r.en, en_st))
        right += lines_of(row.ko, ko_st) == want
    accuracy = right / len(HAND["pairs"])
    print(f"seed: {right}/{len(HAND['pairs'])} English paragraphs aligned as paired by hand ({accuracy:.0%})")
    assert len(HAND["pairs"]) == 26 and accuracy >= 0.9


def corpus_pairs() -> list[tuple[str, Path, Path]]:
    return [(en.name[:-len(".en.md")], en.with_name(en.name.replace(".en.md", ".ko.md")), en)
            for en in sorted(CORPUS.rglob("*.en.md"))]


@pytest.mark.parametrize("name,ko,en", corpus_pairs(), ids=[c[0] for c in corpus_pairs()])
def test_corpus_pairs_align_section_by_section(name, ko, en):
    kt, et = textio.read_text_file(ko).text, textio.read_text_file(en).text
    al = align.align(kt, et, ko_path=str(ko), en_path=str(en))
    assert al.text("ko") == kt and al.text("en") == et
    headings = [r for r in al.rows if r.kind == "heading"]
    assert headings and not any(r.one_sided for r in headings)
    if name == "ch14-02-publishing-to-crates-io":
        # the real divergence: the Korean h2 against the English h3 is one
        # low-confidence row, and every heading after it still pairs with its own
        odd = [r for r in headings if r.label == "level-differs"]
        assert len(odd) == 1 and odd[0].ko.line == odd[0].en.line == 146
        assert odd[0].confidence < align.LOW_SECTION * 2
        after = headings[headings.index(odd[0]) + 1:]
        assert after and all(r.ko.line == r.en.line and not r.label for r in after)
        hints = align.hints(al, "ko")
        assert len(hints) == 1 and hints[0].line == 146 and hints[0].code == "align-low-confidence"
        return
    # clean pairs: every section 1:1 (same heading levels), nothing unmatched, no false alarm
    assert all(r.confidence == 1.0 for r in headings)
    assert not [r for r in al.rows if r.label == "unmatched"]
    assert align.hints(al, "ko") == []


def test_low_confidence_and_missing_paragraphs_are_hints_not_failures(tmp_path, capsys):
    t = seed_texts()
    pub = tmp_path / "pub"
    pub.mkdir()
    (pub / "index.en.md").write_text(t["en"], encoding="utf-8")
    # the translator left out one paragraph of "What is CITYNET?"
    ko = t["ko"].replace(re.search(r"^시티넷은 1987년.*\n\n", t["ko"], re.M).group(0), "")
    (pub / "index.ko.md").write_text(ko, encoding="utf-8")
    code = cli.main(["check", str(pub)])
    out = capsys.readouterr().out
    assert code == 0, out  # a hint, not a failure: the pair is otherwise complete
    hint = [ln for ln in out.splitlines() if "[align-low-confidence]" in ln]
    assert len(hint) == 1 and hint[0].strip().startswith(f"{pub}/index.ko.md:24: warning: section “시티넷(CITYNET)이란?")
    assert "has no ko counterpart" in hint[0]
    # the clean seed prints nothing of the kind
    assert cli.main(["check", str(SEED_DIR)]) == 0
    assert "align-low-confidence" not in capsys.readouterr().out


# --------------------------------------------------------------------------
# Any pair of documents: nothing dropped, nothing reordered

WORDS = st.sampled_from(["도시", "협력", "시티넷은", "city", "Seoul", "the", "a[^1]", "**굵게**", "`code`",
                         "[link](x.md)", "<b>x</b>", "{: .x}", "\\", "|", "*", "#", "---", "///"])
LINE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
BLOCKS = st.one_of(
    LINE,
    st.builds(lambda n, t, lo: "#" * n + " " + t + (" { .cv-lang-only }" if lo else ""),
              st.integers(1, 6), LINE, st.booleans()),
    st.builds(lambda t: f"{t}\n===", LINE),
    st.builds(lambda items: "\n".join(f"- {i}" for i in items), st.lists(LINE, min_size=1, max_size=3)),
    st.builds(lambda items: "\n\n".join(f"1. {i}" for i in items), st.lists(LINE, min_size=1, max_size=3)),
    st.builds(lambda n, t: f"![{t}](images/fig-{n}.svg)\n\n/// figure-caption\n{t}\n///",
              st.integers(1, 3), LINE),
    st.builds(lambda t: f"| a | b |\n|---|---|\n| {t} | x |\n\n/// table-caption\n{t}\n///", LINE),
    st.builds(lambda t: f'!!! note "T"\n\n    {t}\n\n    - {t}', LINE),
    st.builds(lambda t: f"/// tip | T\n{t}\n\n{t}\n///", LINE),
    st.builds(lambda t, closed: f"```\n{t}\n\n{t}\n" + ("```" if closed else ""), LINE, st.booleans()),
    st.builds(lambda t: f"<div>\n{t}\n\n{t}\n</div>", LINE),
    st.builds(lambda t: f"<!--\n{t}\n\n-->", LINE),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
)
#: blocks whose rendering depends on their neighbours in ways the row cut
#: does not follow (pymdownx reads indented lines after a ``///`` block as part
#: of it; a list goes on past a reference or footnote definition between its
#: items): in the alignment property test, not in the rendering one
NOTE = st.builds(lambda lab, t: f"[^{lab}]: {t}\n\n    {t}", st.sampled_from(["1", "2", "tn-3", "x"]), LINE)
ODD = st.one_of(st.builds(lambda t: f"    {t}\n\n    {t}", LINE), st.just("[x]: http://example.org"), NOTE)
SEPARATORS = st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n\r\n", "\n  \n"])
#: blocks as editors write them, a blank line between
BLANK_LINES = st.sampled_from(["\n\n", "\n\n\n", "\n  \n"])


@st.composite
def documents(draw, separators=SEPARATORS, blocks=st.one_of(BLOCKS, ODD)) -> str:
    parts = draw(st.lists(st.tuples(blocks, separators), max_size=12))
    parts += draw(st.lists(st.tuples(NOTE, separators), max_size=3))  # notes at the end, as in house layout
    body = "".join(b + s for b, s in parts)
    if draw(st.booleans()):
        body = "---\ntitle: T\ntype: article\n---\n" + draw(SEPARATORS) + body
    if draw(st.booleans()):
        body = draw(SEPARATORS) + body
    return body + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), documents())
def test_any_pair_of_documents_comes_back_whole(ko, en):
    al = align.align(ko, en)
    assert al.text("ko") == ko
    assert al.text("en") == en
    for row in al.rows:
        assert 0.0 <= row.confidence <= 1.0
        assert not (row.ko.empty and row.en.empty)
        assert row.label in align.LABELS or row.label == ""
    assert [s.index for s in al.sections] == sorted({r.section for r in al.rows})
