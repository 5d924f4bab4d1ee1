"""corridors: command line, result files and figures for the migration model."""

from importlib import metadata

try:
    __version__ = metadata.version("corridors")  # pyproject.toml: the one source
except metadata.PackageNotFoundError:  # sources imported without being installed
    __version__ = "0+unknown"
