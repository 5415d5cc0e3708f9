"""The EPUB editions, read back: epubcheck, every paragraph and footnote of
the seed article, figures and tables, metadata, language and Korean line
breaking, byte-identical rebuilds, the cache, bad input (the PDF path's
messages, no partial file), output names and folders, and the site's links.

EPUBs need no WeasyPrint: only the site build test is marked ``build``; the
epubcheck runs (a Java program, ~5 s each) and the command-line runs are
``slow``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from helpers import ROOT, SEED_ARTICLE, build_site, make_fixture_project, mkdocs_env, tree_digest
from test_build_input import ART, GOOD, PAGES
from test_pdf_build import FIG, project as pdf_project

from cityvoices import urls
from cityvoices.epub import package, runner
from cityvoices.integrations import engine
from cityvoices.pdf import runner as pdf_runner

SEED_DIR = ROOT / "docs" / SEED_ARTICLE
NAMES = {"ko": urls.epub_name(SEED_ARTICLE, "ko"), "en": urls.epub_name(SEED_ARTICLE, "en"),
         "issue-ko": urls.issue_epub_name("2014-1", "ko"), "issue-en": urls.issue_epub_name("2014-1", "en")}
NS = {"x": package.XHTML, "opf": package.OPF, "dc": package.DC, "epub": package.OPS}


def seed_only(src: str) -> bool:
    return src.startswith(SEED_ARTICLE + "/")


@pytest.fixture(scope="module")
def epubs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("epub")
    settings = engine.load_site(ROOT / "mkdocs.yml")
    result = runner.build_epubs(runner.read_sources(settings), settings, tmp / "out", cache_dir=tmp / "cache",
                                workers=2, progress=False, only=seed_only)
    assert not result.failed and not result.problems, [p.format() for p in result.problems]
    assert sorted(result.made) == sorted(NAMES.values())
    return {kind: tmp / "out" / name for kind, name in NAMES.items()}


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def chapters(path: Path) -> list[etree._Element]:
    files = entries(path)
    opf = xml(files["EPUB/package.opf"])
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = [manifest[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    return [xml(files[f"EPUB/{href}"]) for href in spine if href.startswith("c")]


def text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def epubcheck(path: Path) -> str:
    # Debian's package (`apt-get install epubcheck`, scripts/setup.sh test) puts
    # `epubcheck` on PATH as a link to its jar: run that jar with java
    found = shutil.which("epubcheck")
    assert found, "epubcheck is not installed: run `bash scripts/setup.sh test`"
    real = Path(found).resolve()
    # a short-lived JVM: the quick compiler only and the serial collector
    # (2.4 s instead of 3.9 s a book, half the CPU time, the same report)
    cmd = (["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(real)]
           if real.suffix == ".jar" else [found])
    proc = subprocess.run(cmd + [str(path)], capture_output=True, text=True, timeout=300)
    return proc.stdout + proc.stderr


# --------------------------------------------------------------------------
# The seed article, read back

@pytest.mark.slow
def test_epubcheck_finds_nothing_in_the_seed_and_its_issue(epubs):
    with ThreadPoolExecutor(2) as pool:
        reports = dict(zip(epubs, pool.map(epubcheck, epubs.values())))
    for kind, report in reports.items():
        assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, (kind, report)
        assert "No errors or warnings detected" in report, (kind, report)


def source_paragraphs(lang: str) -> list[str]:
    """The prose paragraphs of the seed's Markdown, as plain text: blocks that
    are not headings, images, captions, boxes, lists, tables or notes."""
    text = (SEED_DIR / f"index.{lang}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip("\n")
        if not block or block[0] in "#!|-*>/ \t[" or re.match(r"^\d+\.\s", block) or block.startswith("///"):
            continue
        block = re.sub(r"\[\^[^\]]+\]", "", block)  # footnote calls (numbers in the EPUB, stripped below)
        block = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", block)
        block = re.sub(r"[*_`]", "", block)
        out.append(block)
    return out


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_paragraph_of_the_article_is_in_its_epub(epubs, lang):
    paragraphs = source_paragraphs(lang)
    assert len(paragraphs) > 25
    (chapter,) = chapters(epubs[lang])
    body = chapter.find(".//x:div[@class='cv-body']", NS)
    for sup in list(body.iterfind(".//x:sup", NS)):  # the note numbers
        for child in list(sup):
            sup.remove(child)
        sup.text = None
    texts = [squash(text_of(p)) for p in body.iterfind(".//x:p", NS)]
    joined = "\n".join(texts)
    for para in paragraphs:
        assert squash(para) in joined, para[:80]
    assert chapter.get("lang") == lang and chapter.get(package.XML_LANG) == lang


@pytest.mark.parametrize("lang, count, translator", [("ko", 7, 5), ("en", 2, 0)])
def test_every_footnote_is_a_footnote_aside_called_by_a_noteref(epubs, lang, count, translator):
    (chapter,) = chapters(epubs[lang])
    source = (SEED_DIR / f"index.{lang}.md").read_text(encoding="utf-8")
    defs = re.findall(r"^\[\^([^\]]+)\]:\s*(.+)$", source, re.M)
    asides = chapter.findall(".//x:aside", NS)
    assert len(asides) == len(defs) == count
    assert all(a.get(f"{{{package.OPS}}}type") == "footnote" for a in asides)
    refs = chapter.findall(".//x:a[@epub:type='noteref']", NS)
    ids = {a.get("id") for a in asides}
    assert len(refs) >= count and {r.get("href")[1:] for r in refs} == ids
    tn = [a for a in asides if "cv-tn" in a.get("class").split()]
    assert len(tn) == translator
    mark = "역주" if lang == "ko" else "Translator's note"
    assert all(a.find(".//x:span[@class='cv-tn-mark']", NS).text == mark for a in tn)
    for aside, (_label, body) in zip(asides, defs):
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", re.sub(r"<([^>]+)>", r"\1", body))
        plain = re.sub(r"^\s*(\*\*)?(역주|Translator's note)\s*[:.]?(\*\*)?\s*", "", plain)
        assert squash(plain)[:30] in squash(text_of(aside)), (body, text_of(aside))
    # the number leads back to the call
    for aside in asides:
        back = aside.find(".//x:a[@class='cv-fn-number']", NS)
        assert chapter.xpath(f"//*[@id='{back.get('href')[1:]}']")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_twelve_figures_with_captions_and_the_tables(epubs, lang):
    files = entries(epubs[lang])
    (chapter,) = chapters(epubs[lang])
    figures = [f for f in chapter.iterfind(".//x:figure", NS) if f.find(".//x:img", NS) is not None]
    assert len(figures) == 12
    word = "그림" if lang == "ko" else "Figure"
    for n, fig in enumerate(figures, 1):
        caption = fig.find("x:figcaption", NS)
        assert caption is not None and squash(text_of(caption)).startswith(f"{word}{n}."), text_of(caption)
        img = fig.find(".//x:img", NS)
        assert img.get("alt") and f"EPUB/{img.get('src')}" in files
    tables = chapter.findall(".//x:figure[@class]/x:table", NS)
    assert tables and all(t.getparent().find("x:figcaption", NS) is not None for t in tables)
    opf = xml(files["EPUB/package.opf"])
    media = {i.get("href"): i.get("media-type") for i in opf.iterfind(".//opf:item", NS)}
    svgs = [h for h in media if h.endswith(".svg")]
    assert len(svgs) == 12 and all(media[h] == "image/svg+xml" for h in svgs)
    assert not [n for n in files if n.lower().endswith((".ttf", ".otf", ".woff", ".woff2"))]  # no fonts


def test_metadata_language_and_korean_line_breaking(epubs):
    ko = entries(epubs["ko"])
    opf = xml(ko["EPUB/package.opf"])
    md = opf.find("opf:metadata", NS)
    assert opf.get(package.XML_LANG) == "ko"
    assert md.findtext("dc:title", namespaces=NS) == "시티넷 서울 총회의 성과와 서울시의 시사점"
    assert md.findtext("dc:language", namespaces=NS) == "ko"
    assert md.findtext("dc:date", namespaces=NS) == "2014-01-15"
    assert "CITYNET" in md.findtext("dc:publisher", namespaces=NS)
    roles = {m.get("refines")[1:]: m.text for m in md.iterfind("opf:meta[@property='role']", NS)}
    assert all(m.get("scheme") == "marc:relators" for m in md.iterfind("opf:meta[@property='role']", NS))
    creators = [(c.text, roles[c.get("id")]) for c in md.iterfind("dc:creator", NS)]
    contributors = [(c.text, roles[c.get("id")]) for c in md.iterfind("dc:contributor", NS)]
    assert creators == [("Brenna Foster", "aut")] and contributors == [("편집부", "trl")]
    assert md.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == "2014-01-15T00:00:00Z"
    uid = md.findtext("dc:identifier", namespaces=NS)
    assert uid == package.identifier("publication", SEED_ARTICLE, "ko") and uid.startswith("urn:uuid:")
    en_md = xml(entries(epubs["en"])["EPUB/package.opf"]).find("opf:metadata", NS)
    assert en_md.findtext("dc:identifier", namespaces=NS) != uid
    assert en_md.find("dc:contributor", NS) is None  # the English text is the original
    assert opf.find("opf:spine", NS).get("page-progression-direction") == "ltr"
    for name, data in ko.items():
        if name.endswith(".xhtml"):
            root = xml(data)
            assert root.get("lang") == "ko" and root.get(package.XML_LANG) == "ko", name
    css = ko["EPUB/style.css"].decode()
    assert re.search(r":lang\(ko\)\s*\{[^}]*word-break:\s*keep-all", css)
    assert '"Noto Serif CJK KR"' in css and '"Apple SD Gothic Neo"' in css and "@font-face" not in css
    assert "\u2060" not in ko["EPUB/c001.xhtml"].decode()  # no PDF word joiners: search finds the words


def test_the_issue_epub_has_a_cover_its_contents_and_the_issue_pdfs_article_order(epubs):
    files = entries(epubs["issue-ko"])
    opf = xml(files["EPUB/package.opf"])
    manifest = {i.get("id"): i for i in opf.iterfind(".//opf:item", NS)}
    spine = [r.get("idref") for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    assert spine[:2] == ["cover", "nav"] and manifest["nav"].get("properties") == "nav"
    cover = xml(files["EPUB/cover.xhtml"])
    assert "시티보이스 2014-1호" in text_of(cover) and "CITYNET" in text_of(cover)
    nav = xml(files["EPUB/nav.xhtml"])
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    titles = [text_of(li.find("x:a", NS)).split(" — ")[0] for li in toc.findall("x:ol/x:li", NS)]
    settings = engine.load_site(ROOT / "mkdocs.yml")
    cat = pdf_runner._catalog.build_catalog(runner.read_sources(settings), validate=False)
    (edition,) = [e for e in pdf_runner.issue_editions(cat, settings) if e.issue == "2014-1" and e.lang == "ko"]
    assert titles == [pub.versions[lang].title for pub, lang in edition.keys]
    assert opf.find("opf:metadata/dc:identifier", NS).text == package.identifier("issue", "2014-1", "ko")


def test_two_builds_give_byte_identical_epubs(tmp_path, epubs):
    settings = engine.load_site(ROOT / "mkdocs.yml")
    runner.build_epubs(runner.read_sources(settings), settings, tmp_path / "again", cache_dir=tmp_path / "cache",
                       workers=1, progress=False, only=seed_only)
    for name in NAMES.values():
        assert (tmp_path / "again" / name).read_bytes() == epubs[next(k for k, v in NAMES.items() if v == name)] \
            .read_bytes(), name
    with zipfile.ZipFile(epubs["ko"]) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert zf and all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)


# --------------------------------------------------------------------------
# Bad input, the cache, names and folders

def fixture(tmp_path: Path, ko_body: str, *, title: str = "시험", en_title: str = "Test",
            extra: dict[str, str | bytes] | None = None):
    docs = dict(PAGES)
    docs[ART.format(lang="ko")] = GOOD.format(title=title, body=ko_body)
    docs[ART.format(lang="en")] = GOOD.format(title=en_title, body="Body.\n\n![fig](images/fig-01.svg)\n")
    docs["cityvoices/2014-1/test/images/fig-01.svg"] = FIG
    docs["cityvoices/2014-1/other/images/fig-01.svg"] = FIG
    docs.update(extra or {})
    return engine.load_site(make_fixture_project(tmp_path, docs))


def build(settings, out: Path, cache: Path) -> runner.Result:
    return runner.build_epubs(runner.read_sources(settings), settings, out, cache_dir=cache, workers=1,
                              progress=False, only=lambda src: src.startswith("cityvoices/2014-1/test/"))


@pytest.mark.parametrize("body, code, message", [
    ("![그림](images/missing.svg)", "epub-image-missing", "image 'images/missing.svg' not found"),
    ("![그림](/etc/hostname)", "epub-url-refused", "image '/etc/hostname' is outside the publication's folder"),
    ("![그림](../../../../outside.svg)", "epub-url-refused", "image '../../../../outside.svg' is outside"),
    ("![그림](../other/images/fig-01.svg)", "epub-url-refused", "image '../other/images/fig-01.svg' is outside"),
    ("![그림](file:///etc/hostname)", "epub-url-refused", "'file:///etc/hostname' is outside"),
    ('<img alt="x" src="http://127.0.0.1:9/x.png">', "epub-url-refused", "'http://127.0.0.1:9/x.png' is outside"),
    ('<a rel="attachment" href="file:///etc/hostname">첨부</a>', "epub-url-refused", "'file:///etc/hostname'"),
    ('<p style="background: url(file:///etc/hostname)">x</p>', "epub-url-refused", "'file:///etc/hostname'"),
    ("![그림](images/not-an-image.svg)", "epub-image-type", "is not a PNG, JPEG, GIF or SVG file"),
    ("![그림](images/scripted.svg)", "epub-svg-refused", "it holds <script>"),
    ("![그림](images/linked.svg)", "epub-svg-refused", "it refers to 'file:///etc/hostname'"),
])
def test_bad_input_names_the_file_and_line_and_writes_nothing(tmp_path, body, code, message):
    (tmp_path / "outside.svg").write_text(FIG, encoding="utf-8")
    extra = {
        "cityvoices/2014-1/test/images/not-an-image.svg": "hello, not an image",
        "cityvoices/2014-1/test/images/scripted.svg": FIG.replace("</svg>", "<script>alert(1)</script></svg>"),
        "cityvoices/2014-1/test/images/linked.svg": FIG.replace(
            "</svg>", '<image href="file:///etc/hostname" width="1" height="1"/></svg>'),
    }
    settings = fixture(tmp_path, f"첫 줄.\n\n{body}\n", extra=extra)
    before = tree_digest(settings.docs_dir)
    out = tmp_path / "out"
    result = build(settings, out, tmp_path / "cache")
    found = [p for p in result.problems if p.code == code]
    assert found, [p.format() for p in result.problems]
    line = GOOD.format(title="시험", body="첫 줄.\n\n" + body).splitlines().index(body) + 1
    assert found[0].format().startswith(f"docs/{ART.format(lang='ko')}:{line}: error: "), found[0].format()
    assert message in found[0].message, found[0].message
    assert result.exit_code == 2
    written = sorted(p.name for p in out.glob("*"))
    # the Korean EPUB and the issue EPUBs that hold it are not made, the English one is
    assert urls.epub_name("cityvoices/2014-1/test", "ko") not in written
    assert urls.issue_epub_name("2014-1", "ko") not in written
    assert urls.epub_name("cityvoices/2014-1/test", "en") in written
    assert not [n for n in written if n.startswith(".") or n.endswith(".tmp")]
    assert tree_digest(settings.docs_dir) == before


def test_the_pdf_path_gives_the_same_message_for_a_missing_image(tmp_path):
    settings = fixture(tmp_path, "첫 줄.\n\n![그림](images/missing.svg)\n")
    ep = build(settings, tmp_path / "out", tmp_path / "cache")
    jobs, _ = pdf_runner.plan(runner.read_sources(settings), settings)
    pdf = next(p for j in jobs for p in j.problems if p.code == "pdf-image-missing")
    epub = next(p for p in ep.problems if p.code == "epub-image-missing")
    assert (pdf.path, pdf.line, pdf.message) == (epub.path, epub.line, epub.message)


HOSTILE = "<script>alert(1)</script> ]]> & \\\"x\\\" </title>"


@pytest.mark.slow
def test_a_hostile_title_and_author_are_text_in_a_valid_epub(tmp_path):
    docs_title = f'"{HOSTILE}"'
    body = "본문 <script>alert(2)</script> 과 <b onclick=\"alert(3)\">굵게</b>."
    settings = fixture(tmp_path, body + "\n", title=docs_title)
    ko = tmp_path / "docs" / ART.format(lang="ko")
    ko.write_text(ko.read_text(encoding="utf-8").replace("authors: [Brenna Foster]",
                                                         "authors: ['<img src=x onerror=alert(4)> ]]> &amp;']"),
                  encoding="utf-8")
    result = build(settings, tmp_path / "out", tmp_path / "cache")
    assert not result.failed, [p.format() for p in result.problems]
    dropped = [p.format() for p in result.problems if p.code == "epub-html-dropped"]
    line = GOOD.format(title=docs_title, body=body).splitlines().index(body) + 1
    assert any("<script>" in m and m.startswith(f"docs/{ART.format(lang='ko')}:{line}: warning:") for m in dropped), \
        dropped
    path = tmp_path / "out" / urls.epub_name("cityvoices/2014-1/test", "ko")
    files = entries(path)
    opf = xml(files["EPUB/package.opf"])
    title = '<script>alert(1)</script> ]]> & "x" </title>'
    assert opf.findtext(".//dc:title", namespaces=NS) == title
    assert opf.findtext(".//dc:creator", namespaces=NS) == "<img src=x onerror=alert(4)> ]]> &amp;"
    for name, data in files.items():
        if name.endswith(".xhtml"):
            root = xml(data)
            assert not root.xpath("//x:script|//x:img[@onerror]|//*[@onclick]", namespaces=NS), name
    chapter = xml(files["EPUB/c001.xhtml"])
    assert text_of(chapter.find(".//x:h1", NS)) == title
    report = epubcheck(path)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report


def test_the_cache_remakes_only_what_changed_and_keeps_a_good_epub(tmp_path):
    settings = fixture(tmp_path, "본문.\n\n![그림](images/fig-01.svg)\n")
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = build(settings, out, cache)
    assert sorted(first.made) == sorted([urls.epub_name("cityvoices/2014-1/test", "ko"),
                                         urls.epub_name("cityvoices/2014-1/test", "en"),
                                         urls.issue_epub_name("2014-1", "ko"), urls.issue_epub_name("2014-1", "en")])
    second = build(settings, out, cache)
    assert not second.made and len(second.cached) == 4
    # an edit to the English text remakes its EPUB and the English issue only
    en = tmp_path / "docs" / ART.format(lang="en")
    en.write_text(en.read_text(encoding="utf-8").replace("Body.", "A body."), encoding="utf-8")
    third = build(settings, out, cache)
    assert sorted(third.made) == sorted([urls.epub_name("cityvoices/2014-1/test", "en"),
                                         urls.issue_epub_name("2014-1", "en")])
    # an image changed in the folder remakes both languages' EPUBs that show it
    (tmp_path / "docs/cityvoices/2014-1/test/images/fig-01.svg").write_text(FIG.replace("FIG", "NEW"))
    assert len(build(settings, out, cache).made) == 4
    # a broken image: that EPUB fails and the good one stays
    good = (out / urls.epub_name("cityvoices/2014-1/test", "ko")).read_bytes()
    (tmp_path / "docs/cityvoices/2014-1/test/images/fig-01.svg").unlink()
    broken = build(settings, out, cache)
    assert urls.epub_name("cityvoices/2014-1/test", "ko") in broken.failed
    assert (out / urls.epub_name("cityvoices/2014-1/test", "ko")).read_bytes() == good


def test_an_unchanged_run_copies_from_the_cache_and_still_sees_a_changed_image(tmp_path):
    settings = fixture(tmp_path, "본문 <b onclick=\"x()\">굵게</b>.\n\n![그림](images/fig-01.svg)\n")
    out, cache = tmp_path / "out", tmp_path / "cache"
    every = lambda: runner.build_epubs(runner.read_sources(settings), settings, out, cache_dir=cache,  # noqa: E731
                                       workers=1, progress=False)
    first = every()
    names = sorted(first.made)
    assert names and not first.failed
    warning = [p.format() for p in first.problems if p.code == "epub-html-dropped"]
    second = every()  # the fast path: no catalogue, no Markdown
    assert not second.made and sorted(second.cached) == names and set(second.phases) == {"plan"}
    assert [p.format() for p in second.problems if p.code == "epub-html-dropped"] == warning  # still reported
    (tmp_path / "docs/cityvoices/2014-1/test/images/fig-01.svg").write_text(FIG.replace("FIG", "NEW"))
    third = every()
    assert sorted(third.made) == sorted([urls.epub_name("cityvoices/2014-1/test", "ko"),
                                         urls.epub_name("cityvoices/2014-1/test", "en"),
                                         urls.issue_epub_name("2014-1", "ko"), urls.issue_epub_name("2014-1", "en")])
    with zipfile.ZipFile(out / urls.epub_name("cityvoices/2014-1/test", "ko")) as zf:
        assert any(b"NEW" in zf.read(n) for n in zf.namelist() if n.endswith(".svg"))


def test_colliding_names_stop_the_run_before_anything_is_written(tmp_path):
    docs = dict(PAGES)
    docs["newsletters/a/b-c/index.ko.md"] = "---\ntitle: 하나\ntype: newsletter\ndate: 2014-01-01\n---\n\n본문.\n"
    docs["newsletters/a-b/c/index.ko.md"] = "---\ntitle: 둘\ntype: newsletter\ndate: 2014-01-01\n---\n\n본문.\n"
    settings = engine.load_site(make_fixture_project(tmp_path, docs))
    out = tmp_path / "out"
    result = runner.build_epubs(runner.read_sources(settings), settings, out, cache_dir=tmp_path / "cache",
                                workers=1, progress=False)
    msg = [p.format() for p in result.problems if p.code == "output-name-collision"]
    assert msg and "docs/newsletters/a/b-c/index.ko.md" in msg[0] and "docs/newsletters/a-b/c/index.ko.md" in msg[0]
    assert result.exit_code == 2 and not result.made and not out.exists()


def run_cli(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cityvoices", "epub", "-f", str(cfg), "-j", "2", *args],
                          cwd=cfg.parent, env=mkdocs_env(PYTHONPATH=str(ROOT / "scripts")), text=True,
                          capture_output=True, timeout=300)


@pytest.mark.slow  # six runs of the command, ~1-2 s each
def test_cli_counts_the_files_it_wrote_and_guards_its_output_folder(tmp_path):
    settings = fixture(tmp_path, "본문.\n")
    cfg = settings.config_file
    out = tmp_path / "books"
    proc = run_cli(cfg, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.name for p in out.glob("*.epub"))
    assert f"{len(written)} EPUB(s) made, 0 unchanged (cache), 0 failed" in proc.stdout, proc.stdout
    again = run_cli(cfg, "-o", str(out))
    assert f"0 EPUB(s) made, {len(written)} unchanged (cache)" in again.stdout
    # a folder with files we did not write, and the docs folder, are refused
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    for target in (foreign, tmp_path / "docs", tmp_path):
        proc = run_cli(cfg, "-o", str(target))
        assert proc.returncode == 2 and "[output-not-ours]" in proc.stderr, proc.stderr
    assert (foreign / "notes.txt").read_text() == "mine" and not list(foreign.glob("*.epub"))
    nope = run_cli(cfg, "-o", str(out), str(tmp_path / "docs" / "nope"))
    assert nope.returncode == 2 and "[epub-path]" in nope.stderr


@pytest.mark.build
def test_the_site_links_the_epubs_that_exist_and_none_that_dont(tmp_path):
    cfg = pdf_project(tmp_path, broken=True)
    # PDFs off in mkdocs.yml (this test needs no WeasyPrint), EPUBs on
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(re.sub(r"^    pdf: true", "    pdf: false", text, flags=re.M), encoding="utf-8")
    site = tmp_path / "site"
    proc = build_site(cfg, site, features={"pdf": True, "epub": True}, check=False, strict=False)
    assert proc.returncode == 2, proc.stderr  # an EPUB failed: the build says so
    assert "docs/cityvoices/2099-1/other/index.ko.md:11: error: image 'images/missing.svg' not found" in proc.stderr
    made = sorted(p.name for p in (site / "epub").glob("*.epub"))
    assert made == ["cityvoices-2099-1-good.en.epub", "cityvoices-2099-1-good.ko.epub"], made
    assert not (site / "pdf").exists()
    for page, lang in (("cityvoices/2099-1/good/index.html", "ko"), ("en/cityvoices/2099-1/good/index.html", "en")):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml")
        links = soup.select("p.cv-downloads a")
        assert [a.get_text() for a in links] == (["EPUB (한국어)", "한영 대역으로 읽기"] if lang == "ko" else
                                                 ["EPUB (English)", "Read side by side"])
        assert not soup.select("a.cv-pdf")
        assert (site / page).parent.joinpath(links[0]["href"]).resolve().is_file()
    # the broken article's EPUB and both issue EPUBs (which hold it) were not made: no link to them
    for page in ("cityvoices/2099-1/other/index.html", "cityvoices/index.html", "en/cityvoices/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "cv-epub" not in html, page
