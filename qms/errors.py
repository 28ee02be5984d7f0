from django.core.exceptions import PermissionDenied


class ServiceError(Exception):
    """A rule of the procedure refused a write. The message is translated and shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEditError(ServiceError):
    """Someone else saved or moved the record since this user loaded it."""


class NotAllowed(ServiceError, PermissionDenied):
    """The actor's role or relation to the record does not allow this step. A view that catches
    ServiceError shows the message; one that does not gets Django's 403."""
