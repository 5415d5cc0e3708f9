"""axe-core (from its npm package, tests/package.json, installed by
``bash scripts/setup.sh test``: never from a CDN) in Debian's Chromium, on
every kind of page, in both languages, in the light and the dark scheme:
no serious or critical violation.

:data:`PAGES` is the one list of page kinds, by their URL in the Korean
tree (the English page is ``en/`` + the same path, or a path per language
where slugs differ: tags are words of each language).  Every kind must be
in the built site: a missing page fails, it is not skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT, SEED_ARTICLE

pytestmark = [pytest.mark.browser, pytest.mark.build]

AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"

#: kind -> path of the page in the Korean tree ("" is the home page).
PAGES = {
    "home": "",
    "listing: CityVoices": "cityvoices/",
    "listing: newsletters": "newsletters/",
    "listing: reports": "reports/",
    "issue": "cityvoices/2014-1/",
    "article": SEED_ARTICLE + "/",
    "newsletter": "newsletters/2013-12/secretariat-news/",
    "author": "authors/brenna-foster/",
    "tag index": "tags/",
    "tag": {"ko": "tags/서울/", "en": "tags/seoul/"},
    "translation status": "status/",
    "editors' guide": "guide/",
    "404": "404.html",
}
LANGS = {"ko": "", "en": "en/"}
SCHEMES = ("light", "dark")
#: impacts that fail the test
FAILING = ("serious", "critical")


def page_file(site: Path, path: str) -> Path:
    return site / path / "index.html" if not path.endswith(".html") else site / path


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `bash scripts/setup.sh test` "
                    "(npm ci --prefix tests installs axe-core from tests/package-lock.json)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def contexts(browser):
    made = {scheme: browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
            for scheme in SCHEMES}
    yield made
    for ctx in made.values():
        ctx.close()


def test_axe_core_is_the_pinned_npm_package():
    import json

    lock = json.loads((ROOT / "tests" / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/axe-core"]["version"] == "4.14.1"
    pkg = json.loads((ROOT / "tests" / "package.json").read_text(encoding="utf-8"))
    assert pkg["devDependencies"]["axe-core"] == "4.14.1"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_or_critical_violations(site_dir, serve, contexts, axe_source, kind, lang, scheme):
    where = PAGES[kind]
    path = LANGS[lang] + (where[lang] if isinstance(where, dict) else where)
    assert page_file(site_dir, path).is_file(), f"no {kind} page ({path or '/'}) in the build"
    page = contexts[scheme].new_page()
    try:
        page.goto(serve(site_dir) + path, wait_until="load")
        want = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == want
        page.add_script_tag(content=axe_source)
        found = page.evaluate("""async () => {
          const r = await axe.run(document, { resultTypes: ['violations'] })
          return r.violations.map(v => ({ id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary) })) }""")
    finally:
        page.close()
    failing = [v for v in found if v["impact"] in FAILING]
    assert failing == [], f"{kind} ({lang}, {scheme}):\n" + "\n".join(
        f"  {v['id']} [{v['impact']}]\n    " + "\n    ".join(v["nodes"]) for v in failing)
