"""Build hook: ship the top-level resources/ folder inside the package as `console.resources`.

The metadata lives in pyproject.toml. Only the package list is here, because pyproject.toml
cannot combine package discovery with mapping one package onto a folder outside `console/`.
Its data files are listed under `[tool.setuptools.package-data]`.
"""

from setuptools import find_namespace_packages, find_packages, setup

RESOURCES = "console.resources"
resource_folders = [f"{RESOURCES}.{name}" for name in find_namespace_packages(where="resources")]

setup(
    packages=[*find_packages(include=["console", "console.*"]), RESOURCES, *resource_folders],
    package_dir={RESOURCES: "resources"},
)
