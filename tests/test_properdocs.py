"""The engine boundary, proved: the site builds on ProperDocs 1.6.7 (the
maintained drop-in fork of MkDocs) with our hooks, Material and static-i18n
unchanged, and gives the same pages as MkDocs 1.6.1 but for the generator tag.

ProperDocs lives in its own venv, ``.venv-properdocs`` (made by
``bash scripts/setup.sh test`` from requirements-properdocs.txt, sharing the
other pins); this test installs nothing."""

from __future__ import annotations

import re
import subprocess

import pytest

from cityvoices import uptodate
from helpers import ROOT, build_site, mkdocs_env

pytestmark = [pytest.mark.build, pytest.mark.slow]

VENV_PYTHON = ROOT / ".venv-properdocs" / "bin" / "python"
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.fixture(scope="module")
def properdocs_python() -> str:
    if not VENV_PYTHON.exists():
        pytest.fail(f"{VENV_PYTHON} is missing: run `bash scripts/setup.sh test`, which makes the ProperDocs venv")
    return str(VENV_PYTHON)


def test_the_engine_layer_runs_on_properdocs(properdocs_python):
    out = subprocess.run([properdocs_python, "-c", "from cityvoices.integrations import engine; "
                          "print(engine.engine_name())"], env=mkdocs_env(), capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "properdocs 1.6.7"


def test_site_builds_on_properdocs_as_on_mkdocs(properdocs_python, site_dir, tmp_path):
    site = tmp_path / "site"
    build_site(ROOT / "mkdocs.yml", site, python=properdocs_python)  # --strict, as site_dir
    ours = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    stock = {p.relative_to(site_dir).as_posix(): p for p in site_dir.rglob("*") if p.is_file()}
    assert set(ours) == set(stock)
    assert b'content="mkdocs-ProperDocs 1.6.7, ' in (site / "index.html").read_bytes()
    differ = []
    for rel in sorted(ours):
        if rel == uptodate.STAMP:
            continue  # the up-to-date stamp records the build's environment (another venv here)
        a, b = ours[rel].read_bytes(), stock[rel].read_bytes()
        if rel.endswith(".html"):
            a, b = GENERATOR.sub(b"", a), GENERATOR.sub(b"", b)
        if a != b:
            differ.append(rel)
    assert differ == []
