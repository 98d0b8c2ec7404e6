"""A non-editable install must carry the data files and work from any directory."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.paths import EXAMPLES, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("ceasefire_kg-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_the_schema_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for data_file in ("ontology.ttl", "shapes.ttl", "article-facts.schema.json"):
        assert f"ceasefire_kg/schema/{data_file}" in names
    assert "ceasefire_kg/draft/lexicon.json" in names  # the offline drafter's cue lexicon
    # Every module of the package's folders, subpackages included (each must be listed in setup.cfg's packages).
    for folder, installed in ((REPO / "kg", "ceasefire_kg"), (REPO / "loaders", "ceasefire_kg/loaders")):
        for module in folder.rglob("*.py"):
            assert f"{installed}/{module.relative_to(folder).as_posix()}" in names, module


@pytest.mark.slow
def test_an_installed_wheel_validates_files_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    # The dependencies come from this environment (a .pth line adds its
    # site-packages without running its .pth files, so the checkout's editable
    # install stays out); the package itself comes only from the wheel.
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    target_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(target_site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    ckg = environment / "bin" / "ckg"
    found = subprocess.run(
        [str(python), "-c", "import ceasefire_kg; print(ceasefire_kg.__file__)"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(environment) in found.stdout, "the package was imported from the checkout, not the wheel"
    assert subprocess.run([str(ckg), "--help"], cwd=workdir, capture_output=True, check=True).returncode == 0
    result = subprocess.run([str(ckg), "validate", str(EXAMPLES)], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Valid: 2 articles and 1 registry")
    text = EXAMPLES / "2025-04-09-kremlin-conditional-ceasefire.txt"
    drafted = subprocess.run(
        [str(ckg), "draft", str(text), "--registry", str(EXAMPLES / "actors.yaml")],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert drafted.returncode == 0, drafted.stderr
    assert "  reviewed: false\n" in drafted.stdout
