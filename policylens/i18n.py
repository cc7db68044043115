"""Every user-facing string, keyed by name, in English and Chinese (one table, both languages)."""

from __future__ import annotations

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "PolicyLens", "zh": "PolicyLens 政策透镜"},
    "app.tagline": {
        "en": "Read a policy document against the numbers.",
        "zh": "对照数据阅读政策文本。",
    },
    "nav.overview": {"en": "Overview", "zh": "概览"},
    "nav.themes": {"en": "Themes", "zh": "主题"},
    "nav.terms": {"en": "Terms", "zh": "词语"},
    "nav.indicators": {"en": "Indicators", "zh": "指标"},
    "sidebar.document": {"en": "Document", "zh": "文档"},
    "sidebar.document_caption": {
        "en": "{name} · {language} · {paragraphs} paragraphs · {characters:,} characters",
        "zh": "{name} · {language} · {paragraphs} 段 · {characters:,} 字符",
    },
    "sidebar.pillars": {"en": "Pillar filter", "zh": "支柱筛选"},
    "sidebar.pillars_placeholder": {"en": "All pillars", "zh": "全部支柱"},
    "sidebar.pillars_help": {
        "en": "Show only paragraphs, terms and indicators of these pillars. Empty means all.",
        "zh": "只显示这些支柱的段落、词语和指标。留空表示全部。",
    },
    "sidebar.language": {"en": "Language / 语言", "zh": "语言 / Language"},
    "language.en": {"en": "English", "zh": "英文"},
    "language.zh": {"en": "Chinese", "zh": "中文"},
    "pillar.general": {"en": "General", "zh": "综合"},
    "filter.active": {"en": "Filtered to: {pillars}", "zh": "当前筛选:{pillars}"},
    "filter.none_match": {
        "en": "No paragraph of this document belongs to the selected pillars.",
        "zh": "本文档没有属于所选支柱的段落。",
    },
    "overview.title": {"en": "Overview", "zh": "概览"},
    "overview.paragraphs": {"en": "Paragraphs", "zh": "段落"},
    "overview.characters": {"en": "Characters", "zh": "字符"},
    "overview.language": {"en": "Language", "zh": "语言"},
    "overview.classified": {"en": "Classified paragraphs", "zh": "已归类段落"},
    "overview.top_terms": {"en": "Top terms per pillar", "zh": "各支柱高频词"},
    "overview.headline": {"en": "Headline indicators: Nanjing", "zh": "核心指标:南京"},
    "overview.no_terms": {"en": "No paragraph in this pillar.", "zh": "该支柱没有段落。"},
    "figure.pillar_share.title": {"en": "Share of the text by pillar", "zh": "各支柱在文本中的占比"},
    "figure.pillar_share.x": {"en": "Share of characters (%)", "zh": "字符占比(%)"},
    "figure.pillar_share.hover": {
        "en": "{pillar}: {paragraphs} paragraphs, {share:.0%} of characters",
        "zh": "{pillar}:{paragraphs} 段,占字符 {share:.0%}",
    },
    "figure.top_terms.title": {"en": "{pillar}: top terms", "zh": "{pillar}:高频词"},
    "figure.count": {"en": "Occurrences", "zh": "出现次数"},
    "figure.paragraph": {"en": "Paragraph", "zh": "段落"},
    "figure.pillar": {"en": "Pillar", "zh": "支柱"},
    "figure.paragraph_map.title": {
        "en": "Where each pillar lives in the document", "zh": "各支柱在文档中的位置",
    },
    "figure.paragraph_map.hover": {
        "en": "Paragraph {paragraph}<br>{pillar}: score {score:g}{assigned}",
        "zh": "第 {paragraph} 段<br>{pillar}:得分 {score:g}{assigned}",
    },
    "figure.paragraph_map.assigned": {"en": " (assigned)", "zh": "(归属)"},
    "figure.term_bar.title": {"en": "Top {n} terms", "zh": "前 {n} 个词语"},
    "figure.source.document": {"en": "Source: {name}", "zh": "来源:{name}"},
    "themes.title": {"en": "Themes", "zh": "主题"},
    "themes.intro": {
        "en": "Each paragraph is scored against the pillar codebook (data/pillars.toml): the sum of the weights of the codebook terms it contains. It goes to its best pillar when the score is at least {min_score:g} and beats the runner-up by {min_margin:g}; otherwise it is General.",
        "zh": "每个段落按支柱词表(data/pillars.toml)计分:所含词表词语的权重之和。最高分不低于 {min_score:g} 且领先第二名至少 {min_margin:g} 时归入该支柱,否则归为综合。",
    },
    "themes.paragraphs": {"en": "Paragraphs", "zh": "段落"},
    "themes.show_general": {"en": "Show general paragraphs", "zh": "显示综合段落"},
    "themes.score": {"en": "score {score:g}", "zh": "得分 {score:g}"},
    "themes.evidence": {"en": "Evidence", "zh": "依据"},
    "themes.no_evidence": {"en": "no codebook term", "zh": "无词表词语"},
    "terms.title": {"en": "Terms", "zh": "词语"},
    "terms.top_n": {"en": "Number of terms", "zh": "词语数量"},
    "terms.cloud": {"en": "Term cloud", "zh": "词云"},
    "terms.cloud_caption": {
        "en": "Size = occurrences; colour = pillar (codebook pillar, else the pillar whose paragraphs use the term most; grey = general only).",
        "zh": "字号表示出现次数;颜色表示支柱(词表所属支柱,否则为使用最多的支柱;灰色表示仅见于综合段落)。",
    },
    "terms.missing_glyphs": {
        "en": "These terms were left out of the cloud because the font has no glyph for some of their characters: {terms}",
        "zh": "以下词语因字体缺少字形未绘入词云:{terms}",
    },
    "terms.empty": {"en": "No terms to show for this selection.", "zh": "当前选择下没有词语。"},
    "terms.table": {"en": "Term table", "zh": "词语表"},
    "column.term": {"en": "Term", "zh": "词语"},
    "column.count": {"en": "Count", "zh": "次数"},
    "column.paragraphs": {"en": "Paragraphs", "zh": "段落数"},
    "column.pillar": {"en": "Pillar", "zh": "支柱"},
    "column.city": {"en": "City", "zh": "城市"},
    "column.year": {"en": "Year", "zh": "年份"},
    "column.value": {"en": "Value (as published)", "zh": "数值(公布口径)"},
    "column.period_note": {"en": "Period", "zh": "统计口径"},
    "column.source_title": {"en": "Source", "zh": "来源"},
    "column.source_url": {"en": "Link", "zh": "链接"},
    "indicators.indicator": {"en": "Indicator", "zh": "指标"},
    "indicators.title": {"en": "Indicators", "zh": "指标"},
    "indicators.intro": {
        "en": "Published values for Nanjing and peer cities, each with its source. Values are sparse: gaps are shown as gaps, never filled. ≥ marks a lower bound (\"more than\"), ≈ an approximate value.",
        "zh": "南京及对标城市的公开数据,每个数值都注明来源。数据稀疏:缺失即为空白,不做插补。≥ 表示下限(“超过”),≈ 表示约数。",
    },
    "indicators.cities": {"en": "Cities", "zh": "城市"},
    "indicators.sources": {"en": "Sources", "zh": "来源"},
    "indicators.none": {"en": "No indicator for this selection.", "zh": "当前选择下没有指标。"},
    "indicators.rank": {"en": "No. {rank}", "zh": "第 {rank} 名"},
    "indicators.as_of": {"en": "{year}, {qualifier}", "zh": "{year} 年,{qualifier}"},
    "qualifier.exact": {"en": "as published", "zh": "公布值"},
    "qualifier.lower_bound": {"en": "lower bound", "zh": "下限"},
    "qualifier.approx": {"en": "approximate", "zh": "约数"},
    "qualifier.preliminary": {"en": "preliminary", "zh": "初步"},
    "error.generic": {
        "en": "Something went wrong while drawing this view: {error}. The rest of the app keeps working.",
        "zh": "绘制此视图时出错:{error}。应用的其他部分仍可使用。",
    },
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string `key` in `lang` (falling back to English), formatted with `values`."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
