"""The URL scheme and output names (cityvoices.urls), path components, and the
one key rule for pairing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cityvoices import catalog, parallel, urls
from cityvoices.cli import main
from cityvoices.pdf import assemble


def test_page_urls_and_keys():
    assert urls.publication_key("cityvoices/2014-1/x/index.ko.md") == "cityvoices/2014-1/x"
    assert urls.publication_key("index.en.md") == ""
    assert urls.publication_key("guide/A.en.md") == "guide/A"
    assert urls.publication_key("x/index.md") is None
    assert urls.page_url("cityvoices/2014-1/x/index.en.md", "en") == "en/cityvoices/2014-1/x/"
    assert urls.page_url("index.ko.md", "ko") == "" and urls.page_url("index.en.md", "en") == "en/"
    assert urls.relative_url("en/cityvoices/", "en/cityvoices/2014-1/x/") == "../../"
    assert urls.relative_url("x/", "x/") == "./"


def test_pairing_has_one_key_rule_the_home_page_included():
    files = ["index.ko.md", "index.en.md", "a/index.ko.md", "a/index.en.md", "a/B.ko.md", "a/index.kr.md"]
    assert catalog.pair_files(files) == {"": {"ko": "index.ko.md", "en": "index.en.md"},
                                         "a": {"ko": "a/index.ko.md", "en": "a/index.en.md"},
                                         "a/B": {"ko": "a/B.ko.md"}}
    reports = parallel.check_sources([("index.ko.md", "# 홈\n"), ("index.en.md", "# Home\n")])
    cat = catalog.build_catalog([("index.ko.md", "# 홈\n"), ("index.en.md", "# Home\n")])
    assert set(reports) == set(cat.publications) == {""}


def test_pdf_names_keep_hangul_and_the_full_path():
    seoul = urls.pdf_name("newsletters/2013-12/서울소식", "ko")
    busan = urls.pdf_name("newsletters/2013-12/부산소식", "ko")
    assert seoul == "newsletters-2013-12-서울소식.ko.pdf" and seoul != busan
    assert urls.pdf_name("cityvoices/2014-1/seoul-congress-2013", "bilingual") == \
        "cityvoices-2014-1-seoul-congress-2013.bilingual.pdf"
    assert urls.pdf_name("reports/e/a b", "en") == "reports-e-a-b.en.pdf"
    # decomposed Hangul (macOS file names) gives the same, NFC name
    import unicodedata
    assert urls.pdf_name(unicodedata.normalize("NFD", "n/2013-12/서울소식"), "ko") == urls.pdf_name("n/2013-12/서울소식", "ko")
    assert urls.issue_pdf_name("2014-1", "en") == "cityvoices-2014-1.en.pdf"
    assert urls.epub_name("cityvoices/2014-1/x", "ko") == "cityvoices-2014-1-x.ko.epub"
    # the PDF module uses the same names
    assert assemble.pdf_name is urls.pdf_name and assemble.issue_pdf_name is urls.issue_pdf_name
    assert urls.href("pdf/" + seoul) == "pdf/newsletters-2013-12-%EC%84%9C%EC%9A%B8%EC%86%8C%EC%8B%9D.ko.pdf"


def test_name_collisions_are_found_before_anything_is_written():
    planned = [(urls.pdf_name(k, "ko"), f"docs/{k}/index.ko.md") for k in ("a/b-c", "a-b/c", "a/d")]
    planned.append((urls.pdf_name("a/d", "ko"), "docs/a/d/index.ko.md"))  # the same source twice is fine
    (p,) = urls.name_collisions(planned)
    assert p.severity == "error" and p.code == "output-name-collision"
    assert "a-b-c.ko.pdf" in p.message and "docs/a/b-c/index.ko.md" in p.message and "docs/a-b/c/index.ko.md" in p.message
    assert urls.name_collisions({"A.pdf": ["x"], "a.pdf": ["y"]})  # case-insensitive file systems
    assert urls.name_collisions({urls.pdf_name(k, "ko"): [k] for k in ("n/1/서울소식", "n/1/부산소식")}) == []


@pytest.mark.parametrize("value", ["../../../../tmp/x", "a/b", "..", ".", ".hidden", "a:b", "a\\b", "a\x00b",
                                   "", " ", " x", "x" * 101])
def test_safe_component_refuses(value):
    with pytest.raises(urls.UnsafePathError):
        urls.safe_component(value, "--issue")


def test_safe_component_accepts_and_checks_a_pattern():
    assert urls.safe_component("2014-1", "--issue", pattern=urls.ID_RE) == "2014-1"
    assert urls.safe_component("서울소식", "folder") == "서울소식"
    with pytest.raises(urls.UnsafePathError, match="lower-case"):
        urls.safe_component("Bad", "slug", pattern=urls.SLUG_RE)


def tree_hash(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("argv", [
    ["new", "article", "x", "--issue", "../../../cv-escape"],  # from docs/cityvoices/: tmp_path/cv-escape
    ["new", "article", "x", "--issue", "{tmp}/cv-escape"],
    ["new", "report", "x", "--event", "../cv-escape"],
    ["new", "report", "../cv-escape", "--event", "e"],
    ["new", "article", "x", "--issue", "2014-1", "--date", "2014-13-01"],
])
def test_new_refuses_unsafe_components_and_writes_nothing(tmp_path, capsys, argv):
    docs = tmp_path / "repo" / "docs"
    docs.mkdir(parents=True)
    before = tree_hash(tmp_path)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code = main([*argv, "--title-ko", "가", "--title-en", "A", "--author", "X", "--docs", str(docs)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("cityvoices new: error: ") and err.rstrip().endswith("]")
    assert tree_hash(tmp_path) == before and not any(docs.iterdir())
    assert not (tmp_path / "cv-escape").exists()


def test_import_refuses_unsafe_components_and_writes_nothing(tmp_path, capsys):
    dump = tmp_path / "dump.txt"
    dump.write_text("시티넷 소식\n\nCITYNET news\n", encoding="utf-8")
    docs = tmp_path / "docs"
    # from docs/cityvoices/, ../../cv-escape is tmp_path/cv-escape
    code = main(["import", str(dump), "article", "x", "--issue", "../../cv-escape", "--docs", str(docs)])
    assert code == 2
    assert "cityvoices import: error: --issue '../../cv-escape' must be one folder name" in capsys.readouterr().err
    assert not docs.exists() and not (tmp_path / "cv-escape").exists()


def test_hangul_folder_names_are_percent_encoded_in_every_link_once():
    from cityvoices import catalog, listing, notices
    text = "---\ntitle: 서울소식\ntype: newsletter\ndate: 2013-12-02\nauthors: [A]\n---\n"
    cat = catalog.build_catalog([("newsletters/2013-12/서울소식/index.ko.md", text)])
    html = listing.render_listing(cat, "newsletter", "ko", "newsletters/")
    assert 'href="2013-12/%EC%84%9C%EC%9A%B8%EC%86%8C%EC%8B%9D/"' in html
    assert urls.href(urls.href("a/서울/")) == urls.href("a/서울/")
    assert 'href="../%EC%84%9C%EC%9A%B8/"' in notices.missing_notice("en", "ko", "../서울/")
    assert 'href="../../pdf/n-%EC%84%9C%EC%9A%B8.ko.pdf"' in assemble.downloads_html("n/서울", "ko", "n/x/", ["ko"])


def test_relative_url_fast_path_is_relpath():
    import posixpath

    from hypothesis import given, strategies as st

    from cityvoices.urls import relative_url

    seg = st.sampled_from(["a", "b", "en", "서울", "x:y", "index.html"])
    path = st.lists(seg, max_size=4).map("/".join)

    def slow(target: str, base: str) -> str:
        rel = posixpath.relpath("/" + target, "/" + base if base.endswith("/") else posixpath.dirname("/" + base))
        if target.endswith("/") and not rel.endswith("/"):
            rel += "/"
        if rel in (".", "./"):
            return "./"
        return "./" + rel if ":" in rel.split("/", 1)[0] else rel

    @given(path, st.booleans(), path, st.booleans())
    def check(t, t_dir, b, b_dir):
        target = t + "/" if t_dir and t else t
        base = b + "/" if b_dir and b else b
        assert relative_url(target, base) == slow(target, base)

    check()
