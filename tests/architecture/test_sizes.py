"""No module of maillon/ grows past 500 lines: a file that long holds more than one concern and
is split by concern (a package whose modules say what they hold). Migrations are generated."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "maillon"
MAX_LINES = 500


def test_no_python_module_is_over_500_lines():
    too_long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these modules by concern: {too_long}"
