"""Imports go one way: domain (pantau/*) -> store, nlp, crawlers, demo -> evidence -> referral -> flows, triage -> CLI.

A lower layer never imports a higher one, not even inside a function: a use case registers a handler instead (the
store's owner answers `refer` requests through `register_request_handler`). This test reads every module's imports
with `ast` and fails naming the module, the line and the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"pantau": "pantau", "store": "pantau.store", "nlp": "pantau.nlp", "crawlers": "pantau.crawlers",
           "demo": "pantau.demo", "referral": "pantau.referral", "flows": "pantau.flows", "triage": "pantau.triage"}
# Higher number = higher layer. The most specific prefix wins (pantau.referral.evidence sits below pantau.referral).
LAYERS = {
    "pantau": 0,  # the domain: Post spec, statuses, deadlines, labels, times, timestamps, the browser settings
    "pantau.store": 1, "pantau.nlp": 1, "pantau.crawlers": 1, "pantau.demo": 1,
    "pantau.referral.evidence": 2,
    "pantau.referral": 3,
    "pantau.flows": 4, "pantau.triage": 4,
    "pantau.cli": 5, "pantau.commands": 5,  # the command line (pantau/cli.py assembles pantau/commands/)
}


def layer_of(module: str) -> str:
    return max((k for k in LAYERS if module == k or module.startswith(k + ".")), key=len)


def module_name(path: Path, folder: str) -> str:
    parts = path.relative_to(ROOT / folder).with_suffix("").parts
    name = ".".join((FOLDERS[folder], *parts))
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def imports(path: Path, module: str):
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from pantau import cli` imports the module pantau.cli
                yield node.lineno, f"{target}.{alias.name}"


def modules():
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "data" in path.relative_to(ROOT / folder).parts[:-1] and folder == "nlp":
                continue  # nlp/data/generate.py writes training data; it is a script, not a layer
            yield path, module_name(path, folder)


def test_no_module_imports_a_higher_layer():
    wrong = []
    for path, module in modules():
        own = layer_of(module)
        for line, target in imports(path, module):
            if target != "pantau" and not target.startswith("pantau."):
                continue
            if target not in LAYERS and not any(target.startswith(k + ".") for k in LAYERS):
                continue
            other = layer_of(target)
            if LAYERS[other] > LAYERS[own]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {module} ({own}) imports {target} ({other})")
    assert wrong == [], "\n".join(wrong)


def test_the_layer_test_sees_a_violation(tmp_path):
    """The check itself works: a store module importing the triage app is named."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from pantau.triage.app import create_app\n", encoding="utf-8")
    found = [(line, t) for line, t in imports(bad, "pantau.store.bad")]
    assert (2, "pantau.triage.app") in found
    assert LAYERS[layer_of("pantau.triage.app")] > LAYERS[layer_of("pantau.store.bad")]
    assert layer_of("pantau.referral.evidence") == "pantau.referral.evidence"
    assert layer_of("pantau.referral.package") == "pantau.referral"


def test_store_modules_are_small():
    """store/ is split by concern (issue 17): no module of it grows past ~400 lines again (db.py had 2,185)."""
    large = {p.name: n for p in sorted((ROOT / "store").glob("*.py"))
             if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert large == {}, f"store modules over 400 lines (split them by concern): {large}"


def test_split_modules_are_small():
    """Modules split by topic (issue 17) stay under ~400 lines: the command line (cli.py had 1,086 lines), the
    signal rules (nlp/signals.py had 729), the training-data generator (nlp/data/generate.py had 1,099) and the
    demo posts (demo/generate.py had 670)."""
    paths = [ROOT / "pantau" / "cli.py", *sorted((ROOT / "pantau" / "commands").glob("*.py")),
             *(ROOT / "nlp" / f"{name}.py" for name in ("signals", "vocabulary", "spans", "nip", "identity_rules",
                                                         "act_rules")),
             *sorted((ROOT / "nlp" / "data").glob("*.py")),
             *(ROOT / "demo" / f"{name}.py" for name in ("generate", "election", "accounts", "templates", "posts", "wave"))]
    large = {str(p.relative_to(ROOT)): n for p in paths if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert large == {}, f"modules over 400 lines (split them by topic): {large}"


def test_store_writes_begin_and_commit_in_one_place():
    """Every write of the store runs in `transaction()` (store/connection.py): no module writes its own
    BEGIN/COMMIT/ROLLBACK. The owner's read API (owner_api.py) runs each read in a read-only transaction."""
    allowed = {"connection.py", "owner_api.py"}
    found = []
    for path in sorted((ROOT / "store").glob("*.py")):
        if path.name in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and node.value.strip().upper().split(" ")[0] in ("BEGIN", "COMMIT", "ROLLBACK")):
                found.append(f"store/{path.name}:{node.lineno}: {node.value!r}")
    assert found == [], "\n".join(found)


SCRIPT_FOLDERS = ("bench", "docs", "models")  # scripts and tools: the same rule for imports inside functions


def imports_without_reason(path: Path) -> list[str]:
    """Imports inside a function with no comment on their lines, nor on the line above them or above the run of
    imports they belong to: the reason (a heavy library loaded only where needed, an import cycle...) must be
    written next to the import."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for fn in ast.walk(ast.parse(text)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        nodes = sorted((n for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))), key=lambda n: n.lineno)
        first = {}  # an import's first line -> the first line of its run of imports (one statement after another)
        for prev, node in zip([None, *nodes], nodes):
            run = prev is not None and node.lineno == prev.end_lineno + 1
            first[node.lineno] = first[prev.lineno] if run else node.lineno
        for node in nodes:
            own = lines[node.lineno - 1: node.end_lineno]
            above = lines[first[node.lineno] - 2].strip() if first[node.lineno] > 1 else ""
            if not any("#" in line for line in own) and not above.startswith("#"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def test_imports_inside_functions_say_why():
    """Import at the top of a module; inside a function only with the reason next to it (issue 17)."""
    paths = [p for p, _ in modules()] + [p for folder in SCRIPT_FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]
    found = [f for path in paths for f in imports_without_reason(path)]
    assert found == [], f"{len(found)} imports inside functions without a reason:\n" + "\n".join(found)


def test_the_import_check_sees_an_unexplained_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    import json\n\n\ndef g():\n    import duckdb  # heavy: only g needs it\n\n\n"
                   "def h():\n    # heavy: only h needs it\n    from scrapy import Spider\n    from scrapy import Request\n\n"
                   "    import os\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert imports_without_reason(bad) == ["bad.py:2: import json", "bad.py:14: import os"]
    finally:
        ROOT = saved
