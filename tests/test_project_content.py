"""Gates on the project's own content (docs/), as CI runs them."""

from __future__ import annotations

from cityvoices.cli import main
from helpers import ROOT


def test_docs_are_in_house_layout(capsys):
    assert main(["normalize", "--check", str(ROOT / "docs")]) == 0
    err = capsys.readouterr().err
    assert "0 would be changed, 0 problem(s)" in err
