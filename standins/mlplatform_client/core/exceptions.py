"""The library's errors.

Documented: ``ForbiddenException``, whose text is ``<Response [403]>. Info: {json}``.
Guessed: a common base class, one class per other error code of the platform,
the same text for each, and the HTTP response kept as ``response`` (the text's
``<Response [403]>`` is how a ``requests`` response prints).
"""

from __future__ import annotations

from typing import Any


class MLPlatformException(Exception):
    """An error answer of the platform."""

    def __init__(self, response: Any) -> None:
        super().__init__(f"{response!r}. Info: {response.text}")
        self.response = response


class ForbiddenException(MLPlatformException):
    """403: an expired, deleted or unknown token, or a missing role."""


class BadRequestException(MLPlatformException):
    """400."""


class UnauthorizedException(MLPlatformException):
    """401."""


class NotFoundException(MLPlatformException):
    """404."""


class ConflictException(MLPlatformException):
    """409."""


class TooManyRequestsException(MLPlatformException):
    """429."""


class ServerException(MLPlatformException):
    """5xx, and any other error answer."""


BY_STATUS = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    404: NotFoundException,
    409: ConflictException,
    429: TooManyRequestsException,
}
