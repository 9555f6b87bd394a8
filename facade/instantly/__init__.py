"""instantly: a typed client for the Instantly.ai API v2."""

from ._errors import *  # noqa: F403
from ._errors import __all__ as _errors_all

__all__ = [*_errors_all]
