"""The error vocabulary of Faultline: domain code raises these, each surface renders them once.

    FaultlineError                 status + message; never carries a stack trace to a client
    ├── BadRequest            400  malformed JSON, envelope or header
    │   ├── InvalidField      400  a missing or invalid field, named
    │   └── InvalidTransition 400  an issue state change that is not allowed
    ├── Unauthorized          401  missing or unknown credentials
    ├── Forbidden             403  credentials without the needed permission
    ├── NotFound              404  unknown id or route
    ├── RequestTimeout        408  a request body that did not arrive in time
    ├── PayloadTooLarge       413  a body or item above a configured limit
    ├── UnsupportedMediaType  415  a REST body that is not plain JSON
    ├── Unprocessable         422  parseable but semantically invalid (Rollbar)
    ├── RateLimited           429  carries retry_after_s
    └── Unavailable           503  the database cannot be reached

Rendering: Rustrak REST and Sentry ingestion answer `{"error": message}` (ingestion adds Relay's
`detail`), Rollbar answers `{"err": 1, "message": message}`, GraphQL puts `code` in extensions.
Anything else that escapes a handler is logged and becomes a 500 without details.
"""

from __future__ import annotations


class FaultlineError(Exception):
    status: int = 500
    code: str = "INTERNAL"
    # Seconds a client should wait before trying again (sent as Retry-After), if it should.
    retry_after_s: int | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(FaultlineError):
    status = 400
    code = "BAD_REQUEST"


class InvalidField(BadRequest):
    code = "INVALID_FIELD"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class InvalidTransition(BadRequest):
    code = "INVALID_TRANSITION"


class Unauthorized(FaultlineError):
    status = 401
    code = "UNAUTHENTICATED"


class Forbidden(FaultlineError):
    status = 403
    code = "FORBIDDEN"


class NotFound(FaultlineError):
    status = 404
    code = "NOT_FOUND"


class RequestTimeout(FaultlineError):
    status = 408
    code = "REQUEST_TIMEOUT"


class PayloadTooLarge(FaultlineError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(FaultlineError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class Unprocessable(FaultlineError):
    status = 422
    code = "UNPROCESSABLE"


class RateLimited(FaultlineError):
    status = 429
    code = "RATE_LIMITED"
    retry_after_s: int

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, int(retry_after_s))


class Unavailable(FaultlineError):
    status = 503
    code = "UNAVAILABLE"
    retry_after_s = 5
