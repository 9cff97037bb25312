"""Size limits of our own code: no module over 400 lines, no function over 60.

A long function's section comments are the names of the functions it should be
split into; a long module holds several concerns. A module or function that has
a reason to be longer says so in a `# size: <reason>` comment: on the module's
first line, or on its `def` line or the line just above it (above its decorators
when it has some). Migrations, tests, bench and scripts are not measured.
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR).resolve()
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
SKIPPED_DIRS = {"migrations", "tests", "bench", "scripts", ".venv", "node_modules"}
SIZE_REASON = re.compile(r"#\s*size:\s*\S")

# Modules and functions still over the limits, waiting to be split: this set may only shrink
# (it is empty since the architecture issue split campaigns and actors by sub-domain).
KNOWN_OVERSIZE: set[str] = set()


def _project_packages():
    """Our own apps (those whose code is in this repository) and the project package."""
    packages = {"config"}
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if path.parent == BASE:
            packages.add(path.name)
    return sorted(packages)


def _modules():
    for package in _project_packages():
        for path in sorted((BASE / package).rglob("*.py")):
            relative = path.relative_to(BASE)
            if SKIPPED_DIRS.isdisjoint(relative.parts[:-1]) and not _is_test_file(path.name):
                yield relative.as_posix(), path.read_text(encoding="utf-8")


def _is_test_file(name):
    return name == "conftest.py" or name.startswith("test_")


def _has_reason(lines, number):
    """Whether line `number` (counted from 1) gives a `# size:` reason."""
    return 1 <= number <= len(lines) and bool(SIZE_REASON.search(lines[number - 1]))


def _functions(tree):
    """(qualified name, node) for every function and method, nested ones included."""
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((prefix + child.name, child))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def oversize(path, source):
    """[("path", lines), ("path:Class.function", lines), …]: what passes the limits
    without a `# size:` reason, the module first."""
    lines = source.splitlines()
    found = []
    if len(lines) > MAX_MODULE_LINES and not _has_reason(lines, 1):
        found.append((path, len(lines)))
    for name, node in _functions(ast.parse(source)):
        length = node.end_lineno - node.lineno + 1
        first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
        excused = any(_has_reason(lines, number) for number in range(first - 1, node.lineno + 1))
        if length > MAX_FUNCTION_LINES and not excused:
            found.append((f"{path}:{name}", length))
    return found


def _project_oversize():
    return {entry: length for path, source in _modules() for entry, length in oversize(path, source)}


def test_no_module_or_function_passes_the_size_limits():
    """Split it: a long function's section comments name the functions it is made of,
    a long module's concerns the modules of a package (territories/importing/)."""
    new = {entry: length for entry, length in _project_oversize().items() if entry not in KNOWN_OVERSIZE}

    assert not new, (
        f"Over {MAX_MODULE_LINES} lines per module or {MAX_FUNCTION_LINES} per function "
        "(split it, or give a reason in a `# size: …` comment):\n"
        + "\n".join(f"  {entry} ({length} lines)" for entry, length in sorted(new.items()))
    )


def test_known_oversize_entries_are_still_oversize():
    """KNOWN_OVERSIZE may only shrink: an entry that has been split leaves the set."""
    split = KNOWN_OVERSIZE - set(_project_oversize())

    assert not split, "No longer oversize, remove from KNOWN_OVERSIZE:\n" + "\n".join(
        f"  {entry}" for entry in sorted(split)
    )


def _function(header, length, indent=""):
    """Source of a function of `length` lines, from its `def` line down."""
    body = "".join(f"{indent}    x = {i}\n" for i in range(length - 1))
    return f"{indent}{header}\n{body}"


def test_the_measure_counts_from_def_to_end_and_honours_size_reasons():
    source = "".join(
        [
            _function("def long():", 61),
            _function("def at_the_limit():", 60),
            "# size: one table of rules, clearer whole\n",
            _function("def excused():", 61),
            "@decorated\n",
            _function("def long_decorated():", 61),
            "# size: a reason above the decorators\n@decorated\n",
            _function("def excused_decorated():", 61),
            "class Page:\n",
            _function("def long_method(self):", 61, indent="    "),
            _function("def excused_method(self):  # size: a reason at the def", 61, indent="    "),
        ]
    )

    assert oversize("app/module.py", source) == [
        ("app/module.py", len(source.splitlines())),
        ("app/module.py:long", 61),
        ("app/module.py:long_decorated", 61),
        ("app/module.py:Page.long_method", 61),
    ]


def test_a_module_gives_its_reason_on_its_first_line():
    source = '"""A long table."""  # size: generated data, one concern\n' + "x = 1\n" * 400

    assert oversize("app/table.py", source) == []
