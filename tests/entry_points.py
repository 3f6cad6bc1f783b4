"""Making a module an installed plugin for a subprocess, the way pip would: a dist-info
folder with an ``entry_points.txt`` under the ``xinfang.campaigns`` group, on its PYTHONPATH."""

from __future__ import annotations

import os
from pathlib import Path

from xinfang.platform.extensions.manager import ENTRY_POINT_GROUP


def entry_point_folder(parent: Path, name: str, module: str) -> Path:
    """A folder that, on ``sys.path``, makes ``module`` an installed plugin named ``name``."""
    folder = parent / f"plugin-{name}"
    info = folder / f"{name}-0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {module}\n")
    return folder


EXAMPLE = Path(__file__).resolve().parent / "example_campaign"


def with_example_installed(env: dict[str, str], parent: Path) -> dict[str, str]:
    """``env`` for a subprocess that has the example campaign installed, as the tests' databases do."""
    folder = entry_point_folder(parent, "no_petition_village", "xinfang_example_campaign.plugin")
    path = [str(folder), str(EXAMPLE), *filter(None, [env.get("PYTHONPATH")])]
    return {**env, "PYTHONPATH": os.pathsep.join(path)}
