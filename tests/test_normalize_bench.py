"""The bench dispatcher and its shared helpers (not a timed test)."""

from __future__ import annotations

from cityvoices import bench
from cityvoices.cli import main


def test_write_section_replaces_only_its_section(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## build\n\nbuild table\n\n## normalize\n\nold\n\n## search\n\nsearch table\n",
                    encoding="utf-8")
    bench.write_section(path, "normalize", "new table\n")
    text = path.read_text(encoding="utf-8")
    assert text == "# Benchmarks\n\n## build\n\nbuild table\n\n## normalize\n\nnew table\n\n## search\n\nsearch table\n"
    bench.write_section(path, "pdf", "pdf table")
    assert path.read_text(encoding="utf-8").endswith("## search\n\nsearch table\n\n## pdf\n\npdf table\n")


def test_write_section_creates_the_file(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    bench.write_section(path, "normalize", "table")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n") and text.endswith("## normalize\n\ntable\n")


def test_peak_memory_and_timed():
    m = bench.peak_memory(lambda: bytearray(5_000_000))
    assert m.peak_bytes >= 5_000_000 and len(m.result) == 5_000_000
    assert bench.timed(lambda: 42, repeat=2).result == 42


def test_dispatcher_discovers_normalize_and_runs_a_small_size(tmp_path, capsys):
    assert "normalize" in bench.discover()
    out = tmp_path / "B.md"
    # exit 1 only means a speed target was missed at these toy sizes; speed is
    # the benchmark's business, never a test's (DEVELOPERS.md)
    assert main(["bench", "normalize", "--sizes", "0.05,0.5", "--repeat", "1", "--output", str(out)]) in (0, 1)
    text = out.read_text(encoding="utf-8")
    assert "## normalize" in text and "MB/s" in text and "0.5 MB, files" in text
    assert "| 0 |" in text  # no problems on the generated files
