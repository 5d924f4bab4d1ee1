"""corridors: command line, result files and figures for the migration model."""

__version__ = "0.1.0"
