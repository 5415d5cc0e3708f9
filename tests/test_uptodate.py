"""The whole-site up-to-date check (cityvoices.uptodate): a build is skipped
only when nothing it reads changed and its output folder is as it left it.
First the check itself on a made-up project (no MkDocs), then real builds
of a small archive (marked build)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from helpers import ROOT, cityvoices, tree_digest

from cityvoices import archive, settings as _settings, textio, uptodate


# -- the check, on a made-up project -----------------------------------------------------------

def _project(tmp: Path) -> tuple[dict, list[uptodate.Root], Path]:
    (tmp / "docs" / "a").mkdir(parents=True)
    (tmp / "docs" / "a" / "index.ko.md").write_text("# 가\n", encoding="utf-8")
    (tmp / "docs" / "a" / "pic.svg").write_text("<svg/>", encoding="utf-8")
    (tmp / "overrides").mkdir()
    (tmp / "overrides" / "main.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    (tmp / "hooks.py").write_text("# hooks\n", encoding="utf-8")
    (tmp / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    site = tmp / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<p>가</p>", encoding="utf-8")
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    textio.mark_output_dir(site)
    settings = _settings.SiteSettings(config_file=tmp / "mkdocs.yml", docs_dir=tmp / "docs", site_dir=site,
                                      site_url="", extensions=[], configs={}, theme_dir=tmp / "overrides",
                                      hooks=[tmp / "hooks.py"])
    req = uptodate.request(tmp / "mkdocs.yml", None, strict=False, overrides={"pdf": False})
    return req, uptodate.roots_of(settings), site


def _age(path: Path, seconds: float = 10.0) -> None:
    """Move a file's time back (out of the racy window of the scan after it)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - int(seconds * 1e9)))


def _age_all(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            _age(p)


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[dict, Path, Path]:
    req, roots, site = _project(tmp_path)
    _age_all(tmp_path)
    snap = uptodate.before_build(req, roots, site)
    assert snap is not None and uptodate.record(snap, site)
    assert uptodate.check(req) == (site.resolve(), "")
    return req, tmp_path, site


def test_known_digests_are_the_inputs_not_racy_by_absolute_path(tmp_path: Path) -> None:
    from cityvoices import buildcache

    req, roots, site = _project(tmp_path)
    racy = tmp_path / "docs" / "a" / "new.md"
    racy.write_text("방금", encoding="utf-8")
    later = time.time_ns() + 60 * 10**9
    os.utime(racy, ns=(later, later))  # modified after the scan (as if in its tick): hashed again
    snap = uptodate.before_build(req, roots, site)
    # the scan as if taken 10 s after the files were written (a ctime cannot be set back)
    known = uptodate.known_digests(dataclasses.replace(snap, scanned_ns=snap.scanned_ns + 10 * 10**9))
    page = tmp_path / "docs" / "a" / "index.ko.md"
    assert known[os.path.abspath(page)][3] == buildcache.digest(page.read_bytes())
    assert os.path.abspath(tmp_path / "hooks.py") in known  # a one-file root
    assert os.path.abspath(tmp_path / "overrides" / "main.html") in known
    assert os.path.abspath(racy) not in known


def test_nothing_changed_is_up_to_date_and_a_touch_is_not_a_change(recorded) -> None:
    req, root, _site = recorded
    assert uptodate.check(req)[0] is not None
    os.utime(root / "docs" / "a" / "index.ko.md")  # a new time, the same bytes
    assert uptodate.check(req)[0] is not None


@pytest.mark.parametrize("path", ["docs/a/index.ko.md", "docs/a/pic.svg", "overrides/main.html", "hooks.py",
                                  "mkdocs.yml"])
def test_an_edit_of_any_input_is_a_change(recorded, path: str) -> None:
    req, root, _site = recorded
    target = root / path
    data = target.read_bytes()
    target.write_bytes(data[:-1] + (b"X" if data[-1:] != b"X" else b"Y"))  # same size
    st = target.stat()
    assert uptodate.check(req) == (None, "an input changed")
    # even with its old time put back (its ctime cannot be)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert uptodate.check(req)[0] is None


def test_an_edit_in_the_same_tick_as_the_scan_is_seen(tmp_path: Path) -> None:
    # the record of a file modified right before the scan is racy: its time
    # cannot tell a second edit of the same size in the same tick
    req, roots, site = _project(tmp_path)
    src = tmp_path / "docs" / "a" / "index.ko.md"
    snap = uptodate.before_build(req, roots, site)
    assert uptodate.record(snap, site)
    st = src.stat()
    src.write_text("# 나\n", encoding="utf-8")
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same size and time as recorded
    assert uptodate.check(req) == (None, "an input changed")


def test_a_named_pipe_in_the_docs_is_never_opened(tmp_path: Path) -> None:
    # reading a FIFO blocks until a writer comes: the scan records its kind
    # and times only (the build itself reports it, test_bad_input build-fifo)
    req, roots, site = _project(tmp_path)
    os.mkfifo(tmp_path / "docs" / "a" / "pipe.md")
    scan = uptodate.scan_inputs(roots)
    assert [v[3] for k, v in scan.items() if k.endswith("a/pipe.md")] == [f"special:{0o010000}"]


@pytest.mark.parametrize("change", ["added", "removed", "code"])
def test_added_and_removed_files_are_changes(recorded, change: str) -> None:
    req, root, _site = recorded
    if change == "added":
        (root / "docs" / "a" / "index.en.md").write_text("# A\n", encoding="utf-8")
    elif change == "removed":
        (root / "docs" / "a" / "pic.svg").unlink()
    else:  # the package's own code is an input: check it sees a new module
        stamp = json.loads((recorded[2] / uptodate.STAMP).read_text(encoding="utf-8"))
        assert any(k.startswith("code:") and k.endswith("uptodate.py") for k in stamp["inputs"])
        stamp["inputs"]["code:uptodate.py"][0] -= 1  # an older version, of another size
        stamp["inputs"]["code:uptodate.py"][3] = "an older version"
        (recorded[2] / uptodate.STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    assert uptodate.check(req) == (None, "an input changed")


def test_the_linked_share_of_a_site_counts_bytes_not_files(tmp_path: Path) -> None:
    # a site whose many small search shards are links into the old site but
    # whose pages are new holds most of its bytes anew: the old tree is removed now
    site, old = tmp_path / "site", tmp_path / "old"
    (site / "shards").mkdir(parents=True)
    old.mkdir()
    for i in range(20):
        (old / f"{i}.js").write_bytes(b"x" * 10)
        os.link(old / f"{i}.js", site / "shards" / f"{i}.js")
    (site / "page.html").write_bytes(b"p" * 1000)
    share = uptodate.linked_share(uptodate.scan_outputs(site))
    assert share == pytest.approx(200 / 1200)
    shutil.rmtree(old)  # the old site gone: nothing is shared any more
    assert uptodate.linked_share(uptodate.scan_outputs(site)) == 0.0


@pytest.mark.parametrize("after", ["other-link-removed", "linked-file-edited"])
def test_an_output_shared_with_the_replaced_site_may_lose_that_link(tmp_path: Path, after: str) -> None:
    # a warm build's page is a hard link into the site it replaced; removing
    # that site after the stamp changes the page's ctime, not the page
    req, roots, site = _project(tmp_path)
    page = site / "a" / "index.html"
    old_copy = tmp_path / ".site.old-1-0" / "a" / "index.html"
    old_copy.parent.mkdir(parents=True)
    os.link(page, old_copy)
    _age_all(tmp_path)
    snap = uptodate.before_build(req, roots, site)
    assert snap is not None and uptodate.record(snap, site)
    shutil.rmtree(tmp_path / ".site.old-1-0")
    if after == "other-link-removed":
        assert uptodate.check(req) == (site.resolve(), "")
        st = (site / "index.html").stat()  # a file without other links keeps its ctime check
        (site / "index.html").write_text("<p>h0me</p>", encoding="utf-8")
        os.utime(site / "index.html", ns=(st.st_atime_ns, st.st_mtime_ns))
    else:  # still seen: its size, time or inode (here the time) tells
        page.write_text("<p>나나</p>", encoding="utf-8")
    assert uptodate.check(req) == (None, "the output folder changed")


@pytest.mark.parametrize("tamper", ["deleted", "edited", "edited-time-restored", "added", "folder-removed",
                                    "marker-removed", "stamp-removed"])
def test_a_changed_output_folder_is_rebuilt(recorded, tamper: str) -> None:
    req, _root, site = recorded
    page = site / "a" / "index.html"
    if tamper == "deleted":
        page.unlink()
    elif tamper.startswith("edited"):
        st = page.stat()
        page.write_text("<p>나</p>", encoding="utf-8")  # the same size
        if tamper == "edited-time-restored":
            os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif tamper == "added":
        (site / "extra.html").write_text("x", encoding="utf-8")
    elif tamper == "folder-removed":
        shutil.rmtree(site / "a")
    elif tamper == "marker-removed":
        (site / textio.OUTPUT_MARKER).unlink()
    else:
        (site / uptodate.STAMP).unlink()
    assert uptodate.check(req)[0] is None


def test_another_request_or_environment_is_not_up_to_date(recorded, monkeypatch) -> None:
    req, root, _site = recorded
    for other in (dict(req, strict=True), dict(req, overrides={}), dict(req, site_dir=str(root / "x"))):
        assert uptodate.check(other)[0] is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert uptodate.check(req) == (None, "the Python environment changed")


def test_an_input_changed_during_the_build_writes_no_stamp(tmp_path: Path) -> None:
    req, roots, site = _project(tmp_path)
    snap = uptodate.before_build(req, roots, site)
    (tmp_path / "docs" / "a" / "index.ko.md").write_text("# 다른 글\n", encoding="utf-8")  # while building
    assert not uptodate.record(snap, site)
    assert not (site / uptodate.STAMP).exists() and uptodate.check(req)[0] is None


@pytest.mark.parametrize("text", ["site_name: !ENV [NAME, T]\n", "INHERIT: base.yml\nsite_name: T\n"])
def test_a_configuration_reading_elsewhere_is_never_skipped(tmp_path: Path, text: str) -> None:
    req, roots, site = _project(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert uptodate.before_build(req, roots, site) is None


def test_a_damaged_stamp_is_not_up_to_date(recorded) -> None:
    req, _root, site = recorded
    (site / uptodate.STAMP).write_text('{"format": 1, "request": ', encoding="utf-8")
    assert uptodate.check(req)[0] is None


# -- real builds --------------------------------------------------------------------------------

def _build(root: Path, dest: str = "site", *extra: str) -> tuple[dict, str]:
    stats = root / "stats.json"
    proc = cityvoices("build", "--no-pdf", "--no-offline", "--strict", "-f", str(root / "mkdocs.yml"),
                      "-d", str(root / dest), "--stats", str(stats), *extra, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(stats.read_text(encoding="utf-8")), proc.stderr


def _times(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino) for p in site.rglob("*")}


def _site(site: Path) -> dict[str, bytes]:
    tree = tree_digest(site)
    for name in (textio.OUTPUT_MARKER, uptodate.STAMP):
        tree.pop(name, None)
    return tree


@pytest.mark.build
def test_build_is_skipped_only_when_nothing_changed(tmp_path: Path) -> None:
    root = tmp_path / "project"
    archive.write_archive(root, 3)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    cfg = root / "mkdocs.yml"
    cfg.write_text(re.sub(r"^  custom_dir: .*$", "  custom_dir: overrides", cfg.read_text(encoding="utf-8"),
                          count=1, flags=re.M), encoding="utf-8")
    site = root / "site"
    stats, _ = _build(root)
    assert stats["processes"] and (site / uptodate.STAMP).is_file()

    # no change: no MkDocs run, nothing written
    before = _times(site)
    stats, err = _build(root)
    assert stats.get("up_to_date") is True and stats["processes"] == {}, stats
    assert "site up to date" in err
    assert _times(site) == before

    # an output file deleted: built again, and the file is back
    page = next(site.glob("*/*/pub-00000/index.html"))
    page.unlink()
    stats, _ = _build(root)
    assert stats["processes"] and page.is_file()

    # the inputs of this project's build, as the build lists them: every kind
    # of input the check on a made-up project shows is a change (above)
    from cityvoices.integrations import engine

    roots = {r.label: r.path for r in uptodate.roots_of(engine.load_site(cfg))}
    assert {k: roots.get(k) for k in ("config", "docs", "theme")} == {
        "config": str(cfg.resolve()), "docs": str((root / "docs").resolve()),
        "theme": str((root / "overrides").resolve())}

    # inputs edited: built again (a source; the template and the configuration), the same as a cold build
    src = next((root / "docs").glob("*/*/pub-00001/index.en.md"))
    edits = [
        [(src, lambda t: re.sub(r"^(?!#|---|\w+:|  -)(\S+) ", "Zyxuptodateword ", t, count=1, flags=re.M))],
        [(root / "overrides" / "main.html", lambda t: t + "\n{# edited #}\n"),
         (cfg, lambda t: re.sub(r"^site_description: .*$", "site_description: Up-to-date test", t, count=1,
                                flags=re.M))],
    ]
    for group in edits:
        for path, edit in group:
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        stats, err = _build(root)
        assert stats["processes"] and "site up to date" not in err, group
        stats, _ = _build(root)
        assert stats.get("up_to_date") is True, group
    assert "Zyxuptodateword" in next(site.glob("en/*/*/pub-00001/index.html")).read_text(encoding="utf-8")
    _build(root, "cold", "--no-cache")
    assert _site(site) == _site(root / "cold")

    # another switch is another request: built
    stats, _ = _build(root, "site", "--no-search")
    assert stats["processes"]
