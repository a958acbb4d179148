"""The shape of the code: which module may import which."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mod_press", "releases")


def project_modules() -> dict[str, Path]:
    """Every module of the project's packages by dotted name (migrations aside)."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(name: str, path: Path, modules) -> set[str]:
    """The project modules ``name`` imports, at its top or inside a function alike: a
    deferred import still makes the two modules depend on each other."""

    def project_module(dotted):
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(project_module(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module
            for alias in node.names:
                found.add(project_module(f"{source}.{alias.name}") or project_module(source))
    return found - {name, ""}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (Tarjan's strongly connected
    components), those of more than one module."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return groups


def test_no_import_circle_among_the_projects_modules():
    modules = project_modules()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert "releases.models" in graph["releases.search"]  # the graph sees imports
    assert circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_the_release_domain_does_not_reach_into_the_interface_string_tools():
    modules = project_modules()
    for name, path in modules.items():
        if name.startswith("releases"):
            imported = imports_of(name, path, modules)
            assert not any(m.startswith("mod_press.interface_strings") for m in imported), name


def test_templates_have_no_line_a_reader_must_scroll_for():
    """Templates are read one tag per line. A few <title> lines stay long: a line break
    there would be part of the page's title."""
    templates = [
        path
        for folder in ("templates", "mod_press", "releases")
        for path in (ROOT / folder).rglob("*.html")
    ]
    assert len(templates) > 40
    long_lines = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > 170
    ]
    assert long_lines == []
