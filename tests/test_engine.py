"""The engine boundary and the feature switches: only the integrations
package imports MkDocs, Material or static-i18n; ``extra.cityvoices`` is one
validated configuration; the dispatcher refuses a missing module; the
command line catches every I/O error as a message."""

from __future__ import annotations

import ast
import argparse
from pathlib import Path

import pytest

from helpers import ROOT, build_site, make_fixture_project
from test_build_input import ART, GOOD, PAGES

from cityvoices import cli, integrations, settings
from cityvoices.problems import CityVoicesError, Problem

PACKAGE = ROOT / "scripts" / "cityvoices"
ENGINE_MODULES = ("mkdocs", "material", "mkdocs_static_i18n", "properdocs")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_only_the_engine_layer_imports_the_generator():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("integrations/"):
            continue
        if _imports(path) & set(ENGINE_MODULES):
            offenders.append(rel)
    assert offenders == []
    # and no private build function of MkDocs is called anywhere (the warm
    # build skips pages through MkDocs' own dirty machinery)
    code = "".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    assert "import _build_page" not in code and "_populate_page" not in code
    assert "clean_directory" not in "".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


def test_no_feature_switch_is_an_environment_variable():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.relative_to(PACKAGE).as_posix() == "bench/build.py":
            # `bench build --against DIR` sets CV_PDF=0 for a checkout older than
            # extra.cityvoices (its only switch); nothing of ours reads it
            text = text.replace('env["CV_PDF"] = "0"', "")
        for name in ("CV_PDF", "CV_SEARCH\"", "CV_OFFLINE"):
            assert name not in text, (path, name)


@pytest.mark.parametrize("value, line_key, message", [
    ({"pdff": True}, "pdff", "extra.cityvoices.pdff: unknown feature; the features are pdf, epub, search, offline, "
     "parallel, cache"),
    ({"pdf": "yes"}, "pdf", "extra.cityvoices.pdf must be true or false, not 'yes'"),
    ({"search": 0}, "search", "extra.cityvoices.search must be true or false, not 0"),
    (["pdf"], None, "extra.cityvoices must be a mapping of switches"),
    ("off", None, "extra.cityvoices must be a mapping of switches"),
])
def test_bad_feature_switch_names_mkdocs_yml_line_and_key(value, line_key, message):
    text = "site_name: x\nextra:\n  other: 1\n  cityvoices:\n    search: true\n    pdff: true\n    pdf: yes\n"
    with pytest.raises(CityVoicesError) as err:
        settings.features_from(value, "mkdocs.yml", text)
    p = err.value.problem
    assert p.path == "mkdocs.yml" and p.severity == "error" and p.code == "config-feature"
    assert p.message.startswith(message)
    expected_line = {"pdff": 6, "pdf": 7, "search": 5, None: 4}[line_key]
    assert p.line == expected_line


def test_feature_defaults_and_overrides():
    assert settings.features_from(None) == {"pdf": True, "epub": True, "search": True, "offline": True,
                                            "parallel": True, "cache": True}
    assert settings.features_from({"pdf": False})["pdf"] is False
    assert settings.with_overrides({"pdf": True, "search": True}, {"pdf": False}) == {"pdf": False, "search": True}
    # epub follows pdf when mkdocs.yml leaves it unset, and a run's --no-pdf unless the run names epub
    assert settings.features_from({"pdf": False})["epub"] is False
    assert settings.features_from({"pdf": False, "epub": True})["epub"] is True
    assert settings.with_overrides({"pdf": True, "epub": True}, {"pdf": False}) == {"pdf": False, "epub": False}
    assert settings.with_overrides({"pdf": True, "epub": True}, {"epub": False}) == {"pdf": True, "epub": False}
    with pytest.raises(ValueError):
        settings.with_overrides({}, {"pdfs": False})


def test_project_mkdocs_yml_documents_every_switch():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in settings.FEATURES:
        assert f"    {name}: true" in text


def test_misspelled_switch_stops_the_command_with_its_line(tmp_path, capsys):
    cfg = make_fixture_project(tmp_path, dict(PAGES))
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("    search: true", "    serch: true"), encoding="utf-8")
    assert cli.main(["pdf", "-f", str(cfg), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    line = next(i for i, t in enumerate(cfg.read_text(encoding="utf-8").splitlines(), 1) if "serch" in t)
    assert err.endswith(f":{line}: error: extra.cityvoices.serch: unknown feature; the features are pdf, epub, search, "
                        "offline, parallel, cache [config-feature]")
    assert not (tmp_path / "o").exists()


@pytest.mark.build
def test_misspelled_switch_fails_the_build_too(tmp_path):
    cfg = make_fixture_project(tmp_path, dict(PAGES))
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("    offline: true", "    ofline: false"),
                   encoding="utf-8")
    proc = build_site(cfg, tmp_path / "site", check=False, serial=False)
    assert proc.returncode == 2 and "extra.cityvoices.ofline: unknown feature" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "site").exists()


@pytest.mark.build
def test_switches_off_in_mkdocs_yml_and_on_the_command_line(tmp_path):
    docs = dict(PAGES)
    docs[ART.format(lang="ko")] = GOOD.format(title="시험", body="본문 폐기물.")
    docs[ART.format(lang="en")] = GOOD.format(title="Test", body="Body waste.")
    cfg = make_fixture_project(tmp_path, docs, features={"search": False, "offline": True})
    build_site(cfg, tmp_path / "site", features={"offline": True}, serial=False)
    site = tmp_path / "site"
    # search: false -> Material's own combined index, and no page points at our worker
    assert not (site / "assets/javascripts/cv-search/ko").exists()
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "폐기물" in index and "waste" in index
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "cv-search/worker" not in home
    # and Material's own highlighting comes back (ours lands only with our index)
    assert '"search.highlight"' in home and "data-cv-land" not in home
    # offline: true -> the zip the home page links; pdf off for this run (the test default)
    assert (site / "downloads" / "cityvoices-offline.zip").is_file()
    assert not (site / "pdf").exists()


def test_dispatcher_refuses_a_missing_module(monkeypatch):
    monkeypatch.setattr(integrations, "MODULES", integrations.MODULES + ("nosuchfeature",))
    monkeypatch.setattr(integrations, "_modules", None)
    with pytest.raises(ImportError, match="nosuchfeature"):
        integrations.modules()
    monkeypatch.setattr(integrations, "_modules", None)


def _fails_with(exc: BaseException):
    def func(_args: argparse.Namespace) -> int:
        raise exc
    return func


@pytest.mark.parametrize("exc, expected, code", [
    (PermissionError(13, "Permission denied", "docs/x/index.ko.md"),
     "docs/x/index.ko.md: error: Permission denied [os-error]", 2),
    (FileNotFoundError(2, "No such file or directory", "docs/a.md", None, "docs/b.md"),
     "docs/a.md -> docs/b.md: error: No such file or directory [os-error]", 2),
    (RecursionError("maximum recursion depth exceeded"), "<input>: error: the input nests too deeply", 2),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "<input>: error: cannot decode", 2),
    (CityVoicesError("docs/x.md", 3, "bad", "code-x"), "docs/x.md:3: error: bad [code-x]", 2),
    (KeyboardInterrupt(), "cityvoices: error: interrupted [interrupted]", 130),
])
def test_cli_turns_every_io_failure_into_one_message(exc, expected, code, monkeypatch, capsys):
    parser = cli.build_parser()
    real = parser.parse_args

    def parse(argv=None):
        args = real(["check"])
        args.func = _fails_with(exc)
        return args

    monkeypatch.setattr(cli, "build_parser", lambda *_: parser)
    monkeypatch.setattr(parser, "parse_args", parse)
    assert cli.main([]) == code
    err = capsys.readouterr().err
    assert err.startswith(expected) and "Traceback" not in err
    assert Problem.looks_formatted(err.strip())
