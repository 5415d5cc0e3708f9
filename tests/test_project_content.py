"""Gates on the project's own content (docs/), as CI runs them."""

from __future__ import annotations

from pathlib import Path

from cityvoices.cli import main
from helpers import ROOT


def test_docs_are_in_house_layout(capsys):
    assert main(["normalize", "--check", str(ROOT / "docs")]) == 0
    err = capsys.readouterr().err
    assert "0 would be changed, 0 problem(s)" in err


def _pins() -> list[tuple[str, str]]:
    import re

    out = []
    for path in sorted(ROOT.glob("requirements*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                out.append((path.name, re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0]))
    return out


def test_every_pin_is_used():
    """Each pinned distribution is imported by our code or tests, loaded by
    mkdocs.yml (theme, plugin, Markdown extension), run as a command by the
    tests, a pytest plugin the suite's command (scripts/setup.sh) names, or
    required by another pin (pinned for a reproducible install):
    a pin nothing uses (kiwipiepy and its 105 MB model, once) fails here."""
    import importlib.metadata as md
    import re

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    sources = [p for d in ("scripts", "tests") for p in (ROOT / d).rglob("*.py")]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    imported = set(re.findall(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", text, re.M))
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    modules: dict[str, set[str]] = {}
    for module, dists in md.packages_distributions().items():
        for dist in dists:
            modules.setdefault(norm(dist), set()).add(module)
    pins = _pins()
    pinned = {norm(name) for _f, name in pins}
    required: set[str] = set()
    for name in pinned:
        try:
            reqs = md.distribution(name).requires or []
        except md.PackageNotFoundError:
            continue
        required |= {norm(re.split(r"[=<>!~\[; (]", r, maxsplit=1)[0]) for r in reqs if "extra ==" not in r}
    unused = []
    for file, name in pins:
        dist = norm(name)
        names = modules.get(dist, set()) | {dist.replace("-", "_")}
        try:
            eps = md.distribution(name).entry_points
        except md.PackageNotFoundError:
            eps = ()
        plugins = {e.name for e in eps if e.group in ("mkdocs.plugins", "mkdocs.themes")}
        scripts = {e.name for e in eps if e.group == "console_scripts"}
        pytest_plugin = any(e.group == "pytest11" for e in eps)
        used = (names & imported or dist in required
                or any(re.search(rf"^\s*(?:-\s+|name:\s+){re.escape(p)}\b", config, re.M) for p in plugins)
                or any(re.search(rf"^\s*-\s+{re.escape(m)}[.:\s]", config, re.M) for m in names)
                or any(f'"{s}"' in text or f" {s} " in setup for s in scripts)
                or (pytest_plugin and re.search(rf"\b{re.escape(name)}\b", setup) is not None))
        if not used:
            unused.append(f"{file}: {name}")
    assert not unused, f"pinned but used by nothing: {unused}"


def test_readme_layout_matches_the_tree():
    """Every top-level path and every module folder of the package is in the
    README's layout table, and every path the table names exists."""
    import re
    import subprocess

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named: set[str] = set()
    for row in table.splitlines():
        if row.startswith("| `"):
            named |= {n.rstrip("/") for n in re.findall(r"`([^`]+)`", row.split("|")[1])}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    top = {p.split("/")[0] for p in tracked} or {p.name for p in ROOT.iterdir() if p.name != ".git"}
    folders = {f"scripts/cityvoices/{p.name}" for p in (ROOT / "scripts" / "cityvoices").iterdir()
               if p.is_dir() and p.name != "__pycache__"}
    globbed = {n for n in named if "*" in n}
    plain = named - globbed
    missing = sorted(p for p in top | folders
                     if p not in plain and not any(Path(p).match(g) for g in globbed)
                     and not any(n.startswith(p + "/") for n in plain))
    assert not missing, f"not in the README's layout table: {missing}"
    ghosts = sorted(n for n in plain if not (ROOT / n).exists())
    assert not ghosts, f"named in the README's layout table, but not in the tree: {ghosts}"
