"""The package's rooms: a module imports only from its own layer group or those below it, absolute and relative
imports alike; third-party libraries stay in their modules; only the apps print."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "generator"

# Layer groups, lowest first. A module belongs to the first group whose prefix its dotted name starts with.
GROUPS = [
    ("base", ("generator.base",)),
    ("config", ("generator.config",)),
    ("model", ("generator.model",)),
    ("checks", ("generator.checks",)),
    ("render", ("generator.render",)),
    ("formats", ("generator.formats",)),
    ("build", ("generator.build",)),
    ("apps", ("generator.cli", "generator.cliargs", "generator.deploy", "generator.review_cli", "generator.serve",
              "generator.desk", "generator.__main__")),
]
RANK = {name: rank for rank, (name, _) in enumerate(GROUPS)}
# The package's own __init__ holds only the version string: every group may read it.
SHARED = {"generator"}

# Each third-party library lives in the modules (dotted prefixes) named here and nowhere else.
LIBRARIES = {
    "yaml": {"generator.base.yamlio"},
    "markdown": {"generator.render.markdown"},
    "nh3": {"generator.render.markdown"},
    "jinja2": {"generator.render.templates"},
    "livereload": {"generator.serve"},
    "watchdog": {"generator.serve"},
    "tornado": {"generator.serve", "generator.desk"},
    "pypinyin": {"generator.base.slugs"},
    "css_inline": {"generator.formats.wechat.style"},
    "budoux": {"generator.base.phrases"},
    "jieba": set(),  # its dict.txt is the source of base/lexicon.bin; no module imports jieba
    "PIL": {"generator.render.images", "generator.formats.led", "generator.formats.wechat.covers"},
    "cryptography": {"generator.checks.review.keys"},
}
APPS = ("generator.cli", "generator.cliargs", "generator.deploy", "generator.review_cli", "generator.serve",
        "generator.desk", "generator.__main__")


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """generator/formats/led/layout.py → generator.formats.led.layout (a package's __init__ is the package)."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def group_of(module: str) -> str | None:
    """The layer group of a dotted module name inside the package, or None outside it."""
    for name, prefixes in GROUPS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name
    return None


def imports_of(path: Path, package: Path = PACKAGE) -> list[tuple[str, int]]:
    """Every module a file imports, as (absolute dotted name, line); relative imports are resolved."""
    own = module_name(path, package)
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = own.split(".")
                anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from x import y` may name a submodule y: count it as x.y, which lies in the same group or deeper.
            found += [(f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}", package) else base, node.lineno)
                      for alias in node.names]
    return found


def _is_module(dotted: str, package: Path) -> bool:
    path = package.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_violations(package: Path = PACKAGE) -> list[str]:
    """Upward imports in a package tree, as `file:line imports module (group ≥ group)` lines."""
    violations = []
    for path in sorted(package.rglob("*.py")):
        own = group_of(module_name(path, package))
        for target, line in imports_of(path, package):
            if target in SHARED or group_of(target) is None:
                continue
            if own is None or RANK[group_of(target)] > RANK[own]:
                violations.append(f"{path.relative_to(package)}:{line} imports {target} "
                                  f"({group_of(target)} above {own})")
    return violations


def test_every_module_belongs_to_a_group():
    unplaced = sorted(module_name(p) for p in PACKAGE.rglob("*.py")
                      if module_name(p) not in SHARED and group_of(module_name(p)) is None)
    assert unplaced == [], f"put these modules in a room listed in GROUPS: {unplaced}"


def test_modules_import_only_from_their_group_or_below():
    assert layer_violations() == []


def test_an_upward_import_of_either_kind_is_caught(tmp_path):
    """The check itself: a low module importing the build, absolutely or relatively, is reported."""
    package = tmp_path / "generator"
    for folder in ("base", "build", "model"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text('"""x"""\n')
    (package / "__init__.py").write_text('"""x"""\n')
    (package / "build" / "pipeline.py").write_text("def build(): pass\n")
    (package / "base" / "errors.py").write_text("from generator.build.pipeline import build\n")
    (package / "model" / "content.py").write_text("from ..build import pipeline\nfrom ..base import errors\n")
    assert layer_violations(package) == [
        "base/errors.py:1 imports generator.build.pipeline (build above base)",
        "model/content.py:1 imports generator.build.pipeline (build above model)",
    ]


def test_third_party_libraries_stay_in_their_modules():
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = module_name(path)
        for name, line in imports_of(path):
            top = name.split(".")[0]
            if top in LIBRARIES and not any(own == m or own.startswith(m + ".") for m in LIBRARIES[top]):
                violations.append(f"{path.relative_to(PACKAGE)}:{line} imports {top}")
    assert violations == []


def test_only_the_apps_print():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if module_name(path).startswith(APPS):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_") \
                    and not ast.get_docstring(node):
                missing.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert missing == []


def test_module_docstrings_do_not_claim_old_layer_numbers():
    """Rooms replaced the numbered layers: a docstring that still says "(layer N)" is stale."""
    stale = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
             if "(layer " in (ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or "")]
    assert stale == []


# Module-level containers that code mutates at run time on purpose, with the reason.
KEPT_STATE = {
    # the preview server rebuilds after every save and keeps each cache folder's Cache in memory
    # between builds (Cache.kept); a build never reads another folder's
    "base/cache.py:_KEPT",
}
_FACTORIES = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque",
              "WeakValueDictionary", "WeakKeyDictionary", "WeakSet"}
_MUTATORS = {"append", "appendleft", "extend", "extendleft", "insert", "add", "update", "clear",
             "pop", "popitem", "setdefault", "remove", "discard", "sort", "reverse",
             "__setitem__", "__delitem__"}
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _module_containers(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level to a new dict, list or set (literal, comprehension or
    a call such as dict() or defaultdict(list))."""
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) and node.value else [])
        value = getattr(node, "value", None)
        call = value.func if isinstance(value, ast.Call) else None
        made = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp,
                                  ast.SetComp)) or \
            getattr(call, "id", getattr(call, "attr", None)) in _FACTORIES
        names |= {t.id for t in targets if made and isinstance(t, ast.Name)}
    return names


def _changes_in(function: ast.AST, names: set[str]) -> list[tuple[str, int]]:
    """(name, line) of each change a function makes to a module-level name: an item set or
    deleted, a mutating method called, or the name itself rebound after `global`."""
    nodes = list(ast.walk(function))
    declared = {name for node in nodes if isinstance(node, ast.Global) for name in node.names}
    own = {a.arg for a in nodes if isinstance(a, ast.arg)} | {
        n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    watched = (names - own) | declared
    found = []
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.attr in _MUTATORS:
            found.append((node.func.value.id, node.lineno))
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else (
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for target in targets:
            base = target.value if isinstance(target, ast.Subscript) else target
            if isinstance(base, ast.Name) and (base is not target or base.id in declared):
                found.append((base.id, node.lineno))
    return [(name, line) for name, line in found if name in watched]


def module_state(package: Path = PACKAGE) -> list[str]:
    """Module-level state that functions change at run time, which carries data from one call (or
    build) to the next: `file:line name` lines, KEPT_STATE left out."""
    found = set()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _module_containers(tree)
        rel = path.relative_to(package).as_posix()
        for function in (n for n in ast.walk(tree) if isinstance(n, _FUNCTIONS)):
            found |= {(rel, line, name) for name, line in _changes_in(function, names)
                      if f"{rel}:{name}" not in KEPT_STATE}
    return [f"{rel}:{line} {name}" for rel, line, name in sorted(found)]


def test_no_module_level_state_is_changed_at_run_time():
    """Per-build data lives in objects the build makes and passes (issue 17), not in globals."""
    assert module_state() == []


def test_module_state_that_functions_change_is_caught(tmp_path):
    package = tmp_path / "generator"
    package.mkdir()
    (package / "state.py").write_text(
        "TABLE = {'a': 1}\n_SEEN = []\n_BY = dict()\n_CURRENT = None\nLOCAL = set()\n"
        "TABLE['b'] = 2  # at import time: a constant being built\n"
        "def remember(x):\n    _SEEN.append(x)\n    _BY[x] = 1\n"
        "def forget():\n    del _BY['x']\n    global _CURRENT\n    _CURRENT = 1\n"
        "def shadowed(LOCAL):\n    LOCAL.add(1)\n    TABLE.get('a')\n"
        "grow = lambda x: TABLE.update(x)\n", encoding="utf-8")
    assert module_state(package) == ["state.py:8 _SEEN", "state.py:9 _BY", "state.py:11 _BY",
                                     "state.py:13 _CURRENT", "state.py:17 TABLE"]
