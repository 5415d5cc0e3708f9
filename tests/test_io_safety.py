"""File-system safety: nothing outside docs/ is read into the site, a PDF or
the zip; no command deletes or replaces what it did not write; interrupted
builds leave nothing behind; failures are messages with honest exit codes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, build_site, child_pids, make_fixture_project, mkdocs_env, tree_digest
from test_build_input import ART, GOOD, PAGES

from cityvoices import offline, textio
from cityvoices.cli import main
from cityvoices.commands import build as cvbuild
from cityvoices.problems import CityVoicesError, Problem


def project(tmp: Path, extra: dict | None = None, **kw) -> Path:
    docs = dict(PAGES)
    docs[ART.format(lang="ko")] = GOOD.format(title="시험", body="본문.")
    docs[ART.format(lang="en")] = GOOD.format(title="Test", body="Body.")
    docs.update(extra or {})
    return make_fixture_project(tmp, docs, **kw)


# -- textio ------------------------------------------------------------------------------------

def test_atomic_write_goes_through_a_symlink_to_its_target(tmp_path):
    target = tmp_path / "real.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    textio.atomic_write(link, b"new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("what", ["file", "folder"])
def test_atomic_write_refuses_read_only(tmp_path, what):
    folder = tmp_path / "d"
    folder.mkdir()
    path = folder / "x.md"
    path.write_text("old", encoding="utf-8")
    (path if what == "file" else folder).chmod(0o444 if what == "file" else 0o555)
    try:
        with pytest.raises(CityVoicesError) as err:
            textio.atomic_write(path, b"new")
        assert err.value.problem.code == "read-only" and err.value.problem.path.endswith("x.md")
        assert path.read_text(encoding="utf-8") == "old"
        assert [p.name for p in folder.iterdir()] == ["x.md"]  # no temporary file left
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


def test_a_file_is_linked_to_the_replaced_site_only_when_it_holds_the_same_bytes(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "same.html").write_bytes(b"<p>same</p>")
    (old / "other.html").write_bytes(b"<p>else</p>")  # same size, other bytes
    (old / "longer.html").write_bytes(b"<p>same</p>!")
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"<p>same</p>")
    (old / "link.html").symlink_to(outside)  # a symlink is never followed, even to the same bytes
    new = tmp_path / "new"
    new.mkdir()
    data = b"<p>same</p>"
    assert textio.write_or_link(new / "same.html", data, old / "same.html") is True
    assert (new / "same.html").stat().st_ino == (old / "same.html").stat().st_ino
    for name in ("other.html", "longer.html", "link.html", "missing.html"):
        assert textio.write_or_link(new / name, data, old / name) is False, name
        assert (new / name).read_bytes() == data and not (new / name).is_symlink()
        assert (new / name).stat().st_ino != os.stat(old / "same.html").st_ino
    assert (old / "other.html").read_bytes() == b"<p>else</p>" and outside.read_bytes() == data
    assert textio.write_or_link(new / "none.html", data, None) is False
    assert textio.link_if_same(new / "same.html", data, old / "same.html") is False  # exists: never replaced


def test_walker_reports_symlinks_leaving_the_docs_folder(tmp_path):
    docs = tmp_path / "docs"
    (docs / "a" / "images").mkdir(parents=True)
    (docs / "a" / "index.ko.md").write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.ko.md").write_text("y", encoding="utf-8")
    (docs / "a" / "images" / "x.txt").symlink_to("/etc/passwd")
    (docs / "b").symlink_to(outside, target_is_directory=True)
    (docs / "a" / "same.md").symlink_to(docs / "a" / "index.ko.md")  # inside: fine
    files, problems = textio.walk_docs(docs, "docs/")
    assert [rel for rel, _ in files] == ["a/index.ko.md", "a/same.md"]
    assert sorted((p.path, p.code, p.severity) for p in problems) == [
        ("docs/a/images/x.txt", "symlink-outside", "error"), ("docs/b", "symlink-outside", "error")]
    with pytest.raises(CityVoicesError, match="outside the docs folder"):
        textio.source_files(docs, "docs/")


@pytest.mark.parametrize("setup, ok", [
    ("missing", True), ("empty", True), ("marked", True), ("inside-marked", True),
    ("sources", False), ("git", False), ("unknown-file", False), ("is-a-file", False), ("holds-docs", False),
])
def test_output_folder_must_be_ours(tmp_path, setup, ok):
    out = tmp_path / "out"
    docs = tmp_path / "docs"
    docs.mkdir()
    if setup != "missing" and setup != "is-a-file":
        out.mkdir()
    if setup == "marked":
        (out / textio.OUTPUT_MARKER).write_text("")
        (out / "index.html").write_text("old site")
    elif setup == "inside-marked":
        (out / textio.OUTPUT_MARKER).write_text("")
        out = out / "pdf"
        out.mkdir()
        (out / "old.pdf").write_text("x")
    elif setup == "sources":
        (out / "index.ko.md").write_text("source")
    elif setup == "git":
        (out / ".git").mkdir()
    elif setup == "unknown-file":
        (out / "notes.txt").write_text("mine")
    elif setup == "is-a-file":
        out.write_text("a file")
    elif setup == "holds-docs":
        out = tmp_path
    if ok:
        textio.check_output_dir(out, protect=(docs,))
    else:
        with pytest.raises(CityVoicesError) as err:
            textio.check_output_dir(out, protect=(docs,))
        assert err.value.problem.code == "output-not-ours"


# -- the commands refuse before they write ----------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["offline", "--dir", "{docs}"],
    ["offline", "--dir", "{root}"],
    ["offline", "-o", "{docs}/cityvoices/index.ko.md"],
    ["build", "-d", "{docs}"],
    ["build", "-d", "{root}"],
    ["build", "-d", "{git}"],
    ["pdf", "-o", "{docs}"],
    ["pdf", "-o", "{git}"],
])
def test_commands_refuse_folders_they_did_not_write(tmp_path, argv, capsys):
    cfg = project(tmp_path)
    git = tmp_path / "worktree"
    (git / ".git").mkdir(parents=True)
    (git / ".nojekyll").write_text("")
    before = tree_digest(tmp_path)
    names = {"docs": tmp_path / "docs", "root": tmp_path, "git": git}
    args = [a.format(**names) for a in argv] + ["-f", str(cfg)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(Problem.looks_formatted(line) for line in err), err
    # ours, or MkDocs' own refusal of a site_dir that holds docs_dir
    assert "[output-not-ours]" in err[-1] or "[config]" in err[-1] and "site_dir" in err[-1]
    assert tree_digest(tmp_path) == before  # nothing written, nothing deleted


def test_pdf_path_that_matches_nothing_is_an_error(tmp_path, capsys):
    cfg = project(tmp_path)
    assert main(["pdf", "-f", str(cfg), "-o", str(tmp_path / "o"), str(tmp_path / "docs" / "nope")]) == 2
    assert "docs/nope: error: matches no publication" in capsys.readouterr().err
    assert main(["pdf", "-f", str(cfg), "-o", str(tmp_path / "o"), "/etc"]) == 2
    assert "/etc: error: not inside the docs folder" in capsys.readouterr().err


def test_zip_writer_refuses_symlinks_and_keeps_to_the_site(tmp_path):
    site = tmp_path / "site"
    (site / "images").mkdir(parents=True)
    (site / "index.html").write_text('<a href="images/">x</a>', encoding="utf-8")
    (site / "images" / "ok.txt").write_text("ok")
    names = sorted(zipfile.ZipFile(io.BytesIO(offline.zip_bytes(site))).namelist())
    assert names == ["cityvoices-offline/images/ok.txt", "cityvoices-offline/index.html"]
    (site / "images" / "x.txt").symlink_to("/etc/passwd")
    with pytest.raises(CityVoicesError) as err:
        offline.zip_bytes(site)
    assert err.value.problem.code == "offline-symlink" and err.value.problem.path.endswith("images/x.txt")
    (site / "images" / "x.txt").unlink()
    (site / "linked").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(CityVoicesError):
        offline.zip_bytes(site)


def test_stale_temporary_build_folders_of_dead_builds_are_removed(tmp_path):
    dest = tmp_path / "site"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".site.build-{dead.pid}-abc"
    stale.mkdir()
    alive = tmp_path / f".site.build-{os.getpid() + 0}-mine"  # our own pid: kept
    alive.mkdir()
    cvbuild.clean_stale_builds(dest)
    assert not stale.exists() and alive.exists()
    assert ".site.build-*" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_a_retired_tree_is_removed_without_following_its_symlinks(tmp_path):
    dest = tmp_path / "site"
    dest.mkdir()
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "keep.txt").write_text("not ours")
    new = tmp_path / "new"
    (new / "a" / "b").mkdir(parents=True)
    (new / "a" / "b" / "page.html").write_text("new")
    (dest / "a").mkdir()
    (dest / "a" / "old.html").write_text("old")
    (dest / "a" / "link").symlink_to(outside, target_is_directory=True)
    (dest / "file-link").symlink_to(outside / "deep" / "keep.txt")
    old = cvbuild.place_into(new, dest, keep_old=True)
    assert old is not None and old.name.startswith(f".site.old-{os.getpid()}-")
    assert cvbuild.retired_trees(dest) == [old] and (dest / "a" / "b" / "page.html").read_text() == "new"
    (tmp_path / ".site.old-1-0").symlink_to(outside, target_is_directory=True)  # not a tree we retired
    assert cvbuild.retired_trees(dest) == [old]
    cvbuild.remove_trees(cvbuild.retired_trees(dest))
    assert not old.exists() and (outside / "deep" / "keep.txt").read_text() == "not ours"
    assert (tmp_path / ".site.old-1-0").is_symlink()


def test_place_into_keeps_dotfiles_of_the_old_site(tmp_path):
    dest, new = tmp_path / "site", tmp_path / "new"
    (dest / ".git").mkdir(parents=True)
    (dest / ".git" / "HEAD").write_text("ref")
    (dest / ".nojekyll").write_text("")
    (dest / "old.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    cvbuild.place_into(new, dest)
    assert sorted(p.name for p in dest.iterdir()) == [".cityvoices-output", ".git", ".nojekyll", "index.html"]
    assert (dest / ".git" / "HEAD").read_text() == "ref" and not new.exists()
    assert not list(tmp_path.glob(".site.old-*"))


# -- builds ------------------------------------------------------------------------------------

@pytest.mark.build
def test_build_into_a_gh_pages_worktree_keeps_git_and_nojekyll(tmp_path):
    cfg = project(tmp_path)
    site = tmp_path / "site"
    (site / ".git").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / ".nojekyll").write_text("")
    (site / "stale.html").write_text("from an earlier deploy")
    proc = build_site(cfg, site, check=False, serial=False)
    assert proc.returncode == 2 and "add an empty .cityvoices-output file" in proc.stderr
    (site / textio.OUTPUT_MARKER).write_text("")
    build_site(cfg, site, serial=False)
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (site / ".nojekyll").exists() and (site / "index.html").exists() and not (site / "stale.html").exists()
    build_site(cfg, site, serial=True)  # the serial build keeps them too
    assert (site / ".git" / "HEAD").exists() and (site / ".nojekyll").exists()
    assert not list(tmp_path.glob(".site.*"))


@pytest.mark.build
@pytest.mark.parametrize("link, target", [
    (f"{Path(ART).parent}/images/x.txt", "/etc/passwd"),
    ("cityvoices/2014-1/linked", "{outside}"),
])
def test_symlinks_out_of_docs_stop_the_build(tmp_path, link, target):
    cfg = project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.ko.md").write_text(GOOD.format(title="밖", body="밖의 글."), encoding="utf-8")
    path = tmp_path / "docs" / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target.format(outside=outside))
    site = tmp_path / "site"
    proc = build_site(cfg, site, check=False, serial=False)
    assert proc.returncode == 2, proc.stderr
    assert f"docs/{link}: error: " in proc.stderr and "[symlink-outside]" in proc.stderr
    assert "Traceback" not in proc.stderr and not site.exists()


@pytest.mark.build
def test_unreadable_source_is_a_message_not_a_traceback(tmp_path):
    cfg = project(tmp_path)
    broken = tmp_path / "docs" / "cityvoices" / "2014-1" / "gone" / "index.ko.md"
    broken.parent.mkdir(parents=True)
    broken.symlink_to(broken.parent / "missing.md")  # inside docs, but nothing to read
    proc = build_site(cfg, tmp_path / "site", check=False, serial=False)
    assert proc.returncode == 2
    assert "docs/cityvoices/2014-1/gone/index.ko.md: error: cannot read the file" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.build
def test_sigterm_to_the_parent_stops_the_children_and_cleans_up(tmp_path):
    cfg = project(tmp_path)
    site = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-m", "cityvoices", "build", "--no-pdf", "--no-offline",
                             "-f", str(cfg), "-d", str(site)], cwd=tmp_path, env=mkdocs_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children = child_pids(proc.pid, at_least=2)
    assert children, "no language process started"
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "stopped by signal" in err and "Traceback" not in err
    time.sleep(0.5)
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text(), pid
    assert not site.exists() and not list(tmp_path.glob(".site.build-*"))


@pytest.mark.build
@pytest.mark.pdf
def test_failed_pdfs_exit_2_and_their_links_are_left_out(tmp_path):
    bad = GOOD.format(title="시험", body="본문.\n\n![그림](images/missing.svg)\n")
    cfg = project(tmp_path, {ART.format(lang="ko"): bad})
    site = tmp_path / "site"
    for serial in (False, True):
        # not --strict: under --strict the PDF's error fails the whole build
        proc = build_site(cfg, site, check=False, serial=serial, strict=False, features={"pdf": True, "epub": False})
        assert proc.returncode == 2, proc.stderr
        assert "docs/cityvoices/2014-1/test/index.ko.md:11: error: image 'images/missing.svg' not found" in proc.stderr
        assert "[pdf-failed]" in proc.stderr
        for page in site.rglob("*.html"):
            for a in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select("a.cv-pdf"):
                assert (page.parent / a["href"]).resolve().is_file(), (page, a["href"])
        # the English PDF of the same publication was made and stays linked
        en = BeautifulSoup((site / "en" / ART.rsplit("/", 1)[0] / "index.html").read_text(encoding="utf-8"), "lxml")
        assert [a.get_text() for a in en.select("p.cv-downloads a.cv-pdf")] == ["PDF (English)"]
