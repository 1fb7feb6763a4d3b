"""A stand-in for the vendor's ``mlplatform_client``, for this project's tests only (never shipped).

It talks to the ML Platform emulator whose URL is in ``MLPLATFORM_STANDIN_URL``.
"""

from .client import MLPlatform

__version__ = "0.0.0+standin"

__all__ = ["MLPlatform"]
