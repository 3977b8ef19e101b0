"""Imports point one way (config -> apps -> core). The contracts live in pyproject.toml and `make lint`
runs them; this proves they hold on the tree and that breaking one really fails the check."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("config", "sopsocial", "planning", "feeds", "alerts", "process")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy_tree(dest: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return _copy_tree(tmp_path_factory.mktemp("layers"))


def test_the_import_contracts_hold_on_the_tree(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("sopsocial/pages/views.py", "import feeds.models", "The core imports no app"),
        ("feeds/views.py", "import alerts.models", "One-way layers"),
        (
            "planning/selectors.py",
            "import feeds.selectors",
            "Planning reaches feeds only through its actions",
        ),
    ],
)
def test_a_deliberate_violation_fails_the_check(tmp_path, module, bad_import, contract):
    tree = _copy_tree(tmp_path)
    target = tree / module
    target.write_text(target.read_text() + f"\n{bad_import}  # deliberate violation\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout, result.stdout
