"""The architecture's rules that import-linter cannot check (it sees modules, not names).

The layers themselves are import-linter's contract (pyproject.toml, `make lint`)."""

import ast
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Our Django apps and the project package, as in pyproject.toml's [tool.importlinter].
PACKAGES = [
    "config",
    "pages",
    "campaigns",
    "followup",
    "commitments",
    "notifications",
    "frameworks",
    "moderation",
    "actors",
    "territories",
    "accounts",
    "core",
]


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_module(dotted):
    path = BASE.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _dotted(node):
    """["a", "b", "c"] for the expression a.b.c, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def private_names_used_across_apps(source, package):
    """(line, "actors.rules._partner_ids") for each private name of another app that
    this source of `package` imports (`from actors.rules import _x`) or reads from an
    imported module (`from actors import rules` then `rules._x`)."""
    tree = ast.parse(source)
    modules = {}  # local name -> dotted name of another app's module
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            if top not in PACKAGES or top == package:
                continue
            for alias in node.names:
                if _is_private(alias.name):
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
                elif _is_module(f"{node.module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in PACKAGES and top != package:
                    if alias.asname:
                        modules[alias.asname] = alias.name
                    else:
                        modules[top] = top
    for node in ast.walk(tree):
        parts = _dotted(node) if isinstance(node, ast.Attribute) else None
        if not parts or parts[0] not in modules:
            continue
        dotted = modules[parts[0]]
        for part in parts[1:]:
            if _is_private(part):
                found.append((node.lineno, f"{dotted}.{part}"))
                break
            if not _is_module(f"{dotted}.{part}"):
                break
            dotted = f"{dotted}.{part}"
    return sorted(set(found))


def _sources():
    for package in PACKAGES:
        for path in sorted((BASE / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_app_imports_another_apps_private_names():
    """A name starting with "_" is its app's own business: another app that needs it asks
    for a public, documented function instead (actors.rules.coordinated_partner_ids)."""
    used = [
        f"{path.relative_to(BASE)}:{line}: {name}"
        for path in _sources()
        for line, name in private_names_used_across_apps(
            path.read_text(encoding="utf-8"), path.relative_to(BASE).parts[0]
        )
    ]
    assert used == []


def test_the_private_names_check_sees_both_ways_of_reaching_a_name():
    source = (
        "from actors.rules import _partner_ids\n"
        "from actors import rules\n"
        "import actors.rules as actor_rules\n"
        "rules._coordinator_org_ids\n"
        "actor_rules._coordinator_org_ids\n"
        "rules.Organization._meta\n"  # a model's _meta is not a module's private name
        "from .rules import _organizer_ids\n"  # the app's own names are its business
        "from campaigns.rules import _organizer_ids\n"
    )

    names = private_names_used_across_apps(source, "campaigns")

    assert names == [
        (1, "actors.rules._partner_ids"),
        (4, "actors.rules._coordinator_org_ids"),
        (5, "actors.rules._coordinator_org_ids"),
    ]
