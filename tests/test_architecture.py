"""The layers hold: every module is in the import-linter contract, and the contract is kept.

`make test` runs `lint-imports` before pytest; this test makes sure a new module cannot
slip past the contract by not being listed in it. And the store is the only door to the
database: no other module imports SQLAlchemy or a database driver, or uses the store's
private names.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _layer_contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]


def _listed(contract: dict) -> set[str]:
    return {m.strip() for layer in contract["layers"] for m in layer.split("|")}


def test_every_module_has_a_layer():
    """Every top-level module and package is in the first contract, and every module of a
    package with a contract of its own (ui, reporting, io, store, domain) is in that one."""
    contracts = _layer_contracts()
    [top] = [c for c in contracts if "containers" not in c]
    package = ROOT / "hls_workbook"
    modules = {f"hls_workbook.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"hls_workbook.{p.parent.name}" for p in package.glob("*/__init__.py")}
    assert modules - _listed(top) == set(), "add these to [tool.importlinter] in pyproject.toml"
    assert _listed(top) - modules == set(), "these are listed but no longer exist"
    inner = {c["containers"][0]: c for c in contracts if "containers" in c}
    assert {"hls_workbook.ui", "hls_workbook.reporting", "hls_workbook.io",
            "hls_workbook.store", "hls_workbook.domain"} <= set(inner)
    for container, contract in inner.items():
        folder = package / container.split(".", 1)[1].replace(".", "/")
        found = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
        found |= {p.parent.name for p in folder.glob("*/__init__.py")}
        assert found == _listed(contract), f"the contract for {container} lists other modules"


def test_the_layers_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


#: Only the store may import these.
DATABASE_MODULES = ("sqlalchemy", "sqlite3", "psycopg", "psycopg2")
#: The store: the Workbook (store/workbook.py) and the modules it is built from, one per
#: concern (engine, schema, writing, reading, consent, drafts). Not ``checks``, which uses
#: the Workbook's public methods like any other module, nor the package's ``__init__``.
STORE_DIR = ROOT / "hls_workbook" / "store"
STORE = sorted(p for p in STORE_DIR.glob("*.py") if p.stem not in ("__init__", "checks"))


def _private_store_names() -> tuple[set[str], set[str]]:
    """The private module-level names of every module of the store, and the private methods
    of its classes (the Workbook and the parts it is built from)."""
    module, methods = set(), set()
    for path in STORE:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = []
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            module |= {n for n in names if n.startswith("_") and not n.startswith("__")}
            if isinstance(node, ast.ClassDef):
                methods |= {f.name for f in node.body if isinstance(f, ast.FunctionDef)
                            and f.name.startswith("_") and not f.name.startswith("__")}
    return module, methods


def _store_door_problems(source: str, where: str, private: set[str], methods: set[str]
                         ) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            problems += [f"{where}:{node.lineno} imports {a.name}" for a in node.names
                         if a.name.split(".")[0] in DATABASE_MODULES]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] in DATABASE_MODULES and not node.level:
                problems.append(f"{where}:{node.lineno} imports from {module}")
            if module.split(".")[-1] in {"store", *(p.stem for p in STORE)}:
                problems += [f"{where}:{node.lineno} imports the store's private {a.name}"
                             for a in node.names if a.name in private]
        elif isinstance(node, ast.Attribute) and (
                node.attr in methods or node.attr in private and _is_store(node.value)):
            problems.append(f"{where}:{node.lineno} uses the store's private {node.attr}")
    return problems


def _is_store(node: ast.expr) -> bool:
    """Whether an expression names the store module (``store``, ``store_mod``, ...)."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name.lstrip("_").startswith("store")


def test_the_store_door_check_finds_what_it_should():
    private, methods = _private_store_names()
    # From every module of the store: writing, engine, reading, consent, drafts, schema.
    assert {"_insert_new", "_check_links", "_current_row", "_translate", "_scrub",
            "_open_schema"} <= methods
    assert {"_is_busy", "_place_id", "_withdrawn", "_draft_key", "_indexes"} <= private
    planted = ("import sqlalchemy as sa\n"
               "from sqlalchemy.engine import Connection\n"
               "from .store import _place_id, open_workbook\n"
               "wb._insert_new(conn, record, place, by)\n"
               "Workbook._translate(wb, exc)\n"
               "self.wb._check_links(conn, record, place)\n"
               "store._place_id(conn, place)\n"
               "from hls_workbook.store.engine import _is_busy\n"
               "from hls_workbook.store.consent import _withdrawn, Consent\n"
               "store_drafts._draft_key(place, kind, None, None)\n"
               "wb._scrub('voice')\n"
               "self._now()\n"  # another module's own _now is its business
               "from hls_workbook.store.workbook import Workbook, check_place\n"
               "wb.insert(conn, record, place=place)\n")
    found = _store_door_problems(planted, "planted", private, methods)
    lines = sorted(int(p.split(" ", 1)[0].split(":")[1]) for p in found)
    assert lines == list(range(1, 12)), found


def test_only_the_store_opens_the_database():
    """SQL and the drivers live in the store's modules alone; the others use the public
    methods of its Workbook."""
    private, methods = _private_store_names()
    problems = []
    for path in sorted((ROOT / "hls_workbook").rglob("*.py")):
        if path not in STORE:
            problems += _store_door_problems(path.read_text(encoding="utf-8"),
                                             str(path.relative_to(ROOT)), private, methods)
    assert problems == [], "use (or add) a public method of store.Workbook:\n" + "\n".join(
        problems)


#: Only this module compares a field's widget kind with a kind's name.
KINDS_MODULE = ROOT / "hls_workbook" / "domain" / "kinds.py"


def _names_a_kind(node: ast.AST, kinds: set[str]) -> bool:
    """A string literal naming a widget kind, or a tuple, list or set literal holding one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in kinds
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_kind(e, kinds) for e in node.elts)
    return False


def _kind_comparisons(source: str, where: str, kinds: set[str]) -> list[str]:
    """Where a widget kind (``x.widget``, a name ``widget``, or a name given ``x.widget``)
    is compared with a kind's name written out, or matched against one (``case "date":``)."""
    tree = ast.parse(source)
    holders = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
               and isinstance(node.value, ast.Attribute) and node.value.attr == "widget"
               for target in node.targets if isinstance(target, ast.Name)}

    def is_kind(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr == "widget"
        return isinstance(node, ast.Name) and (node.id == "widget" or node.id in holders)

    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(is_kind(o) for o in operands) and any(_names_a_kind(o, kinds)
                                                        for o in operands):
                problems.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Match) and is_kind(node.subject):
            problems += [(case.pattern.lineno, f"case {ast.unparse(case.pattern)}")
                         for case in node.cases
                         if any(isinstance(p, ast.MatchValue) and _names_a_kind(p.value, kinds)
                                for p in ast.walk(case.pattern))]
    return [f"{where}:{line} {text}" for line, text in sorted(problems)]


def _kind_names() -> set[str]:
    from hls_workbook.domain.kinds import KINDS

    return set(KINDS)


def test_the_kind_check_finds_what_it_should():
    planted = ('if meta.widget == "date":\n'
               '    ok = field.widget in ("choice", "yes_partly_no")\n'
               'w = self.meta.widget\n'
               'same = w != "links"\n'
               'flag = "flag" == widget\n'
               'match meta.widget:\n'
               '    case "score" | "integer":\n'
               '        pass\n'
               'mode == "text"\n'  # not a widget kind: someone else's "text"
               'kind == "voice"\n'
               'meta.field_kind.is_date\n'
               'meta.widget in CONTROLS\n')
    found = _kind_comparisons(planted, "planted", _kind_names())
    assert [p.split(" ", 1)[0] for p in found] == [
        f"planted:{n}" for n in (1, 2, 4, 5, 7)], found


def test_only_kinds_compares_widget_kinds():
    """What differs between kinds lives in kinds.FieldKind: no if/elif on a kind's name."""
    kinds = _kind_names()
    problems = []
    for path in sorted((ROOT / "hls_workbook").rglob("*.py")):
        if path != KINDS_MODULE:
            problems += _kind_comparisons(path.read_text(encoding="utf-8"),
                                          str(path.relative_to(ROOT)), kinds)
    assert problems == [], "ask the field's kinds.FieldKind instead:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------
# No package uses another package's private names
# ---------------------------------------------------------------------------

PACKAGE = ROOT / "hls_workbook"


def _concern(module: str) -> str:
    """The package a module belongs to: ``hls_workbook.ui.forms`` -> ``ui``; a top-level
    module (``cli``, ``config``, ``demo``) is a concern of its own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent / dotted.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _private_use_problems(source: str, where: str, concern: str) -> list[str]:
    """Imports of another package's ``_private`` names, and ``module._private`` uses of
    a module imported from another package."""
    def private(name: str) -> bool:
        return name.startswith("_") and not name.startswith("__")

    problems, aliases = [], {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hls_workbook"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if _concern(node.module) == concern and _concern(full) == concern:
                    continue
                if any(private(part) for part in node.module.split(".")):
                    problems.append(f"{where}:{node.lineno} imports from the private module "
                                    f"{node.module}")
                elif _is_module(full):
                    aliases[alias.asname or alias.name] = full
                elif private(alias.name) and _concern(node.module) != concern:
                    problems.append(f"{where}:{node.lineno} imports {node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("hls_workbook.") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and private(node.attr)
                and _concern(aliases[node.value.id]) != concern):
            problems.append(f"{where}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return problems


def test_the_private_name_check_finds_what_it_should():
    planted = ("from hls_workbook.privacy.detect import _redactor, find_details\n"
               "from hls_workbook.ui import forms\n"
               "import hls_workbook.store.workbook as wbmod\n"
               "forms._bundle(x)\n"
               "wbmod._place_id(conn, p)\n"
               "from hls_workbook.reporting.charts import _svg\n"  # its own package: fine
               "forms.show(x)\n"
               "from hls_workbook.analysis._common import pct\n")  # another's private module
    found = _private_use_problems(planted, "planted", "reporting")
    assert [p.split(" ", 1)[0] for p in found] == [
        "planted:1", "planted:8", "planted:4", "planted:5"], found


def test_no_package_uses_another_packages_private_names():
    """A package's private names are its own: what another package needs is public."""
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        problems += _private_use_problems(path.read_text(encoding="utf-8"),
                                          str(path.relative_to(ROOT)),
                                          _concern(module.removesuffix(".__init__")))
    assert problems == [], "make these public (or move them):\n" + "\n".join(problems)
