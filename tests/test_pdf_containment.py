"""WeasyPrint reads only the publication's own folder: an attachment of a
file outside, an image by absolute path or by ``../`` out of the docs, and an
http(s) URL are refused with ``path:line: error: … [pdf-url-refused]``
naming the Markdown file, and that PDF is not written (``pdfdetach -list``
of every PDF that was written shows no attachment)."""

from __future__ import annotations

import subprocess
import pytest

from helpers import make_fixture_project
from test_build_input import ART, GOOD, PAGES
from test_pdf_build import FIG

from cityvoices.integrations import engine
from cityvoices.pdf import runner

SECRET = "/etc/hostname"


@pytest.mark.pdf
@pytest.mark.parametrize("body, needle", [
    (f'본문 <a rel="attachment" href="file://{SECRET}">첨부</a>.', f"file://{SECRET}"),
    (f"![그림]({SECRET})", SECRET),
    ("![그림](../../../../outside.svg)", "../../../../outside.svg"),
    ("![그림](../other/images/fig-01.svg)", "../other/images/fig-01.svg"),
    ('<img alt="x" src="http://127.0.0.1:9/x.png">', "http://127.0.0.1:9/x.png"),
    ('<p style="background: url(file:///etc/hostname)">x</p>', "file:///etc/hostname"),
])
def test_only_the_publications_own_files_reach_its_pdf(tmp_path, body, needle):
    (tmp_path / "outside.svg").write_text(FIG, encoding="utf-8")
    docs = dict(PAGES)
    docs[ART.format(lang="ko")] = GOOD.format(title="시험", body=f"첫 줄.\n\n{body}\n")
    docs[ART.format(lang="en")] = GOOD.format(title="Test", body="Body.")
    docs["cityvoices/2014-1/other/images/fig-01.svg"] = FIG
    settings = engine.load_site(make_fixture_project(tmp_path, docs))
    out = tmp_path / "out"
    result = runner.build_pdfs(runner.read_sources(settings), settings, out, cache_dir=tmp_path / "cache",
                               workers=1, progress=False, only=lambda src: src.startswith("cityvoices/2014-1/test/"))
    refused = [p for p in result.problems if p.code == "pdf-url-refused"]
    assert refused, [p.format() for p in result.problems]
    line = GOOD.format(title="시험", body="첫 줄.\n\n" + body).splitlines().index(body) + 1
    assert refused[0].format().startswith(f"docs/{ART.format(lang='ko')}:{line}: error: "), refused[0].format()
    assert result.exit_code == 2
    written = sorted(p.name for p in out.glob("*.pdf"))
    assert "cityvoices-2014-1-test.ko.pdf" not in written  # the Korean edition would carry it
    assert "cityvoices-2014-1-test.en.pdf" in written       # the clean one is still made
    for name in written:
        listing = subprocess.run(["pdfdetach", "-list", str(out / name)], capture_output=True, text=True).stdout
        assert "0 embedded files" in listing, (name, listing)


def test_name_collisions_are_found_before_any_pdf_is_written(tmp_path):
    job = lambda name, src: runner.Job(name, "ko", "<html></html>", "d" + src, [src])  # noqa: E731
    problems = runner.name_collisions([job("a.ko.pdf", "docs/x/서울/index.ko.md"), job("b.ko.pdf", "docs/y"),
                                       job("a.ko.pdf", "docs/x/부산/index.ko.md")])
    assert [p.format() for p in problems] == [
        "docs/x/부산/index.ko.md: error: its PDF would be named a.ko.pdf, like the PDF of "
        "docs/x/서울/index.ko.md; no PDF was written (rename one of the folders) [pdf-name-collision]"]


def test_build_pdfs_stops_on_a_collision_before_writing(tmp_path, monkeypatch):
    docs = dict(PAGES)
    docs[ART.format(lang="ko")] = GOOD.format(title="시험", body="본문.")
    settings = engine.load_site(make_fixture_project(tmp_path, docs))
    twins = [runner.Job("same.ko.pdf", "ko", "<p>a</p>", "1", ["docs/a/서울소식/index.ko.md"]),
             runner.Job("same.ko.pdf", "ko", "<p>b</p>", "2", ["docs/a/부산소식/index.ko.md"])]
    monkeypatch.setattr(runner, "plan", lambda *a, **kw: (twins, []))
    out = tmp_path / "out"
    result = runner.build_pdfs([], settings, out, cache_dir=tmp_path / "cache", workers=1, progress=False)
    assert result.exit_code == 2 and not result.made and not out.exists()
    msg = next(p.format() for p in result.problems if p.code == "pdf-name-collision")
    assert "서울소식" in msg and "부산소식" in msg
