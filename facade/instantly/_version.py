"""The distribution's version, defined once: hatch reads it for the package metadata."""

__all__ = ["__version__"]

__version__ = "0.1.0"
