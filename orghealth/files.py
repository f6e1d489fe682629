"""Where the data files live: `sql/` and `expectations/` are packages of their own, shipped inside the wheel.

They are found with importlib.resources, so an installed wheel and a checkout read the same files.
"""

from importlib import resources
from pathlib import Path


def package_dir(package: str) -> Path:
    """The folder of a data package (installed wheels are unpacked, so it is a real folder)."""
    return Path(str(resources.files(package)))
