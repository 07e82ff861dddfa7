"""pyproject.toml's package list against the tree. An installed copy (a wheel) holds only what
setuptools is told about: a subpackage or data file left out works in a checkout and breaks once
installed. setuptools matches `packages.find` patterns and `package-data` globs with fnmatch."""

import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("movieranking", "catalog", "rankings", "imports")
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def packages_on_disk() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for app in APPS
        for init in (ROOT / app).rglob("__init__.py")
    }


def declared(package: str) -> bool:
    find = SETUPTOOLS["packages"]["find"]
    return any(fnmatchcase(package, p) for p in find["include"]) and not any(
        fnmatchcase(package, p) for p in find.get("exclude", [])
    )


def data_files_on_disk() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]


def packaged(path: Path) -> bool:
    """Whether package-data puts `path` in the wheel: globs are relative to the nearest package."""
    package = path.parent
    while not (package / "__init__.py").exists():
        package = package.parent
    name = ".".join(package.relative_to(ROOT).parts)
    relative = path.relative_to(package).as_posix()
    return any(fnmatchcase(relative, p) for p in SETUPTOOLS["package-data"].get(name, []))


def test_the_checks_see_the_subpackages_and_data_they_are_about():
    assert {"catalog.migrations", "rankings.templatetags", "imports.sources"} <= packages_on_disk()
    assert ROOT / "catalog" / "data" / "offline_catalog.tsv.gz" in data_files_on_disk()


def test_every_package_of_the_apps_goes_into_the_wheel():
    assert sorted(p for p in packages_on_disk() if not declared(p)) == []


def test_the_tests_benchmarks_and_scripts_stay_out_of_the_wheel():
    assert [p for p in ("tests", "tests.imports", "benchmarks", "scripts") if declared(p)] == []


def test_every_data_file_of_the_apps_goes_into_the_wheel():
    assert [str(p.relative_to(ROOT)) for p in data_files_on_disk() if not packaged(p)] == []
