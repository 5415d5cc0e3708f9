"""Issue 10's table of bad inputs, run against the real commands.

Every case asserts three things (see bad_input_cases.py for the table):

1. the exit code: 0 clean, 1 findings, 2 errors (the case's ``why`` says why);
2. the messages: ``path[:line]: severity: … [code]``, the path as pasted from
   the repository root (it must exist there), the line where there is one;
   a case with no message expected must not be named by any message;
3. nothing changed: the whole fixture tree, and the folder outside it, hash
   the same before and after (but for the files the command is meant to
   write); output folders that must be preserved lie inside the tree.

Quick cases (check, normalize, new, import, refused output folders) run one
by one in process.  Cases that need a site build share one build per group
(one fixture site holding every bad publication of the group): ERRORS (the
build stops: exit 2, the old site untouched), FINDINGS (warnings: exit 0,
with the offline zip), HOSTILE (hostile front matter and colliding names:
exit 0, with PDFs, opened in Chromium) and PDF_FAILURES (exit 2, the site
built without links to the PDFs that could not be made).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import bad_input_cases as T
from bad_input_cases import Case
from helpers import ROOT, build_site, child_pids, live_payloads, make_fixture_project, mkdocs_env

from cityvoices.cli import main
from cityvoices.problems import Problem


# -- the three assertions --------------------------------------------------------------------

def snapshot(*roots: Path, ignore: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Every entry under ``roots`` (links as links, never followed): kind,
    mode and content hash, so a rewritten file, a link replaced by a file or
    a chmod all show."""
    out: dict[str, tuple] = {}
    for root in roots:
        if not os.path.lexists(root):
            continue
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                p = Path(folder, name)
                rel = str(p)
                if any(rel == i or rel.startswith(i + os.sep) for i in ignore):
                    continue
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    out[rel] = ("link", os.readlink(p))
                elif stat.S_ISDIR(st.st_mode):
                    out[rel] = ("dir", stat.S_IMODE(st.st_mode))
                elif not stat.S_ISREG(st.st_mode):  # a pipe: never opened
                    out[rel] = ("special", st.st_mode)
                else:
                    out[rel] = ("file", stat.S_IMODE(st.st_mode), hashlib.sha256(p.read_bytes()).hexdigest())
            dirs[:] = [d for d in dirs if not os.path.islink(Path(folder, d))]
    return out


def assert_unchanged(before: dict, after: dict, root: Path, writes: tuple[str, ...] = ()) -> None:
    allowed = {str(root / w) for w in writes}
    allowed |= {str(p) for w in writes for p in (root / w).parents if str(p).startswith(str(root))}
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and k not in allowed)
    assert not changed, f"changed by the command: {changed}"
    for w in writes:
        assert before.get(str(root / w)) != after.get(str(root / w)), f"{w} was meant to be written"


def assert_messages(case: Case, out: str, root: Path, outside: Path, files: list[str] = ()) -> None:
    lines = out.splitlines()
    for m in case.messages:
        path = m.path.format(outside=outside, root=root)
        where = f"{path}:{m.line}" if m.line else path
        rx = re.compile(rf"^\s*{re.escape(where)}: {m.severity}: (?P<msg>.*) \[{re.escape(m.code)}\]$")
        hits = [ln for ln in lines if rx.match(ln)]
        assert hits, f"{case.id}: no `{where}: {m.severity}: … [{m.code}]` in:\n{out}"
        if m.text:
            assert any(m.text.format(outside=outside) in h for h in hits), (m.text, hits)
        # pasteable: the path names something that is there, from the repository root
        if not path.startswith("cityvoices "):
            p = Path(path) if os.path.isabs(path) else root / path
            assert os.path.lexists(p) or m.code in ("path", "not-found", "pdf-path", "bench-args", "new-docs",
                                                    "import-read"), f"{path} does not exist under {root}"
    if not case.messages:
        named = [ln for ln in lines if Problem.looks_formatted(ln.strip()) and any(f in ln for f in files)]
        assert not named, f"{case.id}: clean input, yet named in {named}"
    assert "Traceback" not in out, out


def writable_again(root: Path) -> None:
    """Undo read-only preparations, so that pytest can remove the tree."""
    for folder, dirs, _files in os.walk(root):
        for d in dirs:
            p = Path(folder, d)
            if not p.is_symlink():
                os.chmod(p, 0o755)


def run_quick(case: Case, tmp: Path, capsys, monkeypatch) -> str:
    root, outside = tmp / "project", tmp / "outside"
    outside.mkdir(parents=True)
    make_fixture_project(root, T.make_docs(case.pubs))
    T.setup(root, outside, case.pubs)
    if case.prepare:
        case.prepare(root, outside)
    before = snapshot(root, outside)
    monkeypatch.chdir(root / case.cwd)
    argv = [a.format(root=root, outside=outside, tmp=tmp) for a in case.argv] or ["check", "docs"]
    try:
        code = main(argv)
        out = capsys.readouterr()
        after = snapshot(root, outside)
    finally:
        writable_again(root)
    text = out.out + out.err
    assert code == case.exit, f"{case.id}: exit {code}, expected {case.exit} ({case.why})\n{text}"
    assert_messages(case, text, root, outside)
    assert_unchanged(before, after, root, case.writes)
    if case.check:
        case.check(root, outside, text)
    return text


@pytest.mark.parametrize("case", T.QUICK, ids=str)
def test_quick(case, tmp_path, capsys, monkeypatch):
    run_quick(case, tmp_path, capsys, monkeypatch)


@pytest.mark.pdf
@pytest.mark.parametrize("case", T.PDF_CLI, ids=str)
def test_pdf_command(case, tmp_path, capsys, monkeypatch):
    run_quick(case, tmp_path, capsys, monkeypatch)


def test_the_table_covers_issue_10():
    every = T.QUICK + T.ERRORS + T.FINDINGS + T.HOSTILE + T.PDF_FAILURES + T.PDF_CLI + T.PROCESS
    ids = [c.id for c in every]
    assert len(ids) == len(set(ids)), "case ids are unique"
    assert len(every) >= 60, len(every)
    for c in every:
        assert c.exit in (0, 1, 2) or c.exit > 128, c
        assert c.why and c.bullet, c


# -- the build groups ------------------------------------------------------------------------

@dataclass
class Built:
    root: Path
    outside: Path
    site: Path
    code: int
    out: str
    before: dict
    after: dict
    site_before: dict
    site_after: dict


def _pub_files(case: Case) -> list[str]:
    return [f"docs/{rel}" for name in case.pubs for rel in T.PUBS[name]]


def build_group(group: T.Group, cases: list[Case], tmp: Path) -> Built:
    root, outside = tmp / "project", tmp / "outside"
    outside.mkdir(parents=True)
    pubs = sorted({p for c in cases for p in c.pubs})
    cfg = make_fixture_project(root, T.make_docs(pubs), features=group.features)
    T.setup(root, outside, pubs)
    site = root / "site"  # a gh-pages worktree that carries our marker
    T._gh_pages("site", marker=True)(root, outside)
    ignore = (str(site), str(root / ".cache"))
    before, site_before = snapshot(root, outside, ignore=ignore), snapshot(site)
    proc = build_site(cfg, site, strict=group.strict, check=False, quiet=False, serial=group.serial,
                      features=group.features)
    out = proc.stdout + proc.stderr
    return Built(root, outside, site, proc.returncode, out, before, snapshot(root, outside, ignore=ignore),
                 site_before, snapshot(site))


def check_build_case(case: Case, group: T.Group, b: Built) -> None:
    assert group.exit == case.exit, f"{case.id} is in the wrong group"
    assert b.code == case.exit, f"{case.id}: the build exited {b.code}, expected {case.exit} ({group.why})\n{b.out}"
    assert_messages(case, b.out, b.root, b.outside, _pub_files(case))
    assert_unchanged(b.before, b.after, b.root)  # no source changed
    EXTRA.get(case.id, lambda case, b: None)(case, b)


@pytest.fixture(scope="module")
def errors_build(tmp_path_factory) -> Built:
    return build_group(T.G_ERRORS, T.ERRORS, tmp_path_factory.mktemp("errors"))


@pytest.fixture(scope="module")
def findings_build(tmp_path_factory) -> Built:
    return build_group(T.G_FINDINGS, T.FINDINGS, tmp_path_factory.mktemp("findings"))


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Built:
    return build_group(T.G_HOSTILE, T.HOSTILE, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def pdf_failures_build(tmp_path_factory) -> Built:
    return build_group(T.G_PDF, T.PDF_FAILURES, tmp_path_factory.mktemp("pdf-failures"))


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("case", T.ERRORS, ids=str)
def test_build_errors(case, errors_build):
    check_build_case(case, T.G_ERRORS, errors_build)
    # nothing was built: the old site (a marked gh-pages worktree) is byte for byte the same
    assert errors_build.site_after == errors_build.site_before
    assert not list(errors_build.root.glob(".site.*")), "temporary folders left behind"


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("group, case, built", [
    *[pytest.param(T.G_FINDINGS, c, "findings_build", id=str(c)) for c in T.FINDINGS],
    *[pytest.param(T.G_HOSTILE, c, "hostile_build", id=str(c), marks=pytest.mark.pdf) for c in T.HOSTILE]])
def test_build_findings(group, case, built, request):
    b = request.getfixturevalue(built)
    check_build_case(case, group, b)
    assert (b.site / "index.html").is_file()


@pytest.mark.build
@pytest.mark.pdf
@pytest.mark.slow
@pytest.mark.parametrize("case", T.PDF_FAILURES, ids=str)
def test_build_pdf_failures(case, pdf_failures_build):
    b = pdf_failures_build
    check_build_case(case, T.G_PDF, b)
    # the site is built, and no page links to a PDF that does not exist
    for page in b.site.rglob("*.html"):
        for a in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select("a.cv-pdf, a.cv-epub"):
            assert (page.parent / a["href"]).resolve().is_file(), (page, a["href"])
    for pdf in (b.site / "pdf").glob("*.pdf"):
        assert "0 embedded files" in _run("pdfdetach", "-list", str(pdf)), pdf


# -- per-case assertions on a build's output -------------------------------------------------

def _run(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def _page(b: Built, key: str, lang: str) -> BeautifulSoup:
    path = b.site / ("en/" if lang == "en" else "") / key / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _pdf_case(case: Case, b: Built) -> None:
    """The Korean PDF and EPUB that would carry the foreign file are not
    made, nor linked; the English ones are made and linked; no PDF holds an
    image."""
    key = f"{T.ISSUE}/{case.pubs[0]}"
    stem = key.replace("/", "-")
    assert not (b.site / "pdf" / f"{stem}.ko.pdf").exists()
    assert (b.site / "pdf" / f"{stem}.en.pdf").is_file()
    assert not (b.site / "epub" / f"{stem}.ko.epub").exists()
    assert (b.site / "epub" / f"{stem}.en.epub").is_file()
    assert not _page(b, key, "ko").select("a.cv-pdf, a.cv-epub")
    assert [a.get_text() for a in _page(b, key, "en").select("p.cv-downloads a")] == [
        "PDF (English)", "EPUB (English)", "Read side by side"]  # the side-by-side page needs no PDF
    for pdf in (b.site / "pdf").glob(f"{stem}.*.pdf"):
        images = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
        assert images == [], (pdf, images)


def _hangul(case: Case, b: Built) -> None:
    pdfs = sorted(p.name for p in (b.site / "pdf").glob("newsletters-2013-12-*.pdf"))
    assert pdfs == sorted(f"newsletters-2013-12-{city}.{kind}.pdf" for city in ("부산소식", "서울소식")
                          for kind in ("ko", "en", "bilingual")), pdfs
    for city, word in (("서울소식", "서울의"), ("부산소식", "부산의")):
        for lang in ("ko", "en"):
            page = _page(b, f"newsletters/2013-12/{city}", lang)
            links = [a["href"] for a in page.select("a.cv-pdf")]
            assert links and all(city in _unquote(h) for h in links), links
        text = _run("pdftotext", str(b.site / "pdf" / f"newsletters-2013-12-{city}.ko.pdf"), "-")
        assert word in text  # the PDF behind the link is this publication's own


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href)


def _gh_pages_kept(case: Case, b: Built) -> None:
    assert (b.site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (b.site / ".nojekyll").exists() and (b.site / ".cityvoices-output").exists()
    assert "the deployed site" not in (b.site / "index.html").read_text(encoding="utf-8")
    assert not list(b.root.glob(".site.*")), "temporary folders left behind"


def _bom_crlf_rendered(case: Case, b: Built) -> None:
    page = _page(b, f"{T.ISSUE}/bom-crlf", "ko")
    assert page.select("div.footnote li"), "the note of a BOM/CRLF file is rendered"
    assert "\ufeff" not in str(page) and "---" not in page.select_one("article").get_text()


def _payloads(case: Case) -> list[str]:
    if case.id == "build-xss-nav-page":
        return ["<script>alert(9)</script>", "<img src=x onerror=alert(10)>", "<script>alert(11)</script>"]
    value = T.XSS[case.pubs[0]][1]
    return value if isinstance(value, list) else [value]


def _xss(case: Case, b: Built) -> None:
    payloads = _payloads(case)
    pages = [p for p in b.site.rglob("*.html")]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert live_payloads(html) == [], page
        for payload in payloads:
            assert payload not in html, (page, payload)
    # the sitemap is XML, the search indexes JSON holding the text as text
    import xml.etree.ElementTree as ET

    for sm in b.site.rglob("sitemap.xml"):
        ET.parse(sm)
    found = False
    for shard in (b.site / "assets/javascripts/cv-search").glob("*/d-*.js"):
        body = re.fullmatch(r'cvSearch\("docs",\d+,(.*)\);\n', shard.read_text(encoding="utf-8"), re.S)
        assert body, shard
        found |= any(payloads[0] in json.dumps(rec, ensure_ascii=False) for rec in json.loads(body.group(1)))
    for index in b.site.rglob("search_index.json"):
        json.loads(index.read_text(encoding="utf-8"))
    if case.id == "build-xss-nav-page":
        for page in (b.site / "index.html", b.site / "reports" / "index.html"):  # the nav prints the status
            assert 'md-status--&quot;&gt;&lt;script&gt;alert(11)' in page.read_text(encoding="utf-8"), page
        for lang, title in (("ko", payloads[0]), ("en", payloads[1])):
            doc = _page(b, "reports", lang)
            assert doc.title.get_text() == f"{title} - CityVoices"  # escaped once, shown as text
            nav = [a.get_text(" ", strip=True) for a in doc.select("nav.md-tabs a, nav.md-nav--primary a")]
            assert nav and not any(title in t for t in nav), nav  # nav titles are mkdocs.yml's
        return
    key, value = T.XSS[case.pubs[0]]
    if key in ("title", "summary", "authors"):
        assert found, "the hostile text is searchable, as text"
    doc = _page(b, f"{T.ISSUE}/{case.pubs[0]}", "en")
    if key == "title":
        assert doc.title.get_text() == f"{value} - CityVoices"
        assert doc.select_one("h1").get_text(strip=True) == value
    if key == "description":
        assert doc.select_one('meta[name="description"]')["content"] == value
    stem = f"{T.ISSUE}/{case.pubs[0]}".replace("/", "-")
    for pdf in sorted((b.site / "pdf").glob(f"{stem}.*.pdf")):
        info = dict(line.split(":", 1) for line in _run("pdfinfo", "-enc", "UTF-8", str(pdf)).splitlines()
                    if ":" in line)
        if key == "title" and ".bilingual." not in pdf.name:
            assert info["Title"].strip() == value, info
        if key == "authors":
            assert info["Author"].strip() == ", ".join(value), info
        if key == "summary":
            assert value in info["Subject"], info
        if key == "tags":
            assert all(v in info.get("Keywords", "") for v in value), info
        assert "0 embedded files" in _run("pdfdetach", "-list", str(pdf))


def _unpaired_notice(case: Case, b: Built) -> None:
    en = _page(b, f"{T.ISSUE}/unpaired", "en")
    assert en.select_one(".cv-missing-translation") and en.select_one('[lang="ko"]'), "a notice over the Korean text"


def _pdfs_failed(case: Case, b: Built) -> None:
    assert re.search(r"\d+ link\(s\) to missing files were left out of the pages", b.out)


EXTRA = {
    **{c.id: _pdf_case for c in T.PDF_FAILURES if c.pubs},
    "build-pdfs-failed": _pdfs_failed,
    "build-hangul-twins": _hangul,
    "build-gh-pages": _gh_pages_kept,
    "build-bom-crlf": _bom_crlf_rendered,
    "build-unpaired": _unpaired_notice,
    **{f"build-{name}": _xss for name in T.XSS},
    "build-xss-nav-page": _xss,
}


def _offline_zip(case: Case, b: Built) -> None:
    zpath = b.site / "downloads" / "cityvoices-offline.zip"
    with zipfile.ZipFile(zpath) as z:
        infos = z.infolist()
    assert len(infos) > 20
    for info in infos:
        name = info.filename
        assert name.startswith("cityvoices-offline/") and ".." not in name.split("/"), name
        assert not name.startswith("/") and "\\" not in name, name
        assert not stat.S_ISLNK(info.external_attr >> 16), f"{name} is a symlink"
    names = {i.filename for i in infos}
    assert "cityvoices-offline/index.html" in names
    assert not any(n.endswith("x.txt") or "passwd" in n for n in names)


EXTRA["build-offline-zip"] = _offline_zip


# -- Chromium: no hostile value ever runs ---------------------------------------------------

XSS_CASES = [c for c in T.HOSTILE if c.id.startswith("build-xss")]


@pytest.mark.build
@pytest.mark.pdf
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("case", XSS_CASES, ids=str)
def test_xss_never_runs_in_chromium(case, hostile_build, serve, browser):
    base = serve(hostile_build.site)
    context = browser.new_context()
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    name = case.pubs[0]
    urls = (["reports/", "en/reports/", ""] if name == "xss-nav-page" else
            [f"{T.ISSUE}/{name}/", f"en/{T.ISSUE}/{name}/", "cityvoices/", "en/cityvoices/", "", "en/"])
    try:
        for url in urls:
            page.goto(base + url)
            page.mouse.move(200, 200)
            page.wait_for_timeout(50)
        if name != "xss-nav-page":
            for lang in ("", "en/"):
                page.goto(base + lang)
                page.click("input.md-search__input")
                page.keyboard.type(name)
                page.locator(".md-search-result__item").first.wait_for(timeout=15000)
                page.mouse.move(300, 300)
                page.wait_for_timeout(200)
        page.goto(base + "404.html")
        assert dialogs == [], dialogs
    finally:
        context.close()


# -- signals ---------------------------------------------------------------------------------

def _gone(pid: int) -> bool:
    try:
        return "zombie" in Path(f"/proc/{pid}/status").read_text() or False
    except FileNotFoundError:
        return True


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("case", T.PROCESS, ids=str)
def test_signals(case, tmp_path):
    from cityvoices.commands import build as cvbuild

    root, outside = tmp_path / "project", tmp_path / "outside"
    outside.mkdir()
    cfg = make_fixture_project(root, T.make_docs(case.pubs))
    T._gh_pages("site", marker=True)(root, outside)
    site = root / "site"
    before, site_before = snapshot(root, ignore=(str(site),)), snapshot(site)
    sig = signal.SIGTERM if case.id == "build-sigterm" else signal.SIGKILL
    proc = subprocess.Popen([sys.executable, "-m", "cityvoices", "build", "--no-pdf", "--no-offline",
                             "-f", str(cfg), "-d", str(site)], cwd=root, env=mkdocs_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children = child_pids(proc.pid, at_least=2)
    assert children, "no language process started"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    code = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    assert code == case.exit, (code, err)
    assert_messages(case, out + err, root, outside)
    time.sleep(0.5)
    assert all(_gone(pid) for pid in children), "a language process outlived the parent"
    assert snapshot(site) == site_before
    stale = list(root.glob(".site.build-*"))
    if sig == signal.SIGTERM:
        assert not stale, stale
    else:
        assert stale, "SIGKILL leaves the temporary folder"
        patterns = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
        assert any(fnmatch.fnmatch(stale[0].name, p.rstrip("/")) for p in patterns if p and p[0] != "#")
        cvbuild.clean_stale_builds(site)  # what the next build does first
        assert not list(root.glob(".site.build-*"))
    assert_unchanged(before, snapshot(root, ignore=(str(site),)), root)
