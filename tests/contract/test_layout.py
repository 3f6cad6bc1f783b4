"""The repository layout keeps the standard library's ``platform`` importable from the root."""

from __future__ import annotations

import platform as stdlib_platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE_ROOTS = ("platform", "plugins", "tenants", "permissions", "migrations")


def test_stdlib_platform_wins_when_running_from_the_root():
    out = subprocess.run([sys.executable, "-c", "import uuid, platform; print(platform.system())"],
                         cwd=ROOT, check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == stdlib_platform.system()
    assert out.stdout.strip() in {"Linux", "Darwin", "Windows"}


@pytest.mark.parametrize("folder", NAMESPACE_ROOTS)
def test_root_folders_are_namespace_folders(folder):
    assert (ROOT / folder).is_dir(), f"{folder}/ is missing"
    assert not (ROOT / folder / "__init__.py").exists(), f"{folder}/__init__.py shadows the namespace layout"


def test_static_tools_see_every_root_folder_as_xinfang():
    """``typings/xinfang/<root>`` links each root folder (mypy_path, pyright extraPaths)."""
    links = ROOT / "typings" / "xinfang"
    assert sorted(p.name for p in links.iterdir()) == sorted(NAMESPACE_ROOTS)
    for root in NAMESPACE_ROOTS:
        assert (links / root).is_symlink() and (links / root).resolve() == ROOT / root


def test_xinfang_platform_resolves_to_the_repository_folder():
    out = subprocess.run(
        [sys.executable, "-c",
         ("import xinfang.platform as p, xinfang.platform.app as a; "
          "print(list(p.__path__)[0]); print(a.__file__)")],
        cwd=ROOT, check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    package_dir, app_file = out.stdout.split()
    assert Path(package_dir).resolve() == ROOT / "platform"
    assert Path(app_file).resolve() == ROOT / "platform" / "app.py"


def test_xinfang_platform_in_this_process_is_the_repository_folder():
    import xinfang.platform
    import xinfang.platform.settings

    # an editable install adds its finder's placeholder entry; the real folders are the repo's
    folders = [Path(p).resolve() for p in xinfang.platform.__path__ if Path(p).is_dir()]
    assert folders == [ROOT / "platform"]
    assert Path(xinfang.platform.settings.__file__).resolve() == ROOT / "platform" / "settings.py"
    assert stdlib_platform.__file__ and Path(stdlib_platform.__file__).resolve().parent != ROOT
