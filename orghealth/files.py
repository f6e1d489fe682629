"""Where the data files live: `sql/` and `expectations/` are packages of their own, shipped inside the wheel.

They are found with importlib.resources, so an installed wheel and a checkout read the same files.
"""

from importlib import resources
from pathlib import Path

from orghealth.errors import InputFileError, OrgHealthError


def package_dir(package: str) -> Path:
    """The folder of a data package (installed wheels are unpacked, so it is a real folder)."""
    return Path(str(resources.files(package)))


def require_regular_file(path: Path, what: str, error: type[OrgHealthError] = InputFileError) -> None:
    """Refuse what cannot be read as a file: missing, a folder, or a device or pipe that would never end."""
    if not path.exists():
        raise error(f"{what} {path} does not exist")
    if path.is_dir():
        raise error(f"{what} {path} is a folder, not a file")
    if not path.is_file():
        raise error(f"{what} {path} is not a regular file (a device or a pipe); export to a file and give that")
