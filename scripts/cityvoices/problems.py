"""Findings reported to editors: one type for every tool."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Exit codes shared by every subcommand.
EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
#: Stopped by Ctrl-C (the shell's convention, 128 + SIGINT).
EXIT_INTERRUPTED = 130

SEVERITIES = ("error", "warning", "info")
RE_FORMATTED = re.compile(r"^\S(?:.*?\S)?: (?:error|warning|info): .* \[[\w.-]+\]$")


@dataclass(frozen=True, order=True)
class Problem:
    """Something an editor should look at.

    ``severity`` is ``"error"`` (the tool refuses to go on for this file),
    ``"warning"`` (a finding; output may still be produced) or ``"info"``.
    ``line`` is 1-based; 0 means the file as a whole.
    """

    path: str
    line: int
    code: str
    message: str
    severity: str = field(default="warning", compare=False)

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    @staticmethod
    def looks_formatted(line: str) -> bool:
        """Whether a printed line is already ``path[:line]: severity: message [code]``."""
        return bool(RE_FORMATTED.match(line))


def exit_code(problems, *, findings: bool = False) -> int:
    """The exit code of a command that printed ``problems``: the worst
    severity decides (an error: 2; a warning, or other ``findings`` of the
    command such as a missing translation or a file that would change: 1;
    else 0).  The one rule every command ends with."""
    severities = {p.severity for p in problems}
    if "error" in severities:
        return EXIT_ERROR
    if findings or "warning" in severities:
        return EXIT_FINDINGS
    return EXIT_CLEAN


class CityVoicesError(Exception):
    """An error that names a file (and a line where known)."""

    def __init__(self, path: str, line: int, message: str, code: str = "error"):
        self.problem = Problem(str(path), line, code, message, "error")
        super().__init__(self.problem.format())
