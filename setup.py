"""Maps the root folders into the ``xinfang`` namespace.

The folders are PEP 420 namespace folders (no ``__init__.py``) so that running Python
from the repository root never shadows the standard library's ``platform`` module.
pyproject's ``[tool.setuptools.packages.find]`` cannot express this mapping.
"""

from setuptools import find_namespace_packages, setup

ROOTS = ("platform", "plugins", "tenants", "permissions", "migrations")

setup(
    package_dir={f"xinfang.{root}": root for root in ROOTS},
    packages=[f"xinfang.{p}" for p in find_namespace_packages(include=[f"{r}*" for r in ROOTS])],
    package_data={"": ["*.mako", "*.conf", "*.html", "*.css", "*.j2", "*.txt", "*.js", "LICENSE", "NOTICE"]},
    include_package_data=True,
)
