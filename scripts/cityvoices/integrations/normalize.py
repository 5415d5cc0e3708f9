"""The normalizer inside the build: content that was not normalized renders
exactly like its normalized form, and the build says which file to fix."""

from __future__ import annotations

from typing import Any

from cityvoices import frontmatter
from cityvoices.integrations.common import current_lang, log
from cityvoices.normalize import normalize_text


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    # Runs first among our features (see FEATURES), on the whole source file so
    # that line numbers in messages match the file the editor opens.
    source = page.file.content_string
    result = normalize_text(source, page.file.src_uri, current_lang(config))
    if current_lang(config) == "ko" or page.file.src_uri.endswith(".en.md"):
        for problem in result.problems:
            log.warning("CityVoices: %s", problem.format())
    if not result.changed:
        return None
    log.warning("CityVoices: %s is not in house layout; it is rendered as if normalized. "
                "Run `cityvoices normalize %s` to fix the file.", page.file.src_uri, page.file.src_uri)
    return frontmatter.split(result.text)[1]
