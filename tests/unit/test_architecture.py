"""Layer rules, checked on the source: imports run one way between the packages, only ui imports
streamlit, the core never mutates global jieba, every package says what it holds, modules stay small."""

import ast

import pytest

from policylens import paths

CORE = sorted(p for p in (paths.ROOT / "policylens").rglob("*.py") if "ui" not in p.relative_to(paths.ROOT).parts[1:2])
PAGES = sorted((paths.ROOT / "pages").glob("*.py"))
PACKAGE = sorted((paths.ROOT / "policylens").rglob("*.py"))
INITS = sorted((paths.ROOT / "policylens").rglob("__init__.py"))
MAX_MODULE_LINES = 400

# The layers of the core, and what each may import. Foundation modules (paths, schema, markup, i18n,
# the package root) import only each other. fonts may read the text layer for the pillar labels the
# interface shows (its web-font slices hold every interface character).
FOUNDATION = "foundation"
ALLOWED = {
    FOUNDATION: {FOUNDATION},
    "documents": {FOUNDATION, "documents"},
    "text": {FOUNDATION, "documents", "text"},
    "indicators": {FOUNDATION, "documents", "text", "indicators"},  # text: the codebook's pillars
    "fonts": {FOUNDATION, "text", "fonts"},
    "figures": {FOUNDATION, "documents", "text", "indicators", "fonts", "figures"},
    "export": {FOUNDATION, "documents", "text", "indicators", "figures", "fonts", "export"},
    "view": {FOUNDATION, "documents", "text", "indicators", "view"},
    "corpus": {FOUNDATION, "documents", "text", "corpus"},  # many documents: the one-document layers only
    "cli": {FOUNDATION, "documents", "text", "indicators", "figures", "fonts", "export", "view", "corpus", "cli"},
}


def module_name(path, root=paths.ROOT) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def layer_of(module: str) -> str | None:
    """The layer of a policylens module (None for anything outside the package)."""
    parts = module.split(".")
    if parts[0] != "policylens":
        return None
    if len(parts) == 1:
        return FOUNDATION
    if parts[1] == "__main__":
        return "cli"
    return parts[1] if parts[1] in ALLOWED or parts[1] == "ui" else FOUNDATION


def policylens_imports(path):
    """(line, imported module) for every policylens import in `path`, also those inside functions."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "policylens":  # `from policylens import paths, schema`
                yield from ((node.lineno, f"policylens.{alias.name}") for alias in node.names)
            else:
                yield node.lineno, node.module


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_core_modules_were_found():
    assert len(CORE) >= 10 and len(PAGES) >= 4


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_core_never_imports_streamlit(path):
    assert not [m for m in imported_modules(path) if m.split(".")[0] == "streamlit"]


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_core_never_touches_global_jieba(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "jieba":
            # re_userdict: jieba's read-only pattern of a user-dictionary line (text/fastseg.py parses with it)
            allowed = {"Tokenizer", "setLogLevel", "__version__", "re_userdict"}
            assert node.attr in allowed, f"{path.name} uses jieba.{node.attr}"


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_core_uses_no_working_directory_paths_or_network(path):
    text = path.read_text(encoding="utf-8")
    assert "os.getcwd" not in text and "Path.cwd" not in text
    assert not {"requests", "urllib.request", "httpx", "socket"} & set(imported_modules(path))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_pages_stay_thin_and_read_no_files(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    assert "open(" not in text and "read_text" not in text and "jieba" not in text


def find_wrong_way_imports(files, root=paths.ROOT) -> list[str]:
    """Every import in `files` (under `root`) that runs against ALLOWED, as `file:line (layer) imports x (layer)`."""
    edges = []
    for path in files:
        source = layer_of(module_name(path, root))
        if source == "ui":
            continue
        for line, imported in policylens_imports(path):
            target = layer_of(imported)
            if target is not None and target not in ALLOWED[source]:
                edges.append(f"{path.relative_to(root)}:{line} ({source}) imports {imported} ({target})")
    return edges


def test_imports_run_one_way_between_the_layers():
    edges = find_wrong_way_imports(PACKAGE)
    assert not edges, "imports that run the wrong way:\n" + "\n".join(edges)


def test_the_layer_check_names_a_wrong_way_import(tmp_path):
    """The check is not vacuous: a data module that imports a drawing module, a text module that
    imports indicators and a core module that imports ui are each named with their line."""
    bad = {
        "indicators/bad.py": "from policylens.figures.indicators import CITY_LABELS_ZH\n",
        "text/bad.py": "import os\n\n\ndef f():\n    from policylens.indicators import table\n",
        "figures/bad.py": "from policylens.ui import state\n",
        "documents/good.py": "from policylens import schema\nfrom policylens.documents import encodings\n",
    }
    for name, source in bad.items():
        (tmp_path / "policylens" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "policylens" / name).write_text(source, encoding="utf-8")
    edges = find_wrong_way_imports(sorted((tmp_path / "policylens").rglob("*.py")), tmp_path)
    assert edges == [
        "policylens/figures/bad.py:1 (figures) imports policylens.ui (ui)",
        "policylens/indicators/bad.py:1 (indicators) imports policylens.figures.indicators (figures)",
        "policylens/text/bad.py:5 (text) imports policylens.indicators (indicators)",
    ]


@pytest.mark.parametrize("path", INITS, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_every_package_says_what_it_holds_and_may_import(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert len(doc) > 40, f"{path} has no docstring that says what the package holds"
    if path.parent.name not in {"policylens", "i18n"}:
        assert "may import" in doc.lower(), f"{path}: say what the package may import"


@pytest.mark.parametrize("path", PACKAGE, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_modules_stay_under_about_400_lines(path):
    relative = str(path.relative_to(paths.ROOT))
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES * 1.1, relative


APP_SOURCES = sorted(
    [*paths.ROOT.glob("*.py"), *PAGES, *PACKAGE, *(paths.ROOT / "bench").glob("*.py")],
)
PRIVATE_STREAMLIT = {"PagesManager", "uses_pages_directory"}  # the legacy pages/ switch (ui.navigation)


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_no_module_patches_streamlit_private_attributes(path):
    """Routing relies on st.navigation's documented behaviour, not on Streamlit's internals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    used |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert not used & PRIVATE_STREAMLIT, f"{path.name} reaches into {used & PRIVATE_STREAMLIT}"
    assert "streamlit.runtime.pages_manager" not in set(imported_modules(path))
