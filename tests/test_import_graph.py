"""The layers hold: imports point down only, and our modules import each other in no cycle.

Read from the source with ``ast`` (nothing is imported), function-level imports
included: a lazy import is a dependency all the same. Layers, from the ground
up (docs/architecture.md): ``qr`` · ``backend.models`` · use cases
(``backend.services``, ``exports``) · delivery (``backend.api``,
``backend.pages``, ``backend.cli``, ``backend.error_responses``). ``backend.errors``
holds the domain errors the use cases raise: plain exceptions, no Flask.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("qr", "backend", "exports")
DELIVERY = ("backend.api", "backend.pages", "backend.cli", "backend.error_responses")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Everything ``path`` imports: modules, and ``module.name`` for each name taken from one."""
    names = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from backend.pages import charts`` is the submodule, not the package above it.
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def _ours(name: str) -> str | None:
    """The module of ours that ``name`` is or lies in, or None for a library."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


GRAPH = {
    module: {ours for name in _imports(path) if (ours := _ours(name)) and ours != module}
    for module, path in MODULES.items()
}


def _within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _offences(lower: tuple[str, ...], higher: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _within(module, *lower)
        for target in targets
        if _within(target, *higher)
    )


def test_the_graph_is_read():
    assert len(MODULES) > 40
    assert "exports.scope" in GRAPH["exports.funnel"]
    assert "backend.services.reports" in GRAPH["backend.api.funnel"]


def test_qr_imports_nothing_of_ours():
    assert _offences(("qr",), ("backend", "exports")) == []


def test_models_never_import_use_cases_or_delivery():
    higher = ("backend.services", "exports", *DELIVERY)
    assert _offences(("backend.models",), higher) == []


@pytest.mark.parametrize("layer", ["backend.services", "exports"])
def test_use_cases_never_import_delivery(layer):
    assert _offences((layer,), DELIVERY) == []


def test_exports_need_no_flask():
    flask = sorted(
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if _within(module, "exports")
        for name in _imports(path)
        if _within(name, "flask", "flask_sqlalchemy", "backend.extensions")
    )
    assert flask == []


def _flask_imports(*prefixes: str) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if _within(module, *prefixes)
        for name in _imports(path)
        if _within(name, "flask", "flask_sqlalchemy", "werkzeug", "backend.extensions")
    )


def test_domain_errors_need_no_flask_and_render_nothing():
    assert _flask_imports("backend.errors") == []
    assert _offences(("backend.errors",), ("backend.services", "exports", *DELIVERY)) == []


def test_nothing_below_delivery_reads_the_request():
    below = ("qr", "backend.models", "backend.services", "exports")
    readers = sorted(
        module
        for module, path in MODULES.items()
        if _within(module, *below) and {"flask.request", "flask.globals.request"} & _imports(path)
    )
    assert readers == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(GRAPH[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_among_our_modules():
    assert _cycles() == []


def test_a_cycle_would_be_found():
    GRAPH["exports.scope"].add("exports.funnel")
    try:
        assert any({"exports.funnel", "exports.scope"} <= set(c) for c in _cycles())
    finally:
        GRAPH["exports.scope"].discard("exports.funnel")
