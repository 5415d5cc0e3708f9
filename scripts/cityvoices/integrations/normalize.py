"""The normalizer inside the build: content that was not normalized renders
exactly like its normalized form, and the build says which file to fix."""

from __future__ import annotations

from typing import Any

from cityvoices import frontmatter
from cityvoices.integrations.common import current_lang, docs_prefix, log_problem
from cityvoices.normalize import normalize_text
from cityvoices.problems import Problem


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # Runs first among our modules (see MODULES), on the whole source file so
    # that line numbers in messages match the file the editor opens.
    source = page.file.content_string
    result = normalize_text(source, page.file.src_uri, current_lang(config))
    if current_lang(config) == "ko" or page.file.src_uri.endswith(".en.md"):
        for problem in result.problems:
            log_problem(config, problem)
    if not result.changed:
        return None
    path = docs_prefix(config) + page.file.src_uri  # pasteable from the repository root
    log_problem(config, Problem(path, 0, "normalize-needed", "not in house layout; it is rendered as if "
                                f"normalized. Run `cityvoices normalize {path}` to fix the file.", "warning"),
                prefixed=True)
    return frontmatter.split(result.text)[1]
