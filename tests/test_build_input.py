"""Bad input fails the build (or warns) with a message naming the file."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from helpers import build_site, make_fixture_project

pytestmark = pytest.mark.build

PAGES = {
    "index.ko.md": "---\ntitle: 홈\ntype: page\nlisting: latest\n---\n\n# 홈\n",
    "index.en.md": "---\ntitle: Home\ntype: page\nlisting: latest\n---\n\n# Home\n",
    "cityvoices/index.ko.md": "---\ntitle: 시티보이스\ntype: page\nlisting: article\n---\n\n# 시티보이스\n",
    "cityvoices/index.en.md": "---\ntitle: CityVoices\ntype: page\nlisting: article\n---\n\n# CityVoices\n",
    "newsletters/index.ko.md": "---\ntitle: 뉴스레터\ntype: page\nlisting: newsletter\n---\n",
    "newsletters/index.en.md": "---\ntitle: Newsletters\ntype: page\nlisting: newsletter\n---\n",
    "reports/index.ko.md": "---\ntitle: 보고서\ntype: page\nlisting: report\n---\n",
    "reports/index.en.md": "---\ntitle: Reports\ntype: page\nlisting: report\n---\n",
    "guide/index.ko.md": "---\ntitle: 안내\ntype: page\n---\n",
    "guide/index.en.md": "---\ntitle: Guide\ntype: page\n---\n",
    "status/index.ko.md": "---\ntitle: 현황\ntype: page\n---\n",
    "status/index.en.md": "---\ntitle: Status\ntype: page\n---\n",
}

GOOD = """---
title: {title}
type: article
date: 2014-01-15
issue: 2014-1
authors: [Brenna Foster]
---

{body}
"""
ART = "cityvoices/2014-1/test/index.{lang}.md"


def project(tmp_path, extra):
    docs = dict(PAGES)
    docs.update(extra)
    return make_fixture_project(tmp_path, docs)


def test_valid_fixture_builds(tmp_path):
    cfg = project(tmp_path, {ART.format(lang="ko"): GOOD.format(title="시험", body="본문."),
                             ART.format(lang="en"): GOOD.format(title="Test", body="Body.")})
    build_site(cfg, tmp_path / "out")
    html = (tmp_path / "out" / "en" / "cityvoices" / "index.html").read_text()
    assert "Test" in BeautifulSoup(html, "lxml").select_one("ul.cv-listing").get_text()


def test_broken_yaml_fails_naming_file_and_line(tmp_path):
    bad = "---\ntitle: [unclosed\ntype: article\n---\n\nBody\n"
    cfg = project(tmp_path, {ART.format(lang="ko"): bad, ART.format(lang="en"): GOOD.format(title="T", body="B")})
    proc = build_site(cfg, tmp_path / "out", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "cityvoices/2014-1/test/index.ko.md:" in out
    assert "not valid YAML" in out


def test_missing_required_field_names_file_and_field(tmp_path):
    bad = "---\ntitle: 시험\ntype: article\nissue: 2014-1\nauthors: [A]\n---\n\n본문\n"
    cfg = project(tmp_path, {ART.format(lang="ko"): bad, ART.format(lang="en"): GOOD.format(title="T", body="B")})
    proc = build_site(cfg, tmp_path / "out", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "cityvoices/2014-1/test/index.ko.md" in out and "'date'" in out and "required" in out


def test_malformed_field_names_file_line_and_field(tmp_path):
    bad = GOOD.format(title="시험", body="본문").replace("date: 2014-01-15", "date: 15/01/2014")
    cfg = project(tmp_path, {ART.format(lang="ko"): bad, ART.format(lang="en"): GOOD.format(title="T", body="B")})
    proc = build_site(cfg, tmp_path / "out", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "cityvoices/2014-1/test/index.ko.md:4" in out and "'date'" in out and "YYYY-MM-DD" in out


def test_unknown_field_is_warned_not_dropped(tmp_path):
    odd = GOOD.format(title="시험", body="본문").replace("issue: 2014-1", "issue: 2014-1\nphotographer: Kim")
    cfg = project(tmp_path, {ART.format(lang="ko"): odd, ART.format(lang="en"): GOOD.format(title="T", body="B")})
    proc = build_site(cfg, tmp_path / "out", strict=False, quiet=False)
    out = proc.stdout + proc.stderr
    assert "index.ko.md:6" in out and "'photographer'" in out and "not in the schema" in out
    strict = build_site(cfg, tmp_path / "out2", check=False, quiet=False)
    assert strict.returncode != 0  # --strict treats the warning as an error


def test_non_utf8_markdown_is_an_error_naming_the_file(tmp_path):
    cp949 = GOOD.format(title="시험", body="본문입니다.").encode("cp949")
    cfg = project(tmp_path, {ART.format(lang="ko"): cp949, ART.format(lang="en"): GOOD.format(title="T", body="B")})
    proc = build_site(cfg, tmp_path / "out", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "cityvoices/2014-1/test/index.ko.md:2" in out and "UTF-8" in out


def test_one_language_only_still_builds(tmp_path):
    cfg = project(tmp_path, {ART.format(lang="ko"): GOOD.format(title="한국어만", body="본문.")})
    build_site(cfg, tmp_path / "out", strict=False)
    assert (tmp_path / "out" / "cityvoices" / "2014-1" / "test" / "index.html").exists()
    assert (tmp_path / "out" / "en" / "cityvoices" / "2014-1" / "test" / "index.html").exists()


def test_quiet_strict_cityvoices_build_still_fails_on_warnings(tmp_path):
    """`mkdocs build -q --strict` lets warnings through unseen and uncounted;
    `cityvoices build -q --strict` must not."""
    odd = GOOD.format(title="시험", body="본문").replace("issue: 2014-1", "issue: 2014-1\nphotographer: Kim")
    cfg = project(tmp_path, {ART.format(lang="ko"): odd, ART.format(lang="en"): GOOD.format(title="T", body="B")})
    out = tmp_path / "out"
    strict = build_site(cfg, out, strict=True, quiet=True, serial=False, check=False)
    assert strict.returncode == 2, strict.stdout + strict.stderr
    assert "strict mode" in strict.stderr and not out.exists()
    lenient = build_site(cfg, out, strict=False, quiet=True, serial=False, check=False)
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    assert "photographer" not in lenient.stderr  # quiet: warnings are not shown
    assert (out / "en" / "cityvoices" / "2014-1" / "test" / "index.html").exists()
