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
#: OpenGraph / HTML locale of each language.
LOCALES = {"ko": "ko_KR", "en": "en_US"}

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
        "epub": "EPUB (한국어)",
        "epub_issue": "이 호 전체 EPUB",
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
        "site.description": "시티넷(CITYNET, 아시아태평양 도시 간 네트워크)이 한국어와 영어로 함께 펴내는 시티보이스 잡지 기사, 뉴스레터, 총회 보고서",
        "notes": "각주",
        "minutes": "읽는 데 {n}분",
        "translated_from": "{lang} 원문",
        "previous": "이전 글",
        "next": "다음 글",
        "issue_nav": "이번 호의 다른 글",
        "related": "함께 읽을 글",
        "contents": "차례",
        "editors_note": "편집자의 글",
        "this_issue": "이번 호",
        "read_issue": "이번 호 차례 보기",
        "all_issues": "지난 호 모두 보기",
        "all_of_type": "{type} 모두 보기",
        "latest_of_type": "최신 {type}",
        "cover_of": "{issue} 표지",
        "articles_count": "기사 {n}편",
        "publications_count": "발행물 {n}편",
        "previous_issue": "이전 호",
        "next_issue": "다음 호",
        "person.written": "쓴 글",
        "person.translated": "옮긴 글",
        "person.description": "시티보이스에 실린 {name}의 글과 번역",
        "people": "글쓴이와 옮긴이",
        "people.description": "시티보이스 발행물의 글쓴이와 옮긴이",
        "tag.title": "주제어: {tag}",
        "tag.description": "‘{tag}’ 주제어가 붙은 시티보이스 발행물",
        "tags.description": "시티보이스 발행물의 주제어",
        "pages": "쪽",
        "page_n": "{n}쪽",
        "issue.description": "시티보이스 {issue}호: {titles}",
        "feed.all": "시티보이스 전체 발행물",
        "feed.title": "{what} (Atom 피드)",
        "feed.link": "피드 구독 (Atom)",
        "404.title": "페이지를 찾을 수 없습니다",
        "404.text": "주소가 바뀌었거나 없어진 페이지입니다. 사이트를 검색하거나 아래에서 찾아보세요.",
        "404.search": "사이트 검색",
        "404.home": "홈으로 가기",
        "404.other": "English",
        # site chrome: header, footer, switcher, palette (cityvoices.chrome)
        "chrome.languages": "언어 선택",
        "chrome.current_language": "현재 언어",
        "chrome.editors": "편집자용",
        "chrome.guide": "편집자 안내서",
        "chrome.status": "번역 현황",
        "chrome.credit": "MkDocs와 Material for MkDocs로 만든 사이트",
        "chrome.to_dark": "어두운 화면으로 바꾸기",
        "chrome.to_light": "밝은 화면으로 바꾸기",
        "chrome.skip": "본문으로 건너뛰기",
        "side_by_side": "한영 대역으로 읽기",
        "parallel.title": "{title} (한영 대역)",
        "parallel.order": "먼저 보일 언어:",
        "parallel.first_ko": "한국어",
        "parallel.first_en": "영어",
        "parallel.only": "이 부분은 {name}판에만 있습니다.",
        "parallel.unmatched": "{other}판에서 이 부분에 해당하는 곳을 찾지 못했습니다.",
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
        "epub": "EPUB (English)",
        "epub_issue": "Whole issue as EPUB",
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
        "site.description": "CityVoices magazine articles, newsletters and congress reports from CITYNET, the network of Asia-Pacific cities, in Korean and English",
        "notes": "Notes",
        "minutes": "{n} min read",
        "translated_from": "from the {lang}",
        "previous": "Previous",
        "next": "Next",
        "issue_nav": "More from this issue",
        "related": "Related reading",
        "contents": "Contents",
        "editors_note": "From the editor",
        "this_issue": "This issue",
        "read_issue": "See this issue's contents",
        "all_issues": "All issues",
        "all_of_type": "All {type}",
        "latest_of_type": "Latest {type}",
        "cover_of": "Cover of {issue}",
        "articles_count": "{n} articles",
        "articles_count.one": "{n} article",
        "publications_count": "{n} publications",
        "publications_count.one": "{n} publication",
        "previous_issue": "Previous issue",
        "next_issue": "Next issue",
        "person.written": "Writing",
        "person.translated": "Translations",
        "person.description": "Writing and translations by {name} in CityVoices",
        "people": "Authors and translators",
        "people.description": "The authors and translators of CityVoices publications",
        "tag.title": "Tag: {tag}",
        "tag.description": "CityVoices publications tagged ‘{tag}’",
        "tags.description": "The tags of CityVoices publications",
        "pages": "Pages",
        "page_n": "page {n}",
        "issue.description": "CityVoices {issue}: {titles}",
        "feed.all": "All CityVoices publications",
        "feed.title": "{what} (Atom feed)",
        "feed.link": "Subscribe (Atom feed)",
        "404.title": "Page not found",
        "404.text": "This page has moved or no longer exists. Search the site, or start from one of the pages below.",
        "404.search": "Search the site",
        "404.home": "Go to the home page",
        "404.other": "한국어",
        # site chrome: header, footer, switcher, palette (cityvoices.chrome)
        "chrome.languages": "Language",
        "chrome.current_language": "current language",
        "chrome.editors": "For editors",
        "chrome.guide": "Editors' guide",
        "chrome.status": "Translation status",
        "chrome.credit": "Built with MkDocs and Material for MkDocs",
        "chrome.to_dark": "Switch to dark mode",
        "chrome.to_light": "Switch to light mode",
        "chrome.skip": "Skip to content",
        "side_by_side": "Read side by side",
        "parallel.title": "{title} (side by side)",
        "parallel.order": "Show first:",
        "parallel.first_ko": "Korean",
        "parallel.first_en": "English",
        "parallel.only": "This part is in the {name} text only.",
        "parallel.unmatched": "No matching part was found in the {other} text.",
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
