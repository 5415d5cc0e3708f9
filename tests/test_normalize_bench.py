"""``cityvoices bench``, driven as a user runs it (not a timed test: speed is
the benchmark's business).  Its section of BENCHMARKS.md is replaced and
every other section kept; a bad argument is a message and exit 2."""

from __future__ import annotations

import pytest

from cityvoices.cli import main

OTHERS = "# Benchmarks\n\n## build\n\nbuild table\n\n## normalize\n\nold\n\n## search\n\nsearch table\n"


def test_bench_normalize_replaces_only_its_section(tmp_path):
    out = tmp_path / "B.md"
    out.write_text(OTHERS, encoding="utf-8")
    # exit 1 only means a speed target was missed at these toy sizes
    assert main(["bench", "normalize", "--sizes", "0.05,0.5", "--repeat", "1", "--output", str(out)]) in (0, 1)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## build\n\nbuild table\n\n## normalize\n\n")
    assert text.endswith("## search\n\nsearch table\n")
    section = text.split("## normalize\n\n", 1)[1].split("## search", 1)[0]
    assert "old" not in section and "MB/s" in section and "0.5 MB, files" in section
    assert "| 0 |" in section  # no problems on the generated files


def test_bench_normalize_creates_the_file(tmp_path):
    out = tmp_path / "new" / "B.md"
    assert main(["bench", "normalize", "--sizes", "0.05", "--repeat", "1", "--output", str(out)]) in (0, 1)
    assert out.read_text(encoding="utf-8").startswith("# Benchmarks\n")


@pytest.mark.parametrize("argv, where", [
    (["bench", "build", "--sizes", "0", "--no-write"], "--sizes: error:"),
    (["bench", "build", "--sizes", "5", "--workdir", "/nonexistent/cv", "--no-write"], "/nonexistent/cv: error:"),
    (["bench", "build", "--sizes", "5", "--edit", "--edit-samples", "0", "--no-write"], "--edit-samples: error:"),
    (["bench", "search", "--pubs", "x", "--no-write"], "--pubs: error:"),
])
def test_bad_bench_arguments_are_messages(argv, where, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(where) and err.rstrip().endswith("[bench-args]") and "Traceback" not in err
