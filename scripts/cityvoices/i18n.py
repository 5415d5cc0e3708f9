"""Every reader-visible string that our code writes, in both languages.

Theme labels come from Material's own translations (``theme.language`` is set
per language by mkdocs-static-i18n); this table holds only what Material and
Python-Markdown do not translate.  The names of the publication types are
part of their row in :mod:`cityvoices.pubtypes`.
"""

from __future__ import annotations

import datetime as _dt

DEFAULT_LANG = "ko"
LANGS = ("ko", "en")
LANG_NAMES = {"ko": "한국어", "en": "English"}

LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "figure": "그림 {n}.",
        "table": "표 {n}.",
        "footnote_backlink": "본문 {n}번 각주 위치로 돌아가기",
        "translator_note": "역주",
        "by": "글",
        "translated_by": "번역",
        "authors": "글쓴이",
        "translators": "옮긴이",
        "issue": "시티보이스 {issue}호",
        "type.page": "페이지",
        "listing.all": "최신 발행물",
        "listing.empty": "아직 발행물이 없습니다.",
        "sample": "예시 콘텐츠",
        "sample_notice": "이 발행물은 사이트의 모든 유형을 보여 주기 위한 예시 콘텐츠입니다.",
        "pdf": "PDF (한국어)",
        "pdf_bilingual": "PDF (한영 대역)",
        "pdf_issue": "이 호 전체 PDF",
        "read_in": "{lang}로 읽기",
        "missing_translation": "이 글은 아직 한국어로 번역되지 않았습니다. 아래는 {lang} 원문입니다.",
        "outdated_translation": "이 번역은 원문이 수정된 뒤 갱신되지 않아 원문과 다를 수 있습니다.",
        "source_version": "원문 보기",
        "status.complete": "완료",
        "status.missing": "번역 없음",
        "status.outdated": "번역 갱신 필요",
        "status.divergent": "구조 불일치",
        "tags": "주제어",
        "not_translated": "번역 없음",
        "status.publication": "발행물",
        "status.status": "상태",
        "pdf.contents": "차례",
        "pdf.page": "쪽",
        "pdf.korean": "한국어",
        "pdf.english": "English",
        "pdf.bilingual": "한영 대역",
        "pdf.issue_title": "시티보이스 {issue}호",
        "pdf.magazine": "시티보이스",
        "pdf.publisher": "시티넷 (CITYNET)",
        "pdf.online": "온라인판: {url}",
        "side_by_side": "한영 대역으로 읽기",
        "parallel.title": "{title} (한영 대역)",
        "parallel.order": "먼저 보일 언어:",
        "parallel.first_ko": "한국어",
        "parallel.first_en": "영어",
        "parallel.only": "이 부분은 {name}판에만 있습니다.",
        "parallel.unmatched": "{other}판에서 이 부분에 해당하는 곳을 찾지 못했습니다.",
        "parallel.notes": "각주",
        "pdf.parallel": "한영 대역",
    },
    "en": {
        "figure": "Figure {n}.",
        "table": "Table {n}.",
        "footnote_backlink": "Jump back to footnote {n} in the text",
        "translator_note": "Translator's note",
        "by": "By",
        "translated_by": "Translated by",
        "authors": "Authors",
        "translators": "Translators",
        "issue": "CityVoices {issue}",
        "type.page": "Page",
        "listing.all": "Latest publications",
        "listing.empty": "No publications yet.",
        "sample": "Sample content",
        "sample_notice": "This publication is sample content that shows every publication type of the site.",
        "pdf": "PDF (English)",
        "pdf_bilingual": "PDF (Korean–English)",
        "pdf_issue": "Whole issue as PDF",
        "read_in": "Read in {lang}",
        "missing_translation": "This publication has not been translated into English yet. The {lang} original is shown below.",
        "outdated_translation": "This translation may be out of date: the original was changed after it was translated.",
        "source_version": "Read the original",
        "status.complete": "complete",
        "status.missing": "missing",
        "status.outdated": "outdated",
        "status.divergent": "divergent",
        "tags": "Tags",
        "not_translated": "not translated",
        "status.publication": "Publication",
        "status.status": "Status",
        "pdf.contents": "Contents",
        "pdf.page": "page",
        "pdf.korean": "한국어 (Korean)",
        "pdf.english": "English",
        "pdf.bilingual": "Korean–English",
        "pdf.issue_title": "CityVoices {issue}",
        "pdf.magazine": "CityVoices",
        "pdf.publisher": "CITYNET",
        "pdf.online": "Online edition: {url}",
        "side_by_side": "Read side by side",
        "parallel.title": "{title} (side by side)",
        "parallel.order": "Show first:",
        "parallel.first_ko": "Korean",
        "parallel.first_en": "English",
        "parallel.only": "This part is in the {name} text only.",
        "parallel.unmatched": "No matching part was found in the {other} text.",
        "parallel.notes": "Notes",
        "pdf.parallel": "Korean–English",
    },
}

LANG_IN = {
    # name of language X as written in language Y: LANG_IN[Y][X]
    "ko": {"ko": "한국어", "en": "영어"},
    "en": {"ko": "Korean", "en": "English"},
}

EN_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)


def label(lang: str, key: str, /, **kw: object) -> str:
    table = LABELS.get(lang) or LABELS[DEFAULT_LANG]
    text = table.get(key) or LABELS["en"][key]
    return text.format(**kw) if kw else text


def format_date(value: _dt.date, lang: str) -> str:
    """``2013년 11월 4일`` / ``4 November 2013``."""
    if lang == "ko":
        return f"{value.year}년 {value.month}월 {value.day}일"
    return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"


def format_month(value: _dt.date, lang: str) -> str:
    if lang == "ko":
        return f"{value.year}년 {value.month}월"
    return f"{EN_MONTHS[value.month - 1]} {value.year}"


def other(lang: str) -> str:
    return "en" if lang == "ko" else "ko"
