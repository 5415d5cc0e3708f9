"""`cityvoices import` of Word, HWPX, HWP and PDF sources generated from the
committed seed pair: each import reproduces the pair (paragraphs, notes at
their sentence, the 12 figures with their very pixels and captions, table 1),
and bad input gets a clear message, exit 2, and nothing written."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

import import_fixtures as fx
from cityvoices.cli import main
from cityvoices.importers import samples
from helpers import ROOT, SEED_ARTICLE

ARGS = ["article", "seoul-congress-2013", "--issue", "2014-1", "--date", "2014-01-15",
        "--author", "Brenna Foster", "--original", "en"]
OUT = "cityvoices/2014-1/seoul-congress-2013"


def run_import(tmp_path, sources, *extra):
    docs = tmp_path / "docs"
    rc = main(["import", *map(str, sources), *ARGS, "--docs", str(docs), *extra])
    return rc, docs / OUT


def assert_reproduces(folder, *, pixels_only=False, min_identity=0.95):
    report = {}
    for lang in ("ko", "en"):
        got = (folder / f"index.{lang}.md").read_text(encoding="utf-8")
        want = fx.committed(lang)
        share, missing = fx.identity(want, got)
        report[lang] = share
        assert share >= min_identity, (lang, share, missing)
        # every note, with its text, called right after the same words
        assert fx.notes(got) == fx.notes(want), lang
        # 12 figures, each caption the committed one, each image the embedded one
        figs = fx.figures(got)
        assert [c for _src, c in figs] == [c for _src, c in fx.figures(want)], lang
        assert len(figs) == 12
        for i, (src, _c) in enumerate(figs, 1):
            data = (folder / src).read_bytes()
            if pixels_only:
                assert fx.pixels(data) == fx.pixels(fx.IMAGES[i]), (lang, src)
            else:
                assert data == fx.IMAGES[i], (lang, src)
        # table 1 with all its rows
        assert fx.table_rows(got) == fx.table_rows(want), lang
        assert "/// table-caption" in got
    return report


def test_interleaved_docx_with_word_footnotes_and_pictures(tmp_path, capsys):
    src = tmp_path / "seoul.docx"
    src.write_bytes(fx.interleaved_docx())
    rc, folder = run_import(tmp_path, [src])
    assert rc == 1, capsys.readouterr().err  # the Korean-only section is a finding of the check
    share = assert_reproduces(folder)
    assert min(share.values()) >= 0.95
    report = (folder / "import-report.md").read_text(encoding="utf-8")
    assert "layout: interleaved" in report
    assert report.count("- ko [^tn-") == 5  # the translator's notes, listed
    assert sorted(p.name for p in (folder / "images").iterdir()) == [f"fig-{i:02d}.png" for i in range(1, 13)]


def test_two_column_table_docx(tmp_path):
    src = tmp_path / "seoul-two-column.docx"
    src.write_bytes(fx.two_column_docx())
    rc, folder = run_import(tmp_path, [src])
    assert rc == 1
    assert_reproduces(folder)
    assert "layout: two-column" in (folder / "import-report.md").read_text(encoding="utf-8")


def test_hwpx_from_its_xml_parts(tmp_path):
    src = tmp_path / "seoul.hwpx"
    src.write_bytes(fx.interleaved_hwpx())
    with zipfile.ZipFile(src) as z:
        assert z.namelist()[0] == "mimetype" and "Contents/section0.xml" in z.namelist()
    rc, folder = run_import(tmp_path, [src])
    assert rc == 1
    assert_reproduces(folder)


def test_binary_hwp_converted_by_python_hwpx(tmp_path):
    from hwpx.hwp5.writer import write_hwp5

    with zipfile.ZipFile(io.BytesIO(fx.interleaved_hwpx())) as z:
        hwp = write_hwp5({n: z.read(n) for n in z.namelist()})
    assert hwp[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    src = tmp_path / "seoul.hwp"
    src.write_bytes(hwp)
    rc, folder = run_import(tmp_path, [src])
    assert rc == 1
    assert_reproduces(folder)


def test_separate_files_one_per_language(tmp_path):
    ko, en = fx.models()
    (tmp_path / "x.ko.docx").write_bytes(samples.docx_bytes(ko))
    (tmp_path / "x.en.hwpx").write_bytes(samples.hwpx_bytes(en))
    rc, folder = run_import(tmp_path, [tmp_path / "x.en.hwpx", tmp_path / "x.ko.docx"])
    assert rc == 1
    assert_reproduces(folder)
    assert "layout: separate" in (folder / "import-report.md").read_text(encoding="utf-8")


def test_dry_run_prints_everything_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / "seoul.docx"
    src.write_bytes(fx.interleaved_docx())
    rc, folder = run_import(tmp_path, [src], "--dry-run")
    out = capsys.readouterr().out
    assert rc == 1 and not (tmp_path / "docs").exists()
    assert f"===== {OUT}/index.ko.md" in out and f"===== {OUT}/import-report.md" in out
    assert out.count(f"===== {OUT}/images/fig-") == 12


# --------------------------------------------------------------------------
# Bad input: a clear message naming the file, exit 2, nothing written


def _truncated_docx():
    return fx.interleaved_docx()[:5000]


def _empty_docx():
    return samples.docx_bytes(samples.Document("empty", "docx", blocks=[samples.Para([samples.Run("   ")])]))


def _encrypted_pdf():
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _scanned_pdf():
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (64, 48), fx.pixels(fx.IMAGES[1])[2]).save(buf, "PDF", resolution=72)
    return buf.getvalue()


def _encrypted_docx():
    """An Office file with a password: an OLE2 compound file holding an
    EncryptedPackage stream (built with python-hwpx's compound-file writer)."""
    from hwpx.hwp5.cfb import build_compound_file

    return build_compound_file([("EncryptionInfo", b"\x04\x00\x04\x00" + b"\x00" * 60),
                                ("EncryptedPackage", b"\x00" * 4096)])


BAD = [
    ("truncated.docx", _truncated_docx, "import-corrupt", "damaged or truncated"),
    ("notext.docx", _empty_docx, "import-empty", "no text"),
    ("locked.docx", _encrypted_docx, "import-encrypted", "password-protected"),
    ("locked.pdf", _encrypted_pdf, "import-encrypted", "password"),
    ("scan.pdf", _scanned_pdf, "import-needs-ocr", "needs OCR first"),
    ("onlyko.docx", fx.one_language_docx, "import-one-language", "no English"),
    ("notes.odt", lambda: b"PK\x03\x04 not ours", "import-format", "cannot import '.odt'"),
    ("old.hwp", lambda: b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\x00" * 200, "import-format",
     "save it as HWPX or DOCX"),
    ("renamed.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 500,
     "import-format", "save it as .docx"),
]


@pytest.mark.parametrize("name,make,code,words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_with_a_clear_message(tmp_path, capsys, name, make, code, words):
    src = tmp_path / "in" / name
    src.parent.mkdir()
    src.write_bytes(make())
    before = fx.tree(tmp_path)
    rc, _folder = run_import(tmp_path, [src])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert f"{src}: error: " in err and f"[{code}]" in err and words in err, err
    assert fx.tree(tmp_path) == before  # nothing written


def test_a_folder_with_a_mix_goes_on_past_bad_files(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "seoul-congress.docx").write_bytes(fx.interleaved_docx())
    (inbox / "broken.docx").write_bytes(_truncated_docx())
    (inbox / "scan.pdf").write_bytes(_scanned_pdf())
    (inbox / "notes.odt").write_bytes(b"PK")
    ko, en = fx.models()
    (inbox / "pair.ko.docx").write_bytes(samples.docx_bytes(ko))
    (inbox / "pair.en.docx").write_bytes(samples.docx_bytes(en))
    docs = tmp_path / "docs"
    rc = main(["import", str(inbox), "article", "--issue", "2014-1", "--date", "2014-01-15", "--original", "en",
               "--docs", str(docs), "-j", "2"])
    err = capsys.readouterr().err
    assert rc == 2
    for bad, code in (("broken.docx", "import-corrupt"), ("scan.pdf", "import-needs-ocr"),
                      ("notes.odt", "import-format")):
        assert f"{inbox / bad}" in err and code in err, (bad, err)
    assert "2 of 5 imported, 3 error(s)" in err
    written = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("index.*.md"))
    assert written == [f"cityvoices/2014-1/{s}/index.{lang}.md" for s in ("pair", "seoul-congress")
                       for lang in ("en", "ko")]
    assert not (docs / "cityvoices" / "2014-1" / "broken").exists()
    # a second run overwrites nothing: both publications exist already
    before = fx.tree(docs)
    assert main(["import", str(inbox), "article", "--issue", "2014-1", "--docs", str(docs), "-j", "1"]) == 2
    assert fx.tree(docs) == before
    assert "already exists; nothing was written" in capsys.readouterr().err


# --------------------------------------------------------------------------
# PDF: our own Korean and English PDFs of the seed, made by `cityvoices pdf`


@pytest.fixture(scope="session")
def seed_pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seed-pdf")
    cfg = fx.seed_project(tmp / "project")
    out = tmp / "pdf"
    proc = subprocess.run([sys.executable, "-m", "cityvoices", "pdf", "-f", str(cfg), "-o", str(out), "-q",
                           str(cfg.parent / "docs" / SEED_ARTICLE)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "scripts"),
                               "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode in (0, 1), proc.stderr
    stem = SEED_ARTICLE.replace("/", "-")
    return out / f"{stem}.ko.pdf", out / f"{stem}.en.pdf"


@pytest.mark.pdf
def test_our_own_pdfs_of_the_seed(tmp_path, seed_pdfs, capsys):
    ko, en = seed_pdfs
    src_ko, src_en = tmp_path / "seoul.ko.pdf", tmp_path / "seoul.en.pdf"
    src_ko.write_bytes(ko.read_bytes())
    src_en.write_bytes(en.read_bytes())
    rc, folder = run_import(tmp_path, [src_ko, src_en])
    err = capsys.readouterr().err
    assert rc == 1, err
    assert_reproduces(folder, pixels_only=True)
    report = (folder / "import-report.md").read_text(encoding="utf-8")
    assert "removed page furniture" in report  # the running header
    assert "import-joined" in report  # paragraphs cut by a page break, joined and reported
    assert "undid" in report and "hyphenation" in report


@pytest.mark.pdf
def test_two_column_pdf_page_is_read_column_by_column():
    import weasyprint

    left = " ".join(f"Left column sentence number {i} about city networks and their members." for i in range(12))
    right = " ".join(f"Right column sentence number {i} about cooperation between cities." for i in range(12))
    html = (f"<html><body style='font: 10pt serif'><h1>Two columns</h1><div style='columns: 2; column-gap: 12mm'>"
            f"<p>{left}</p><p>{right}</p></div><p>A closing paragraph across the whole page width, after the "
            f"columns, that ends the text of this test page.</p></body></html>")
    from cityvoices.importers import pdf

    doc = pdf.read(weasyprint.HTML(string=html).write_pdf(), "two.pdf")
    texts = [p.text for p in doc.paragraphs()]
    joined = " ".join(texts)
    assert joined.index("Left column sentence number 11") < joined.index("Right column sentence number 0")
    assert joined.index("Right column sentence number 11") < joined.index("A closing paragraph")
    assert any(t.startswith("Left column sentence number 0") for t in texts)


@pytest.mark.build
def test_the_import_report_is_never_published(tmp_path):
    from helpers import build_site, make_fixture_project

    docs = {f"{SEED_ARTICLE}/index.{lang}.md": (ROOT / "docs" / SEED_ARTICLE / f"index.{lang}.md").read_text("utf-8")
            for lang in ("ko", "en")}
    docs[f"{SEED_ARTICLE}/import-report.md"] = "# Import report: secret notes to the editor\n"
    cfg = make_fixture_project(tmp_path / "p", docs)
    site = tmp_path / "site"
    build_site(cfg, site, strict=False)
    assert (site / SEED_ARTICLE / "index.html").exists()
    assert not list(site.rglob("import-report*"))
    assert not any("secret notes" in p.read_text("utf-8", "ignore") for p in site.rglob("*.html"))


def test_what_a_docx_holds_beyond_text_is_reported_not_dropped():
    from cityvoices.importers import docx

    data = samples.docx_bytes(samples.Document("x", "docx", blocks=[samples.Para([samples.Run("본문입니다.")])]))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    math = ('<w:p><m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>x^2'
            '</m:t></m:r></m:oMath></w:p>')
    chart = ('<w:p><w:r><w:drawing><wp:inline><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/'
             'chart"/></wp:inline></w:drawing></w:r></w:p>')
    deleted = '<w:p><w:del><w:r><w:delText>삭제된 글</w:delText></w:r></w:del><w:r><w:t>남은 글</w:t></w:r></w:p>'
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", f"<w:body>{math}{chart}{deleted}".encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    doc = docx.read(buf.getvalue(), "x.docx")
    assert [p.text for p in doc.paragraphs()] == ["x^2", "남은 글", "본문입니다."]  # tracked deletions stay out
    assert [(p.line, p.code) for p in doc.problems] == [(1, "import-equation"), (2, "import-drawing")]
