import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1]
# Apps, then the project modules every app may use (settings and the test factories).
ALLOWED = {"notifications", "identity", "audit", "core", "config", "profiles", "conftest"}


def test_the_platform_app_imports_no_domain_app():
    """Only identity, audit and core of ours: other apps call notify(), not the reverse."""
    found = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found |= {n.split(".")[1] for n in names if n.startswith("onewindow.") and "." in n}
    assert found - ALLOWED == set()
    assert "identity" in found  # the scan sees imports at all
