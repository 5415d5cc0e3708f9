"""`cityvoices check`: fixture pairs for each kind of divergence, the seed and
the project's docs (the CI gate), the real corpus, --mark-translated, JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import CORPUS, ROOT
from cityvoices import catalog, cli, notices, parallel, textio

FIX = ROOT / "tests" / "fixtures" / "check"


def run(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(["check", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("case, expected", [
    ("heading-level", "headings: 3 vs 2; level differs: h2 “둘째 절” in ko"),
    ("figure-missing", "figures: 3 vs 1; missing in en: images/fig-02.svg"),
    ("table-missing", "tables: 1 vs 0; missing in en: table with 2 columns"),
    ("footnote-missing", "footnotes: 2 vs 1; missing in en: [^2]"),
    ("box-missing", "boxes: 1 vs 0; missing in en: box cv-numbers"),
    ("link-missing", "links: 1 vs 0; missing in en: https://citynet-ap.org"),
    ("frontmatter-type", "index.en.md:3: warning: front matter 'type': article in ko vs newsletter in en"),
    ("unpaired", "missing translation: no en version"),
    ("malformed-frontmatter", "malformed-frontmatter/index.en.md:3: error: front matter is not valid YAML"),
    ("flat", "captions.ko.md:13: warning: caption number '예제 8-23' is used twice (first on line 7)"),
])
def test_each_divergence_is_found_with_file_and_line(capsys, case, expected):
    code, out = run(capsys, str(FIX / case))
    assert code == (2 if ": error: " in expected else 1)  # the worst message decides
    assert expected in out, out


def test_clean_pair_is_clean_with_translator_notes_and_lang_only_left_out(capsys):
    code, out = run(capsys, "--all", str(FIX / "clean"))
    assert code == 0, out
    assert "[complete]" in out
    assert "translator's notes left out: ko [^tn-2]" in out
    assert ".cv-lang-only left out: ko lines 25–28" in out


def test_localized_code_comments_are_not_a_divergence():
    ko = (FIX / "clean" / "index.ko.md").read_text(encoding="utf-8")
    en = (FIX / "clean" / "index.en.md").read_text(encoding="utf-8")
    assert "// --생략--" in ko and "// --생략--" not in en
    rep = parallel.check_pair("x", {"ko": ("x.ko.md", ko), "en": ("x.en.md", en)})
    assert rep.divergences == []


def test_gap_in_caption_numbering(capsys):
    code, out = run(capsys, str(FIX / "flat"))
    assert "caption numbering jumps from 8-20 to '예제 8-23' (8-21, 8-22 missing)" in out
    assert "captions.ko.md:11: warning: caption '예제 8-22' comes after 8-23" in out
    assert "differs: 예제 8-23 in ko" in out and "vs Listing 8-21 in en" in out


def test_project_docs_check_clean(capsys, monkeypatch):
    """The CI gate: the project's content must check clean."""
    monkeypatch.chdir(ROOT)
    code, out = run(capsys, "docs")
    assert code == 0, out


def test_seed_translator_notes_and_lang_only_recognised():
    d = ROOT / "docs" / "cityvoices" / "2014-1" / "seoul-congress-2013"
    rep = parallel.check_pair("seed", {lang: (str(d / f"index.{lang}.md"), (d / f"index.{lang}.md").read_text("utf-8"))
                                       for lang in ("ko", "en")})
    assert rep.status == "complete", parallel.format_report(rep)
    assert rep.translator_notes["ko"] == ["tn-3", "tn-4", "tn-5", "tn-6", "tn-7"]
    assert rep.counts["ko"]["figure"] == rep.counts["en"]["figure"] == 12
    assert rep.counts["ko"]["footnote"] == rep.counts["en"]["footnote"] == 2
    assert rep.lang_only["ko"] and not rep.lang_only["en"]


#: Real divergences in the corpus (NOTES.md, and the two found by this check)
CORPUS_DIVERGENT = {
    "rust-book/ch08-03-hash-maps": "caption number '예제 8-23' is used twice",
    "rust-book/ch14-02-publishing-to-crates-io": "level differs: h2 “`pub use`로 편리한 공개 API 내보내기” in ko",
    "rust-book/ch01-01-installation": "links: 5 vs 4; missing in en: https://discord.gg/uqXGjEz",
}


def test_corpus_reports_real_divergences_and_no_false_alarm():
    files = [(p.as_posix(), textio.read_text_file(p).text) for p in sorted(CORPUS.rglob("*.md"))
             if catalog.publication_key(p.as_posix())]
    reports = parallel.check_sources(files)
    assert len(reports) == 16
    divergent = {}
    for key, rep in reports.items():
        short = key.split("/corpus/", 1)[1]
        assert not rep.missing and not rep.problems, short
        if rep.status != "complete":
            divergent[short] = parallel.format_report(rep)
    assert set(divergent) == set(CORPUS_DIVERGENT), divergent
    for short, text in CORPUS_DIVERGENT.items():
        assert text in divergent[short]


def test_mark_translated_changes_only_source_hash_and_clears_outdated(tmp_path, capsys):
    pub = tmp_path / "pub"
    shutil.copytree(FIX / "clean", pub)
    ko = pub / "index.ko.md"
    # CRLF, a BOM and no source_hash line: all must survive byte for byte
    text = ko.read_text(encoding="utf-8")
    text = "\n".join(ln for ln in text.split("\n") if not ln.startswith("source_hash:"))
    ko.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    before = ko.read_bytes()
    code, out = run(capsys, str(pub))
    assert code == 1 and "no source_hash recorded" in out
    assert cli.main(["check", "--mark-translated", str(ko)]) == 0
    after = ko.read_bytes()
    added = [ln for ln in after.split(b"\r\n") if ln not in before.split(b"\r\n")]
    assert len(added) == 1 and added[0].startswith(b"source_hash: sha256:")
    assert after.replace(added[0] + b"\r\n", b"") == before
    assert run(capsys, str(pub))[0] == 0
    # editing the English source makes the translation outdated ...
    en = pub / "index.en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("First paragraph", "The first paragraph"), encoding="utf-8")
    code, out = run(capsys, str(pub))
    assert code == 1 and "translation outdated" in out and "index.ko.md:" in out
    # ... but its tags, dates or trailing spaces do not
    marked = ko.read_bytes()
    assert cli.main(["check", "--mark-translated", str(pub)]) == 0
    assert ko.read_bytes() != marked and len(ko.read_bytes()) == len(marked)
    en.write_text(en.read_text(encoding="utf-8").replace("authors: [Editors]", "authors: [Editors]\ntags: [x]")
                  .replace("First note", "First note   "), encoding="utf-8")
    assert run(capsys, str(pub))[0] == 0


def test_mark_translated_needs_original(tmp_path):
    (tmp_path / "a.ko.md").write_text("---\ntitle: 가\n---\n본문\n", encoding="utf-8")
    (tmp_path / "a.en.md").write_text("---\ntitle: A\n---\nBody\n", encoding="utf-8")
    before = (tmp_path / "a.ko.md").read_bytes()
    assert cli.main(["check", "--mark-translated", str(tmp_path / "a.ko.md")]) == 2
    assert (tmp_path / "a.ko.md").read_bytes() == before


def test_json_output(capsys):
    code, out = run(capsys, "--format", "json", str(FIX / "figure-missing"), str(FIX / "clean"))
    data = json.loads(out)
    assert code == 1 and data["clean"] is False
    statuses = {Path(p["key"]).name: p["status"] for p in data["publications"]}
    assert statuses == {"figure-missing": "divergent", "clean": "complete"}
    div = next(p for p in data["publications"] if p["key"].endswith("figure-missing"))["divergences"][0]
    assert div["kind"] == "figure" and div["line"] == 14 and div["other_line"] == 33


def test_not_utf8_is_an_error_naming_file_and_line(tmp_path, capsys):
    (tmp_path / "a.ko.md").write_bytes("첫 줄\n둘째 줄\n".encode("cp949"))
    (tmp_path / "a.en.md").write_text("first\nsecond\n", encoding="utf-8")
    code, out = run(capsys, str(tmp_path))
    assert code == 2 and "a.ko.md:1: error: not valid UTF-8" in out


def test_missing_path_is_an_error(capsys):
    assert run(capsys, "no/such/folder")[0] == 2


def test_sitemap_and_head_fixes_are_pure():
    xml = ('<urlset>\n    <url>\n        <loc>https://s/x/</loc>\n'
           '        <xhtml:link rel="alternate" hreflang="ko" href="https://s/x/"/>\n'
           '        <xhtml:link rel="alternate" hreflang="en" href="https://s/en/x/"/>\n    </url>\n'
           '    <url>\n        <loc>https://s/en/x/</loc>\n    </url>\n</urlset>\n')
    fixed = notices.fix_sitemap(xml, {"https://s/en/x/"})
    assert "https://s/en/x/" not in fixed and "<loc>https://s/x/</loc>" in fixed
    head = ('<head>\n<link rel="alternate" href="./" hreflang="ko">\n'
            '<link rel="alternate" href="../en/x/" hreflang="en">\n</head><body></body>')
    assert 'hreflang="en"' not in notices.drop_head_alternates(head, {"en"})
    assert 'hreflang="ko"' in notices.drop_head_alternates(head, {"en"})


def test_unreadable_file_is_an_error_and_the_others_are_still_checked(tmp_path, capsys):
    (tmp_path / "a.ko.md").write_text("---\ntitle: 가\n---\n본문\n", encoding="utf-8")
    (tmp_path / "a.en.md").symlink_to(tmp_path / "missing.md")
    code, out = run(capsys, str(tmp_path))
    assert code == 2 and f"{tmp_path}/a.en.md: error: cannot read the file" in out and "[io]" in out
    (tmp_path / "a.ko.md").unlink()
    (tmp_path / "a.ko.md").symlink_to(tmp_path / "missing.md")
    code, out = run(capsys, str(tmp_path))
    assert code == 2 and "nothing could be checked" in out and "Traceback" not in out


def test_unknown_language_suffix_is_reported(tmp_path, capsys):
    for name in ("index.ko.md", "index.en.md"):
        shutil.copy(FIX / "clean" / name, tmp_path / name)
    (tmp_path / "index.kr.md").write_text("# 한국어\n", encoding="utf-8")
    code, out = run(capsys, str(tmp_path))
    assert code == 1
    assert (f"{tmp_path}/index.kr.md: warning: language suffix '.kr.md' is not one the site publishes, so this "
            "file is never published: rename it to ….ko.md [lang-suffix-unknown]") in out


def test_caption_missing_in_one_language_and_orphan_caption_blocks(capsys):
    code, out = run(capsys, str(FIX / "caption-missing"))
    assert code == 1
    assert ("caption-missing/index.en.md:18: warning: captions: figure images/fig-02.svg has no caption in en; "
            "ko has one") in out
    assert ("caption-missing/index.en.md:20: warning: '/// table-caption' must come right after a table (only blank "
            "lines between); the block before it (line 18) is an image, not a table") in out
    assert "[caption-block-orphan]" in out and "[pair-caption]" in out


def test_front_matter_types_are_checked(tmp_path, capsys):
    ko = (FIX / "clean" / "index.ko.md").read_text(encoding="utf-8").replace("issue: 2014-1", "issue: [2014, 1]")
    (tmp_path / "index.ko.md").write_text(ko, encoding="utf-8")
    shutil.copy(FIX / "clean" / "index.en.md", tmp_path / "index.en.md")
    code, out = run(capsys, str(tmp_path))
    assert code == 2 and "index.ko.md:5: error: front matter field 'issue': must be text such as 2014-1, not a list" in out


def test_extraction_gives_items_with_line_ranges_for_alignment():
    text = ("---\ntitle: T\n---\n\n# Title\n\nIntro.\n\n![Hall](images/a.svg)\n\n/// figure-caption\nThe hall\n///\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n/// table-caption\nNumbers\n///\n\n!!! note \"Box\"\n\n    Inside.\n\n"
            "Setext heading\n--------------\n\nText[^1].\n\n[^1]: A note.\n")
    st = parallel.extract(text, "x.en.md", "en")
    got = [(it.kind, it.key, it.line, it.last, it.captioned) for it in st.items]
    assert got == [
        ("heading", "h1", 5, 5, None), ("heading", "h2", 27, 28, None),
        ("figure", "images/a.svg", 9, 13, True),
        ("table", "2 columns", 15, 21, True),
        ("footnote", "1", 30, 30, None),
        ("box", "note", 23, 25, None),
    ]
