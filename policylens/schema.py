"""Column names for every DataFrame that crosses a module boundary (long, tidy, snake_case)."""

# Paragraph-level tables (documents, pillars).
PARAGRAPH = "paragraph"  # 1-based paragraph index
TEXT = "text"
PILLAR = "pillar"  # pillar id ("new", "strong", "fusion"); None / NA = general
SCORE = "score"
EVIDENCE = "evidence"  # tuple of matched codebook terms
SECONDARY = "secondary"  # a second pillar with its own concrete content, or None
CONFIDENCE = "confidence"  # 0-1: how sure the classifier is of the primary pillar

# Term tables.
TERM = "term"
COUNT = "count"
SHARE = "share"
PARAGRAPHS = "paragraphs"

# Indicator tables (long form, one row per city, year, indicator and source).
CITY = "city"
YEAR = "year"
INDICATOR_ID = "indicator_id"
INDICATOR_EN = "indicator_en"
INDICATOR_ZH = "indicator_zh"
VALUE = "value"
UNIT = "unit"
UNIT_CODE = "unit_code"
QUALIFIER = "qualifier"
PERIOD_NOTE = "period_note"
SOURCE_TITLE = "source_title"
SOURCE_URL = "source_url"
SOURCE_QUOTE = "source_quote"

INDICATOR_COLUMNS = (
    CITY,
    YEAR,
    PILLAR,
    INDICATOR_ID,
    INDICATOR_EN,
    INDICATOR_ZH,
    VALUE,
    UNIT,
    UNIT_CODE,
    QUALIFIER,
    PERIOD_NOTE,
    SOURCE_TITLE,
    SOURCE_URL,
    SOURCE_QUOTE,
)

QUALIFIERS = ("exact", "lower_bound", "approx", "preliminary", "revised")
# Point values: the figure as published, or as the publisher later revised it. The others are bounds,
# approximations or early estimates, and anything computed from them is marked as resting on one.
POINT_QUALIFIERS = ("exact", "revised")

# Columns derived from indicator tables (policylens.indicators).
N_SOURCES = "n_sources"
CONFLICT = "conflict"
N_VALUES = "n_values"
N_YEARS = "n_years"
N_CITIES = "n_cities"
FIRST_YEAR = "first_year"
LAST_YEAR = "last_year"
PUBLISHED_VALUE = "published_value"
PUBLISHED_UNIT_CODE = "published_unit_code"
LABEL_EN = "label_en"
LABEL_ZH = "label_zh"
