"""``cityvoices normalize`` driven in-process in ``tmp_path``."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from cityvoices.cli import main

RAW = "메가시티는 23개로 늘어났다¹.\n\n1 http://esa.un.org/unup/pdf/WUP2011_Highlights.pdf\n\n끝.\n"
HOUSE = "메가시티는 23개로 늘어났다[^1].\n\n끝.\n\n[^1]: http://esa.un.org/unup/pdf/WUP2011_Highlights.pdf\n"
AMBIGUOUS = "Intro.\n\n3 delegations arrived late.\n"


def hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / "deep").mkdir()
    (tmp_path / "ko" / "a.ko.md").write_text(RAW, encoding="utf-8")
    (tmp_path / "ko" / "deep" / "b.md").write_text(RAW.replace("¹", "<sup>1</sup>"), encoding="utf-8")
    (tmp_path / "ko" / "clean.md").write_text(HOUSE, encoding="utf-8")
    (tmp_path / "ko" / "notes.txt").write_text(RAW, encoding="utf-8")  # not Markdown: ignored
    return tmp_path


def test_default_rewrites_in_place_then_is_clean(tree, capsys):
    assert main(["normalize", str(tree)]) == 0
    assert (tree / "ko" / "a.ko.md").read_text(encoding="utf-8") == HOUSE
    assert (tree / "ko" / "deep" / "b.md").read_text(encoding="utf-8") == HOUSE
    assert (tree / "ko" / "notes.txt").read_text(encoding="utf-8") == RAW
    before = hashes(tree)
    assert main(["normalize", "--check", str(tree)]) == 0
    assert hashes(tree) == before
    assert "3 file(s) checked, 0 would be changed" in capsys.readouterr().err


def test_check_writes_nothing_prints_diff_and_exits_1(tree, capsys):
    before = hashes(tree)
    assert main(["normalize", "--check", str(tree)]) == 1
    assert hashes(tree) == before
    out = capsys.readouterr().out
    assert "--- a/" in out and "+++ b/" in out
    assert "-메가시티는 23개로 늘어났다¹." in out and "+[^1]: http://esa.un.org" in out


def test_diff_writes_nothing(tree, capsys):
    before = hashes(tree)
    assert main(["normalize", "--diff", str(tree / "ko" / "a.ko.md")]) == 1
    assert hashes(tree) == before
    assert "+메가시티는 23개로 늘어났다[^1]." in capsys.readouterr().out


def test_check_on_a_clean_file_exits_0(tree, capsys):
    assert main(["normalize", "--check", str(tree / "ko" / "clean.md")]) == 0
    assert capsys.readouterr().out == ""


def test_findings_exit_1_with_file_and_line(tmp_path, capsys):
    f = tmp_path / "p.md"
    f.write_text(AMBIGUOUS, encoding="utf-8")
    before = f.read_bytes()
    assert main(["normalize", str(f)]) == 1  # a warning: a finding to fix by hand
    err = capsys.readouterr().err
    assert f"{f}:3: warning: " in err and "[footnote-ambiguous]" in err
    assert f.read_bytes() == before


def test_findings_and_changes_in_check_mode_exit_1(tmp_path):
    f = tmp_path / "p.md"
    f.write_text(RAW + "\n" + AMBIGUOUS.replace("3 ", "7 "), encoding="utf-8")
    before = f.read_bytes()
    assert main(["normalize", "--check", str(f)]) == 1
    assert f.read_bytes() == before


def test_bom_and_crlf_are_kept(tmp_path):
    f = tmp_path / "win.md"
    f.write_bytes(codecs.BOM_UTF8 + RAW.replace("\n", "\r\n").encode("utf-8"))
    assert main(["normalize", str(f)]) == 0
    data = f.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data[3:].decode("utf-8") == HOUSE.replace("\n", "\r\n")
    assert main(["normalize", "--check", str(f)]) == 0


def test_undecodable_file_is_reported_and_left_byte_for_byte(tmp_path, capsys):
    f = tmp_path / "cp949.md"
    data = "첫 줄\n둘째 줄¹\n".encode("cp949")
    f.write_bytes(data)
    assert main(["normalize", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:1: error: not valid UTF-8" in err and "CP949" in err and "[encoding]" in err
    assert f.read_bytes() == data


def test_unclosed_fence_is_reported_and_left_byte_for_byte(tmp_path, capsys):
    f = tmp_path / "fence.md"
    data = RAW.replace("끝.", "```python\nprint(1)").encode("utf-8")
    f.write_bytes(data)
    for argv in (["normalize", str(f)], ["normalize", "--check", str(f)]):
        assert main(argv) == 2
        assert f.read_bytes() == data
    err = capsys.readouterr().err
    assert f"{f}:5: error: code fence '```' opened here is never closed" in err


def test_one_bad_file_does_not_stop_the_others(tree, capsys):
    (tree / "ko" / "bad.md").write_bytes(b"\xff\xfe broken")
    assert main(["normalize", str(tree)]) == 2
    assert (tree / "ko" / "a.ko.md").read_text(encoding="utf-8") == HOUSE
    assert "bad.md:1: error" in capsys.readouterr().err


def test_missing_path_exits_2(tmp_path, capsys):
    assert main(["normalize", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_check_and_diff_are_exclusive(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["normalize", "--check", "--diff", str(tmp_path)])
    assert exc.value.code == 2


# --------------------------------------------------------------------------
# The file system is respected (issue 10)


def test_read_only_file_is_reported_not_rewritten(tmp_path, capsys):
    f = tmp_path / "ro.ko.md"
    f.write_text(RAW, encoding="utf-8")
    f.chmod(0o444)
    try:
        assert main(["normalize", str(f)]) == 2
        err = capsys.readouterr().err
        assert f"{f}: error: is read-only: not rewritten" in err and "[read-only]" in err
        assert f.read_text(encoding="utf-8") == RAW
        assert "1 file(s) checked, 0 rewritten, 1 problem(s)" in err
    finally:
        f.chmod(0o644)


def test_read_only_folder_in_a_batch_goes_on_and_ends_with_the_summary(tree, capsys):
    locked = tree / "ko" / "deep"
    locked.chmod(0o555)
    try:
        assert main(["normalize", str(tree)]) == 2
        err = capsys.readouterr().err
        assert f"{locked / 'b.md'}: error: is in a read-only folder" in err
        assert (tree / "ko" / "a.ko.md").read_text(encoding="utf-8") == HOUSE  # the others are done
        assert (locked / "b.md").read_text(encoding="utf-8") != HOUSE
        assert err.rstrip().endswith("3 file(s) checked, 1 rewritten, 1 problem(s)")
    finally:
        locked.chmod(0o755)


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "sources" / "a.ko.md"
    real.parent.mkdir()
    real.write_text(RAW, encoding="utf-8")
    link = tmp_path / "sources" / "link.ko.md"
    link.symlink_to(real.name)
    assert main(["normalize", str(link)]) == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") == HOUSE


def test_a_symlink_leaving_the_folder_is_refused(tmp_path, capsys):
    outside = tmp_path / "outside.md"
    outside.write_text(RAW, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "x.ko.md").symlink_to(outside)
    assert main(["normalize", str(docs)]) == 2
    err = capsys.readouterr().err
    assert f"{docs / 'x.ko.md'}: error: the file is a symlink to {outside}, outside {docs}; it is not followed" in err
    assert outside.read_text(encoding="utf-8") == RAW and (docs / "x.ko.md").is_symlink()


def test_a_broken_link_in_a_batch_is_reported(tree, capsys):
    (tree / "ko" / "gone.md").symlink_to(tree / "nowhere.md")
    assert main(["normalize", str(tree)]) == 2
    err = capsys.readouterr().err
    assert f"{tree / 'ko' / 'gone.md'}: error: cannot read the file" in err
    assert (tree / "ko" / "a.ko.md").read_text(encoding="utf-8") == HOUSE


def test_structure_errors_are_findings_of_check_mode(tmp_path, capsys):
    f = tmp_path / "x.en.md"
    f.write_text("Intro.\n\n/// figure-caption\nThe hall\n///\n", encoding="utf-8")
    assert main(["normalize", "--check", str(f)]) == 1
    assert f"{f}:3: warning: '/// figure-caption' must come right after an image" in capsys.readouterr().err
