"""The import contract: the stages stand in pipeline order and a module imports only its own
stage or earlier ones (imports inside functions count); no stage imports the desk or the CLI;
no import cycles."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "digest"
# Earlier first. Each name is a top-level module, a stage package, or one settings module.
LAYERS = [
    {"errors", "resources", "weeks", "models", "settings", "settings.parts", "settings.schema"},
    {"fetch"},
    {"sources"},
    {"settings.loading", "settings.editing"},
    {"extract"},
    {"store"},
    {"ingest"},
    {"label"},
    {"compose"},
    {"typeset"},
    {"render"},
    {"publish"},
    {"pipeline", "trial"},
    {"editorial"},
    {"delivery"},
    {"desk"},
    {"cli"},
    {"schedule"},  # the shim for job paths stored by older schedulers
]
RANK = {unit: n for n, layer in enumerate(LAYERS) for unit in layer}


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (migrations' version scripts aside)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "versions" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def unit_of(module: str) -> str:
    """The layer unit a dotted module belongs to: its stage, or settings.<module>."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] == "settings":
        return f"settings.{parts[2]}"
    return parts[1] if len(parts) > 1 else "digest"


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The digest modules a file imports, at any depth of the file (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("digest.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "digest" or node.module.startswith("digest."):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in known else node.module)
    return {m for m in found if m != "digest"}


def graph() -> dict[str, set[str]]:
    """Module → the digest modules it imports."""
    files = module_files()
    return {name: imports_of(path, set(files)) for name, path in files.items()}


def test_every_module_has_a_layer():
    units = {unit_of(m) for m in module_files() if m != "digest"}
    assert units - set(RANK) == set()


def test_no_module_imports_a_later_stage():
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        if module != "digest"
        for target in targets
        if RANK[unit_of(target)] > RANK[unit_of(module)]
    ]
    assert wrong == []


def test_no_stage_imports_the_desk_or_the_cli():
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if unit_of(target) in {"desk", "cli"} and unit_of(module) not in {"desk", "cli"}
    ]
    assert wrong == []


def test_no_import_cycle_between_modules():
    edges = graph()
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the path, 2 done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state[nxt] == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif state[nxt] == 0 and nxt in edges:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(edges):
        if state[start] == 0:
            visit(start, [start])
    assert cycles == []


def test_at_most_twelve_modules_at_the_top():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 12, top


def test_the_contract_catches_a_backward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from digest.cli.main import main\n", encoding="utf-8")
    assert imports_of(bad, {"digest.cli.main"}) == {"digest.cli.main"}
    assert RANK[unit_of("digest.cli.main")] > RANK[unit_of("digest.fetch.client")]
