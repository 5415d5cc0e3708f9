"""Editions at scale (issue 15, item 5): the shard arithmetic, cache keys
that hold nothing of the machine, and ``--shard K/N`` / ``--merge`` end to
end (two shards, made in two copies of the project as two CI runners would,
merged in a third, give the files of one unsharded run, and the site built
after the merge takes every PDF from the cache and links exactly those)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, build_site, make_fixture_project, mkdocs_env, tree_digest

from cityvoices import shards
from cityvoices.archive import write_archive
from cityvoices.epub import runner as epub_runner
from cityvoices.integrations import engine
from cityvoices.pdf import runner

N_MAX = 8


# -- the arithmetic (pure) ---------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [("1/1", (1, 1)), ("2/4", (2, 4)), (" 3 / 8 ", (3, 8)), ("8/8", (8, 8))])
def test_a_shard_is_k_of_n(text, expected):
    assert shards.parse(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("0/4", "between 1 and 4"), ("5/4", "between 1 and 4"), ("1/0", "between 1 and 256"),
    ("2", "K/N"), ("a/b", "K/N"), ("", "K/N"), ("1/4000", "between 1 and 256"), ("-1/4", "K/N"),
])
def test_a_bad_shard_says_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        shards.parse(text)


@pytest.fixture(scope="module")
def archive_jobs(tmp_path_factory):
    """The PDF and EPUB jobs of a 200-publication archive (planned, nothing rendered)."""
    root = tmp_path_factory.mktemp("shard-archive")
    write_archive(root, 200)
    settings = engine.load_site(root / "mkdocs.yml")
    sources = runner.read_sources(settings)
    pdfs, _ = runner.plan(sources, settings, lazy=True)
    epubs, _, _ = epub_runner.plan(sources, settings)
    assert len(pdfs) > 550 and len(epubs) > 380
    return {"pdf": {j.name: j.cost for j in pdfs}, "epub": {j.name: j.cost for j in epubs}}


@pytest.mark.parametrize("edition", ["pdf", "epub"])
@pytest.mark.parametrize("n", range(1, N_MAX + 1))
def test_every_job_is_in_exactly_one_shard(archive_jobs, edition, n):
    costs = archive_jobs[edition]
    parts = shards.partition(costs, n)
    assert len(parts) == n
    every = [name for part in parts for name in part]
    assert sorted(every) == sorted(costs)  # each once: none lost, none twice
    for k in range(1, n + 1):
        assert shards.part_of(costs, k, n) == set(parts[k - 1])


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_shards_do_not_depend_on_the_order_of_the_jobs(archive_jobs, n):
    costs = archive_jobs["pdf"]
    expected = shards.partition(costs, n)
    rng = random.Random(n)
    for _ in range(5):
        names = list(costs)
        rng.shuffle(names)
        assert shards.partition({name: costs[name] for name in names}, n) == expected


@pytest.mark.parametrize("edition", ["pdf", "epub"])
@pytest.mark.parametrize("n", [2, 4, 8])
def test_shards_are_balanced_on_an_archive(archive_jobs, edition, n):
    costs = archive_jobs[edition]
    loads = [sum(costs[name] for name in part) for part in shards.partition(costs, n)]
    assert shards.balance(loads) <= 1.15, loads
    # far better than one shard per job kind or by hashing names (what balance is about)
    assert shards.balance(loads) <= 1.01, loads


def test_a_few_large_jobs_go_to_different_shards():
    costs = {"issue-a": 100, "issue-b": 100, "issue-c": 100, **{f"page-{i}": 10 for i in range(30)}}
    parts = shards.partition(costs, 3)
    assert [sum(1 for name in part if name.startswith("issue")) for part in parts] == [1, 1, 1]
    assert shards.balance([sum(costs[x] for x in p) for p in parts]) == 1.0
    assert shards.partition({}, 2) == [[], []]
    assert shards.partition({"only": 5}, 3) == [["only"], [], []]


# -- cache keys: nothing of the machine ----------------------------------------------------------

ART = "cityvoices/2099-1/{slug}/index.{lang}.md"
FIG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
       '<rect width="400" height="200" fill="#ccd"/><text x="20" y="100" font-size="40">FIG</text></svg>')


def article(lang: str, title: str, image: str = "images/fig-01.svg") -> str:
    body = ("서울은 회장 도시로서 다른 아시아 태평양 도시에 모범을 보일 것이다[^1]."
            if lang == "ko" else "Seoul will lead other cities in the Asia Pacific as President city[^1].")
    note = "시티넷 총회 자료" if lang == "ko" else "CITYNET congress papers"
    return (f"---\ntitle: {title}\ntype: article\ndate: 2014-01-15\nissue: 2099-1\nauthors: [Editor]\n---\n\n"
            f"{body}\n\n![alt]({image})\n\n/// figure-caption\n{title}\n///\n\n[^1]: {note}\n")


def project(tmp: Path, *, broken: bool = False) -> Path:
    docs = {
        "index.ko.md": "---\ntitle: 홈\ntype: page\nlisting: latest\n---\n\n# 홈\n",
        "index.en.md": "---\ntitle: Home\ntype: page\nlisting: latest\n---\n\n# Home\n",
        "cityvoices/index.ko.md": "---\ntitle: 시티보이스\ntype: page\nlisting: article\n---\n\n# 시티보이스\n",
        "cityvoices/index.en.md": "---\ntitle: CityVoices\ntype: page\nlisting: article\n---\n\n# CityVoices\n",
        ART.format(slug="good", lang="ko"): article("ko", "좋은 기사"),
        ART.format(slug="good", lang="en"): article("en", "A good article"),
        "cityvoices/2099-1/good/images/fig-01.svg": FIG,
        ART.format(slug="second", lang="ko"): article("ko", "둘째 기사"),
        ART.format(slug="second", lang="en"): article("en", "The second article"),
        "cityvoices/2099-1/second/images/fig-01.svg": FIG,
        ART.format(slug="other", lang="ko"): article("ko", "다른 기사",
                                                     "images/missing.svg" if broken else "images/fig-01.svg"),
        "cityvoices/2099-1/other/images/fig-01.svg": FIG,
    }
    cfg = make_fixture_project(tmp, docs)
    text = cfg.read_text(encoding="utf-8")
    text = text.split("\nnav:\n")[0] + "\nnav:\n  - 홈: index.md\n  - 시티보이스: cityvoices/index.md\n" + \
        "\nmarkdown_extensions:" + text.split("\nmarkdown_extensions:")[1]
    cfg.write_text(text, encoding="utf-8")
    return cfg


def keys(cfg: Path) -> tuple[dict[str, str], dict[str, str], str, str]:
    settings = engine.load_site(cfg)
    sources = runner.read_sources(settings)
    pdfs, _ = runner.plan(sources, settings, lazy=True)
    epubs, _, _ = epub_runner.plan(sources, settings)
    return ({j.name: j.digest for j in pdfs}, {j.name: j.digest for j in epubs},
            runner.current_plan_key(sources, settings), epub_runner.current_plan_key(sources, settings))


def test_cache_keys_hold_no_path_and_no_time(tmp_path):
    first = keys(project(tmp_path / "runner-a"))
    # another machine: another folder, every file newer
    shutil.copytree(tmp_path / "runner-a", tmp_path / "elsewhere" / "runner-b", symlinks=True)
    for path in (tmp_path / "elsewhere" / "runner-b").rglob("*"):
        os.utime(path, (1_000_000_000, 2_000_000_000))
    assert keys(tmp_path / "elsewhere" / "runner-b" / "mkdocs.yml") == first
    assert len(first[0]) == 9 and len(first[1]) == 7  # 3 + 3 + 1 publication PDFs, 2 issues; 5 + 2 EPUBs
    # but what a PDF shows changes its key: a figure, a word
    (tmp_path / "runner-a/docs/cityvoices/2099-1/good/images/fig-01.svg").write_text(FIG.replace("FIG", "GIF"))
    changed = keys(tmp_path / "runner-a" / "mkdocs.yml")
    differ = sorted(n for n in first[0] if first[0][n] != changed[0][n])
    assert differ == ["cityvoices-2099-1-good.bilingual.pdf", "cityvoices-2099-1-good.en.pdf",
                      "cityvoices-2099-1-good.ko.pdf", "cityvoices-2099-1.en.pdf", "cityvoices-2099-1.ko.pdf"]
    assert changed[2] != first[2] and changed[3] != first[3]


def test_the_plan_renders_no_markdown_and_materializes_the_same_document(tmp_path):
    settings = engine.load_site(project(tmp_path))
    sources = runner.read_sources(settings)
    lazy, _ = runner.plan(sources, settings, lazy=True)
    eager, _ = runner.plan(sources, settings)
    assert all(j.html == "" and j.render is not None for j in lazy)
    assert [j.digest for j in lazy] == [j.digest for j in eager]
    assert [j.materialize().html for j in lazy] == [j.html for j in eager]
    assert all(j.html.startswith("<!DOCTYPE html>") for j in eager)


# -- end to end ----------------------------------------------------------------------------------

def cli(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cityvoices", *args, "-f", str(cfg)], cwd=cfg.parent,
                          env=mkdocs_env(PYTHONPATH=str(ROOT / "scripts")), text=True, capture_output=True,
                          timeout=900)


def pdfs(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree_digest(folder).items() if k.endswith(".pdf")}


@pytest.fixture(scope="module")
def runners(tmp_path_factory):
    """One unsharded run, and shards 1/2 and 2/2 made in two other copies of
    the project (other folders, own caches), as a CI matrix runs them."""
    base = tmp_path_factory.mktemp("shards")
    cfg = project(base / "one")
    whole = cli(cfg, "pdf", "-o", str(base / "whole"), "-j", "2")
    assert whole.returncode == 0, whole.stderr
    out = {"base": base, "cfg": cfg, "whole": base / "whole", "shards": []}
    for k in (1, 2):
        copy = base / f"runner-{k}"
        shutil.copytree(base / "one" / "docs", copy / "docs")
        shutil.copy(cfg, copy / "mkdocs.yml")
        proc = cli(copy / "mkdocs.yml", "pdf", "--shard", f"{k}/2", "-o", str(copy / "out"), "-j", "2")
        assert proc.returncode == 0, proc.stderr
        assert f"(shard {k}/2)" in proc.stdout
        out["shards"].append(copy / "out")
    return out


def merge_copy(base: Path, cfg: Path, name: str) -> Path:
    """A fresh checkout for the merge job (no cache)."""
    copy = base / name
    shutil.copytree(cfg.parent / "docs", copy / "docs")
    shutil.copy(cfg, copy / "mkdocs.yml")
    return copy / "mkdocs.yml"


@pytest.mark.pdf
@pytest.mark.slow
def test_two_shards_merge_into_the_files_of_one_run(runners):
    made = [set(pdfs(folder)) for folder in runners["shards"]]
    assert made[0] and made[1] and not made[0] & made[1]  # each PDF made by one shard only
    assert made[0] | made[1] == set(pdfs(runners["whole"]))
    manifest = json.loads((runners["shards"][0] / runner.SHARD_MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["shard"], manifest["shards"], manifest["edition"]) == (1, 2, "pdf")
    assert set(manifest["files"]) == made[0] and manifest["failed"] == []
    assert str(runners["base"]) not in json.dumps(manifest)  # no path of the runner in it
    cfg = merge_copy(runners["base"], runners["cfg"], "merge")
    proc = cli(cfg, "pdf", "--merge", *map(str, runners["shards"]), "-o", str(cfg.parent / "merged"))
    assert proc.returncode == 0, proc.stderr
    assert "9 PDF(s) merged from 2 shard folder(s)" in proc.stdout, proc.stdout
    assert pdfs(cfg.parent / "merged") == pdfs(runners["whole"])  # byte for byte
    # the merge filled the cache: the next run (and the site build) renders nothing
    settings = engine.load_site(cfg)
    again = runner.build_pdfs(runner.read_sources(settings), settings, cfg.parent / "again", workers=1,
                              progress=False)
    assert again.made == [] and len(again.cached) == 9 and not again.failed
    assert pdfs(cfg.parent / "again") == pdfs(runners["whole"])


@pytest.mark.pdf
@pytest.mark.slow
def test_the_merge_refuses_missing_twice_foreign_and_changed_shards(runners, tmp_path):
    one, two = runners["shards"]
    cfg = merge_copy(runners["base"], runners["cfg"], "refusals")
    out = cfg.parent / "merged"

    def refused(*folders: Path, fragment: str) -> None:
        proc = cli(cfg, "pdf", "--merge", *map(str, folders), "-o", str(out))
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert fragment in proc.stderr, proc.stderr
        assert "error:" in proc.stderr and "[pdf-merge]" in proc.stderr
        assert not out.exists() or not pdfs(out)  # nothing written
        assert not (cfg.parent / ".cache" / "pdf").exists() or not list((cfg.parent / ".cache" / "pdf").glob("*.pdf"))

    refused(one, fragment="shard 2/2 missing")
    refused(one, one, two, fragment="shard 1/2 is given twice")
    refused(one, tmp_path, fragment="not a shard folder")
    # a shard folder copied incompletely
    broken = tmp_path / "broken"
    shutil.copytree(two, broken)
    victim = sorted(broken.glob("*.pdf"))[0]
    victim.write_bytes(victim.read_bytes()[:100])
    refused(one, broken, fragment="changed since the shard wrote it")
    # two shards claiming the same file
    twin = tmp_path / "twin"
    shutil.copytree(two, twin)
    doc = json.loads((twin / runner.SHARD_MANIFEST).read_text(encoding="utf-8"))
    name = sorted(pdfs(one))[0]
    shutil.copy(one / name, twin / name)
    doc["files"][name] = json.loads((one / runner.SHARD_MANIFEST).read_text(encoding="utf-8"))["files"][name]
    (twin / runner.SHARD_MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
    refused(one, twin, fragment="two shards made the same file")
    # EPUB shards are not PDF shards
    epub = tmp_path / "epub-shard"
    proc = cli(cfg, "epub", "--shard", "1/2", "-o", str(epub))
    assert proc.returncode == 0, proc.stderr
    refused(one, epub, fragment="not of the 'pdf' ones")
    # the sources changed after the shards were made: another plan
    src = cfg.parent / "docs" / ART.format(slug="good", lang="en")
    src.write_text(src.read_text(encoding="utf-8").replace("President city", "the President city"), encoding="utf-8")
    refused(one, two, fragment="planned from other sources, code or settings than this checkout's")


@pytest.mark.pdf
@pytest.mark.build
@pytest.mark.slow
def test_the_site_built_after_a_merge_links_what_the_shards_made(tmp_path):
    # one article cannot be made (a missing image): its PDFs fail in their
    # shard, the merge says so, and the site links only the PDFs that exist
    cfg = project(tmp_path / "src", broken=True)
    folders = []
    for k in (1, 2):
        proc = cli(cfg, "pdf", "--shard", f"{k}/2", "-o", str(tmp_path / f"shard-{k}"),
                   "--cache-dir", str(tmp_path / f"cache-{k}"), "-j", "2")
        assert proc.returncode in (0, 2), proc.stderr
        folders.append(tmp_path / f"shard-{k}")
    for k in (1, 2):
        proc = cli(cfg, "epub", "--shard", f"{k}/2", "-o", str(tmp_path / f"epub-{k}"),
                   "--cache-dir", str(tmp_path / f"ecache-{k}"))
        assert proc.returncode in (0, 2), proc.stderr
    merged = cli(cfg, "pdf", "--merge", *map(str, folders))
    assert merged.returncode == 2, merged.stderr  # a PDF failed in its shard: said again here
    assert "docs/cityvoices/2099-1/other/index.ko.md:11: error: image 'images/missing.svg' not found" in merged.stderr
    assert "cityvoices-2099-1-other.ko.pdf: error: not made [pdf-not-made]" in merged.stderr
    emerged = cli(cfg, "epub", "--merge", str(tmp_path / "epub-1"), str(tmp_path / "epub-2"))
    assert emerged.returncode == 2, emerged.stderr
    made = {name for f in folders for name in pdfs(f)}
    assert made and "cityvoices-2099-1-other.ko.pdf" not in made
    site = tmp_path / "site"
    proc = build_site(cfg, site, features={"pdf": True, "epub": True}, check=False, strict=False)
    assert proc.returncode == 2  # the failed PDFs: the site is built without links to them
    assert set(pdfs(site / "pdf")) == made
    assert pdfs(site / "pdf") == {name: (f / name).read_bytes() for f in folders for name in pdfs(f)}
    linked = set()
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for a in soup.select("a.cv-pdf, a.cv-epub"):
            target = (page.parent / a["href"]).resolve()
            assert target.is_file(), (page, a["href"])
            if target.suffix == ".pdf":
                linked.add(target.name)
    assert linked == made
