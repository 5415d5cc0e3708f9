"""PDF building end to end on small fixture projects: bad input is reported
with the publication's path and the other PDFs are still made; a failed PDF
never replaces a good one; the cache skips unchanged PDFs; the CLI and the
site build (links on the pages, PDFs in site/pdf)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, build_site, make_fixture_project, mkdocs_env

from cityvoices.integrations import engine
from cityvoices.pdf import assemble, runner

pytestmark = pytest.mark.pdf

FIG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
       '<rect width="400" height="200" fill="#ccd"/><text x="20" y="100" font-size="40">FIG</text></svg>')


def article(lang: str, title: str, *, image: str = "images/fig-01.svg", extra: str = "") -> str:
    body = ("서울은 회장 도시로서 다른 아시아 태평양 도시에 모범을 보일 것이다[^1]."
            if lang == "ko" else "Seoul will lead other cities in the Asia Pacific as President city[^1].")
    note = "시티넷 총회 자료" if lang == "ko" else "CITYNET congress papers"
    return (f"---\ntitle: {title}\ntype: article\ndate: 2014-01-15\nissue: 2099-1\nauthors: [Editor]\n---\n\n"
            f"{body}\n\n![alt]({image})\n\n/// figure-caption\n{title}\n///\n\n{extra}[^1]: {note}\n")


def project(tmp: Path, *, broken: bool = False) -> Path:
    docs = {
        "index.ko.md": "---\ntitle: 홈\ntype: page\nlisting: latest\n---\n\n# 홈\n",
        "index.en.md": "---\ntitle: Home\ntype: page\nlisting: latest\n---\n\n# Home\n",
        "cityvoices/index.ko.md": "---\ntitle: 시티보이스\ntype: page\nlisting: article\n---\n\n# 시티보이스\n",
        "cityvoices/index.en.md": "---\ntitle: CityVoices\ntype: page\nlisting: article\n---\n\n# CityVoices\n",
        "cityvoices/2099-1/good/index.ko.md": article("ko", "좋은 기사"),
        "cityvoices/2099-1/good/index.en.md": article("en", "A good article"),
        "cityvoices/2099-1/good/images/fig-01.svg": FIG,
        "cityvoices/2099-1/other/index.ko.md": article("ko", "다른 기사",
                                                      image="images/missing.svg" if broken else "images/fig-01.svg"),
        "cityvoices/2099-1/other/images/fig-01.svg": FIG,
    }
    cfg = make_fixture_project(tmp, docs)
    text = cfg.read_text(encoding="utf-8")
    # the fixture tree has only these sections: trim the nav to what exists
    text = text.split("\nnav:\n")[0] + "\nnav:\n  - 홈: index.md\n  - 시티보이스: cityvoices/index.md\n" + \
        "\nmarkdown_extensions:" + text.split("\nmarkdown_extensions:")[1]
    cfg.write_text(text, encoding="utf-8")
    return cfg


def run_cli(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cityvoices", "pdf", "-f", str(cfg), "-j", "2", *args],
                          cwd=cfg.parent, env=mkdocs_env(PYTHONPATH=str(ROOT / "scripts")), text=True,
                          capture_output=True, timeout=600)


def test_missing_image_names_the_file_and_line_and_others_are_still_made(tmp_path):
    cfg = project(tmp_path, broken=True)
    out = tmp_path / "pdf"
    proc = run_cli(cfg, "-o", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "docs/cityvoices/2099-1/other/index.ko.md:11: error: image 'images/missing.svg' not found" in proc.stderr
    made = sorted(p.name for p in out.glob("*.pdf"))
    assert made == ["cityvoices-2099-1-good.bilingual.pdf", "cityvoices-2099-1-good.en.pdf",
                    "cityvoices-2099-1-good.ko.pdf"], made
    # both issue PDFs hold the broken article (the English one in Korean, as it
    # has no translation): they are not made either, and say so
    for name in ("cityvoices-2099-1-other.ko.pdf", "cityvoices-2099-1.ko.pdf", "cityvoices-2099-1.en.pdf"):
        assert name in proc.stderr


def test_a_failed_pdf_keeps_the_good_one_and_the_cache_skips_unchanged(tmp_path):
    cfg = project(tmp_path)
    out = tmp_path / "pdf"
    first = run_cli(cfg, "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert "6 PDF(s) made, 0 unchanged" in first.stdout, first.stdout
    good = (out / "cityvoices-2099-1-other.ko.pdf").read_bytes()
    assert good.startswith(b"%PDF-")
    second = run_cli(cfg, "-o", str(out))
    assert "0 PDF(s) made, 6 unchanged" in second.stdout, second.stdout
    # break the image of one article: its PDF fails, the old one stays as it was
    (tmp_path / "docs/cityvoices/2099-1/other/images/fig-01.svg").unlink()
    third = run_cli(cfg, "-o", str(out))
    assert third.returncode == 2
    assert "docs/cityvoices/2099-1/other/index.ko.md" in third.stderr
    assert (out / "cityvoices-2099-1-other.ko.pdf").read_bytes() == good
    assert not list(out.glob(".*.tmp"))
    # an edit to one article re-renders only the PDFs that contain it
    (tmp_path / "docs/cityvoices/2099-1/other/images/fig-01.svg").write_text(FIG, encoding="utf-8")
    en = tmp_path / "docs/cityvoices/2099-1/good/index.en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("President city", "the President city"), encoding="utf-8")
    fourth = run_cli(cfg, "-o", str(out))
    assert fourth.returncode == 0, fourth.stderr
    # good.en, good.bilingual, the English issue (other.ko and the Korean issue come from the cache)
    assert "3 PDF(s) made, 3 unchanged" in fourth.stdout, fourth.stdout


def test_missing_font_and_unsupported_css_are_reported_with_the_publication(tmp_path):
    cfg = project(tmp_path)
    settings = engine.load_site(cfg)
    sources = runner.read_sources(settings)
    only = lambda src: src.startswith("cityvoices/2099-1/good/")  # noqa: E731
    result = runner.build_pdfs(sources, settings, tmp_path / "out", cache_dir=tmp_path / "cache", workers=1,
                               progress=False, only=only, fonts=("Noto Serif CJK KR", "No Such Font KR"))
    assert result.failed and not result.made
    msgs = [p.format() for p in result.problems]
    assert any(m.startswith("docs/cityvoices/2099-1/good/index.ko.md: error:") and "'No Such Font KR'" in m
               for m in msgs), msgs
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
    # an inline style WeasyPrint does not support: a warning naming the file, the PDF is still made
    src = tmp_path / "docs/cityvoices/2099-1/good/index.en.md"
    src.write_text(src.read_text(encoding="utf-8").replace(
        "Seoul will lead", '<span style="text-wrap-style: fancy">Seoul</span> will lead'), encoding="utf-8")
    sources = runner.read_sources(settings)
    result = runner.build_pdfs(sources, settings, tmp_path / "out", cache_dir=tmp_path / "cache", workers=1,
                               progress=False, only=only)
    assert not result.failed
    css = [p.format() for p in result.problems if p.code == "pdf-css"]
    assert css and all("docs/cityvoices/2099-1/good/index.en.md" in m.split(": ")[0] for m in css), css
    assert "text-wrap-style" in css[0]
    assert result.exit_code == 1


@pytest.mark.build
def test_site_build_links_every_pdf_and_writes_them(tmp_path):
    cfg = project(tmp_path)
    site = tmp_path / "site"
    build_site(cfg, site, features={"pdf": True, "epub": False})  # EPUB links: tests/test_epub.py
    pdfs = sorted(p.name for p in (site / "pdf").glob("*.pdf"))
    assert len(pdfs) == 6, pdfs
    for page, lang in (("cityvoices/2099-1/good/index.html", "ko"), ("en/cityvoices/2099-1/good/index.html", "en")):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml")
        block = soup.select_one("div.cv-byline + p.cv-downloads")
        assert block is not None
        links = block.find_all("a")
        assert [a.get_text() for a in links] == (["PDF (한국어)", "PDF (한영 대역)", "한영 대역으로 읽기"] if lang == "ko"
                                                 else ["PDF (English)", "PDF (Korean–English)", "Read side by side"])
        for a in links:
            target = (site / page).parent.joinpath(a["href"]).resolve()
            assert (target / "index.html" if a["href"].endswith("/") else target).is_file(), a["href"]
    for page in ("cityvoices/index.html", "en/cityvoices/index.html"):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml")
        link = soup.select_one("h2#group-2099-1 + p.cv-issue-pdf a")
        assert link is not None and (site / page).parent.joinpath(link["href"]).resolve().is_file()
    # the issue's own page links the issue PDF; an article's head points indexers at its PDF
    for page, lang in (("cityvoices/2099-1/index.html", "ko"), ("en/cityvoices/2099-1/index.html", "en")):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml")
        link = soup.select_one("header.cv-issue-head p.cv-issue-pdf a")
        assert link is not None and (site / page).parent.joinpath(link["href"]).resolve().name == \
            f"cityvoices-2099-1.{lang}.pdf"
        art = BeautifulSoup((site / page.replace("2099-1/", "2099-1/good/")).read_text(encoding="utf-8"), "lxml")
        url = art.select_one('meta[name="citation_pdf_url"]')["content"]
        assert url == f"https://cityvoices.example.org/pdf/cityvoices-2099-1-good.{lang}.pdf"
        assert (site / "pdf" / url.rsplit("/", 1)[1]).is_file()
    # the links are page furniture, not searched text (integrations.search runs after pdf)
    for lang in ("ko", "en"):
        docs = "".join(p.read_text(encoding="utf-8") for p in (site / "assets/javascripts/cv-search" / lang).glob("d-*.js"))
        assert "PDF (" not in docs and "cityvoices" in docs
    # an English-only reader of the Korean-only article gets the Korean PDF, labelled as such
    soup = BeautifulSoup((site / "en/cityvoices/2099-1/other/index.html").read_text(encoding="utf-8"), "lxml")
    labels = [a.get_text() for a in soup.select("p.cv-downloads a")]
    assert labels == ["PDF (Korean)"], labels
    # --no-pdf: no PDFs and no links to them
    quick = tmp_path / "quick"
    build_site(cfg, quick)
    assert not (quick / "pdf").exists()
    assert "cv-pdf" not in (quick / "cityvoices/2099-1/good/index.html").read_text(encoding="utf-8")


def test_pdf_names_are_the_same_for_both_languages():
    assert assemble.pdf_name("cityvoices/2014-1/seoul-congress-2013", "ko") == \
        "cityvoices-2014-1-seoul-congress-2013.ko.pdf"
    assert assemble.issue_pdf_name("2014-1", "en") == "cityvoices-2014-1.en.pdf"
    ko = assemble.downloads_html("a/b", "ko", "a/b/", ["ko", "en"])
    en = assemble.downloads_html("a/b", "en", "en/a/b/", ["ko", "en"])
    assert 'href="../../pdf/a-b.ko.pdf"' in ko and 'href="../../../pdf/a-b.en.pdf"' in en
    assert 'href="../../pdf/a-b.bilingual.pdf"' in ko and 'href="../../../pdf/a-b.bilingual.pdf"' in en
    assert os.path.normpath("a/b/../../pdf") == os.path.normpath("en/a/b/../../../pdf")
