"""Project-anchored paths, so nothing depends on the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
SEEDS_DIR = ROOT / "seeds"
STATIC_DIR = ROOT / "static"

SEED_DOCUMENT = SEEDS_DIR / "000_785e541e3328616f.txt"
USERDICT = DATA_DIR / "userdict.txt"
PILLARS_CODEBOOK = DATA_DIR / "pillars.toml"
PILLAR_MODEL = DATA_DIR / "pillar_model.json"
STOPWORDS_ZH_PROJECT = DATA_DIR / "stopwords_zh.txt"
STOPWORDS_EN_PROJECT = DATA_DIR / "stopwords_en.txt"
STOPWORDS_EN_ALLOW = DATA_DIR / "stopwords_en_allow.txt"
PHRASES_EN = DATA_DIR / "phrases_en.txt"
INDICATORS_DIR = DATA_DIR / "indicators"
INDICATORS_TABLE = INDICATORS_DIR / "city_indicators_long.csv"
UNITS_TABLE = INDICATORS_DIR / "units.csv"
