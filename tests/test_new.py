"""`cityvoices new` starts a pair that validates, checks and builds."""

from __future__ import annotations

import hashlib

from cityvoices import catalog, frontmatter
from cityvoices.cli import main


def test_new_article_pair_validates(tmp_path, capsys):
    docs = tmp_path / "docs"
    rc = main(["new", "article", "green-growth", "--title-ko", "녹색 성장", "--title-en", "Green growth",
               "--author", "Brenna Foster", "--date", "2014-03-01", "--issue", "2014-2", "--docs", str(docs)])
    assert rc == 0
    folder = docs / "cityvoices" / "2014-2" / "green-growth"
    ko, en = (folder / "index.ko.md").read_text(), (folder / "index.en.md").read_text()
    assert (folder / "images").is_dir()
    cat = catalog.build_catalog([("cityvoices/2014-2/green-growth/index.ko.md", ko),
                                 ("cityvoices/2014-2/green-growth/index.en.md", en)])
    assert [p for p in cat.problems if p.severity == "error"] == []
    fm, _ = frontmatter.parse(en)
    assert fm.data["original"] == "ko"
    assert fm.data["issue"] == "2014-2" and str(fm.data["date"]) == "2014-03-01"


def test_new_never_overwrites(tmp_path, capsys):
    docs = tmp_path / "docs"
    args = ["new", "newsletter", "may-news", "--title-ko", "5월 소식", "--title-en", "May news",
            "--author", "CITYNET", "--date", "2014-05-02", "--docs", str(docs)]
    assert main(args) == 0
    path = docs / "newsletters" / "2014-05" / "may-news" / "index.ko.md"
    path.write_text(path.read_text() + "\n편집한 내용\n")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_new_rejects_bad_input(tmp_path, capsys):
    base = ["--title-ko", "가", "--title-en", "A", "--author", "X", "--docs", str(tmp_path)]
    assert main(["new", "article", "x", *base]) == 2  # no issue
    assert "needs --issue" in capsys.readouterr().err
    assert main(["new", "report", "Bad Slug", "--event", "e", *base]) == 2
    assert "lower-case" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
