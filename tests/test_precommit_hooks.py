"""The shipped pre-commit configuration runs `cityvoices normalize --check` and
`cityvoices check` on the publications a commit touches, and only on those:
in a temporary git repository, a good publication commits, a broken one is
refused with its file named, and a broken publication that the commit does
not touch is not looked at."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from helpers import ROOT, SEED_ARTICLE

pytestmark = pytest.mark.slow  # pre-commit sets up its environment once per run


def _git(repo, *args, env):
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300)


def test_hook_definitions_name_the_commands():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entries = {h["id"]: h["entry"] for h in hooks}
    assert entries == {"cityvoices-normalize": "cityvoices normalize --check", "cityvoices-check": "cityvoices check"}
    sample = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = sample["repos"][0]["hooks"]
    assert [h["id"] for h in local] == list(entries)
    assert all(h["files"] == r"^docs/.+\.(ko|en)\.md$" for h in local + hooks)


def test_precommit_checks_only_the_touched_publications(tmp_path):
    if not shutil.which("pre-commit") and subprocess.run([sys.executable, "-m", "pre_commit", "--version"],
                                                         capture_output=True).returncode:
        pytest.fail("pre-commit is missing: run `bash scripts/setup.sh test` (requirements-test.txt pins it)")
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "HOME": str(tmp_path)}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    assert _git(repo, "init", "-q", env=env).returncode == 0
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo / ".pre-commit-config.yaml")
    good = repo / "docs" / SEED_ARTICLE
    good.mkdir(parents=True)
    for lang in ("ko", "en"):
        shutil.copy(ROOT / "docs" / SEED_ARTICLE / f"index.{lang}.md", good / f"index.{lang}.md")
    # an untouched broken publication, committed before the hooks were installed
    untouched = repo / "docs" / "cityvoices" / "2014-1" / "untouched"
    untouched.mkdir(parents=True)
    (untouched / "index.ko.md").write_text("---\ntitle: x\ntype: article\n---\n\n본문¹\n\n1 주석\n", encoding="utf-8")
    assert _git(repo, "add", "-A", env=env).returncode == 0
    assert _git(repo, "commit", "-q", "-m", "start", env=env).returncode == 0
    pre_commit = [sys.executable, "-m", "pre_commit"]
    assert subprocess.run([*pre_commit, "install"], cwd=repo, env=env, capture_output=True).returncode == 0

    # a good change to the seed pair commits
    ko = (good / "index.ko.md").read_text(encoding="utf-8")
    (good / "index.ko.md").write_text(ko.replace("불과 30~40년 전인", "불과 30~40년 전인 "), encoding="utf-8")
    _git(repo, "add", "-A", env=env)
    ok = _git(repo, "commit", "-q", "-m", "good", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    # a broken publication (a raw footnote; a figure in Korean only) is refused, and named
    broken = repo / "docs" / "cityvoices" / "2014-1" / "broken"
    broken.mkdir(parents=True)
    text = ko.replace("[^2]: <http", "[^2]: <http").rstrip("\n")
    body, notes = text.split("\n[^1]: ", 1)
    (broken / "index.ko.md").write_text(body + "\n\n추가된 문단이다.⁸\n\n⁸ 붙여넣은 각주\n\n[^1]: " + notes + "\n",
                                        encoding="utf-8")
    shutil.copy(good / "index.en.md", broken / "index.en.md")
    _git(repo, "add", "-A", env=env)
    bad = _git(repo, "commit", "-q", "-m", "broken", env=env)
    out = bad.stdout + bad.stderr
    assert bad.returncode != 0, out
    assert "docs/cityvoices/2014-1/broken/index.ko.md" in out
    assert "cityvoices normalize --check" in out and "Failed" in out
    assert "untouched" not in out  # not part of this commit: not checked
    assert _git(repo, "log", "--oneline", env=env).stdout.count("\n") == 2  # the broken commit did not happen
