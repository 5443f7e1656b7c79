"""The package's layers: a module may import only from lower layers, and third-party libraries stay in their module."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "generator"

LAYERS = {
    "errors": 0, "corpus": 0,
    "dates": 1, "cache": 1, "bodies": 2, "parallel": 1, "options": 1, "stamp": 2, "yamlio": 1, "source": 1, "slugs": 1, "markdown": 1, "typography": 1, "writer": 1,
    "schema": 2, "frontmatter": 2, "fields": 2, "templates": 2,
    "config": 3,
    "content": 4,
    "routes": 5, "checks": 5,
    "images": 6, "scaffold": 6, "dashboard": 6, "honour": 6, "search": 6,
    "showcase": 7, "led": 7, "wechat": 7, "site_pages": 8,
    "build": 9, "bench": 10,
    "serve": 10, "cli": 11, "__main__": 12, "__init__": 0,
}
# Each third-party library lives in the modules named here and nowhere else.
LIBRARIES = {
    "yaml": {"yamlio"}, "markdown": {"markdown"}, "nh3": {"markdown"}, "jinja2": {"templates", "led", "wechat"},
    "livereload": {"serve"}, "pypinyin": {"slugs"}, "css_inline": {"wechat"}, "PIL": {"images", "led", "wechat"},
}


def _top(module_path: Path) -> str:
    rel = module_path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every import of a file as (top-level name, line); package-relative imports become "generator.<module>"."""
    depth = len(path.relative_to(PACKAGE).parts) - 1  # 0 for generator/x.py, 1 for generator/led/x.py
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name.split(".")[0], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.module.split(".")[0], node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level - 1 >= depth:  # reaches the generator package itself
            names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
            found += [("generator." + n, node.lineno) for n in names]
    return found


def test_every_module_has_a_layer():
    unknown = sorted({_top(p) for p in PACKAGE.rglob("*.py")} - set(LAYERS))
    assert unknown == [], f"give these modules a layer in test_architecture.py: {unknown}"


def test_modules_import_only_from_lower_layers():
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _top(path)
        for name, line in _imports(path):
            if name.startswith("generator."):
                target = name.split(".")[1]
                if target in LAYERS and target != own and LAYERS[target] >= LAYERS[own]:
                    violations.append(f"{path.relative_to(PACKAGE)}:{line} imports {target} (layer {LAYERS[target]} ≥ {LAYERS[own]})")
    assert violations == []


def test_third_party_libraries_stay_in_their_modules():
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _top(path)
        for name, line in _imports(path):
            if name in LIBRARIES and own not in LIBRARIES[name]:
                violations.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert violations == []


def test_only_cli_and_serve_print():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _top(path) in ("cli", "serve", "bench", "__main__"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_every_module_and_public_function_has_a_docstring():
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(str(path.relative_to(PACKAGE)))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_") and not ast.get_docstring(node):
                missing.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert missing == []
