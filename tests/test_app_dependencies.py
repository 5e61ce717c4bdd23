"""The apps depend on each other one way: batches uses receipts, receipts never uses batches."""

import ast

from tests.conftest import PROJECT_DIR


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_receipts_never_imports_batches():
    offenders = [
        f"{path.relative_to(PROJECT_DIR)} imports {module}"
        for path in sorted((PROJECT_DIR / "receipts").rglob("*.py"))
        for module in imported_modules(path)
        if module == "batches" or module.startswith("batches.")
    ]
    assert offenders == []


def batch_method_calls(path):
    """Calls such as `receipt.batch.reopen()`: a use of the batches app without an import."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Attribute) and owner.attr == "batch":
                yield f"{path.relative_to(PROJECT_DIR)}:{node.lineno} calls batch.{node.func.attr}()"


def test_receipts_never_calls_into_a_batch():
    calls = [call for path in sorted((PROJECT_DIR / "receipts").rglob("*.py")) for call in batch_method_calls(path)]
    assert calls == []
