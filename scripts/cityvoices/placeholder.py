"""Clearly labelled placeholder images for figures whose photographs we do
not have.  Pure: returns SVG text; nothing is downloaded."""

from __future__ import annotations

import html as _html
import textwrap


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [""]


def placeholder_svg(number: int, subject_ko: str, subject_en: str, *, width: int = 1200, height: int = 675) -> str:
    """An SVG that says 'placeholder' and names the figure's subject in both languages."""
    esc = _html.escape
    rows = []
    y = 300
    for line in _lines(subject_ko, 34)[:3]:
        rows.append(f'<text x="600" y="{y}" font-size="34" lang="ko">{esc(line)}</text>')
        y += 46
    y += 14
    for line in _lines(subject_en, 60)[:3]:
        rows.append(f'<text x="600" y="{y}" font-size="28" lang="en">{esc(line)}</text>')
        y += 38
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{esc(f"Placeholder image {number}: {subject_en}")}">\n'
        f'<title>{esc(f"Placeholder — figure {number}: {subject_en}")}</title>\n'
        f'<rect width="{width}" height="{height}" fill="#eef0f4"/>\n'
        f'<rect x="12" y="12" width="{width - 24}" height="{height - 24}" fill="none" stroke="#8a94a6" '
        f'stroke-width="4" stroke-dasharray="18 12"/>\n'
        f'<g font-family="Noto Sans CJK KR, Noto Sans KR, Apple SD Gothic Neo, Malgun Gothic, sans-serif" '
        f'text-anchor="middle" fill="#3b4252">\n'
        f'<text x="600" y="150" font-size="64" font-weight="700" letter-spacing="6">PLACEHOLDER</text>\n'
        f'<text x="600" y="215" font-size="36">자리표시 이미지 · 그림 {number} / Figure {number}</text>\n'
        + "\n".join(rows)
        + "\n</g>\n</svg>\n"
    )
