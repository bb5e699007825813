"""Issue 14: documents/services.py and early warning do not import each other; the publishing
service (early_warning/publishing.py) calls both."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_documents_services_does_not_import_the_publishing_service():
    """publishing calls the documents; the documents never call publishing back."""
    imported = imported_modules("screening/documents/services.py")
    assert "screening.early_warning.publishing" not in imported
    assert "screening.early_warning.services" not in imported  # the old facade, gone
    assert not (ROOT / "screening/early_warning/services.py").exists()


def test_escalations_do_not_import_the_documents():
    for module in ("escalations", "barometer", "budgets", "project_energy", "alerts"):
        assert not any(
            name.startswith("screening.documents")
            for name in imported_modules(f"screening/early_warning/{module}.py")
        ), module
