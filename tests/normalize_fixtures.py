"""Loader for the multi-case fixture files in ``tests/fixtures/normalize``.

Format (mdformat-style, one file holds many cases)::

    % a comment line (only between cases)
    Title of the case, unique within the file
    problems: footnote-ambiguous@3 caption-orphan@7     (optional)
    lang: ko                                            (optional)
    .
    input lines
    .
    expected output lines, or the single line (unchanged)
    .

``problems:`` lists ``code@line`` (line numbers of the input, 1-based); a
case without it must produce no problems at all, so every case also guards
against false alarms.  Both sections get a final newline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "normalize"
UNCHANGED = "(unchanged)"


@dataclass
class Case:
    file: str
    line: int
    title: str
    input: str
    expected: str
    problems: list[tuple[str, int]] = field(default_factory=list)
    lang: str | None = None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.title}"


def parse(text: str, name: str = "<fixtures>") -> list[Case]:
    lines = text.split("\n")
    cases: list[Case] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line.strip() or line.startswith("%"):
            i += 1
            continue
        title, start = line.strip(), i + 1
        i += 1
        problems: list[tuple[str, int]] = []
        lang = None
        while i < n and lines[i] != ".":
            key, _, value = lines[i].partition(":")
            if key == "problems":
                for item in value.split():
                    code, _, ln = item.partition("@")
                    problems.append((code, int(ln)))
            elif key == "lang":
                lang = value.strip()
            else:
                raise ValueError(f"{name}:{i + 1}: expected '.', 'problems:' or 'lang:' after the title")
            i += 1
        sections = []
        for _ in range(2):
            if i >= n or lines[i] != ".":
                raise ValueError(f"{name}:{i + 1}: case {title!r} is missing a '.' separator")
            i += 1
            body = []
            while i < n and lines[i] != ".":
                body.append(lines[i])
                i += 1
            sections.append("\n".join(body) + "\n")
        if i >= n:
            raise ValueError(f"{name}: case {title!r} has no closing '.'")
        i += 1
        inp, exp = sections
        if exp.strip() == UNCHANGED:
            exp = inp
        cases.append(Case(name, start, title, inp, exp, problems, lang))
    titles = [c.title for c in cases]
    dup = {t for t in titles if titles.count(t) > 1}
    if dup:
        raise ValueError(f"{name}: duplicate case titles {sorted(dup)}")
    return cases


def load_all() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(FIXTURES.glob("*.md")):
        cases.extend(parse(path.read_text(encoding="utf-8"), path.name))
    return cases
