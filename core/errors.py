"""Refusals (拒绝): what a command raises when it will not do what it was asked.

Every surface (admin, API, import, portal, CLI, jobs) shows the same refusal: the admin next
to the form field and in a flash message, the API as a JSON body naming the field, the import
as the row and column. A refused command has changed nothing.

This module sits at the bottom of the core's layers: it imports nothing of the project.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refused operation; ``str(error)`` is shown to the user."""


class Refused(ServiceError):
    """A refused command, naming the fields at fault.

    ``Refused(message)`` refuses the whole record; ``Refused(message, field="budget")`` names
    one field; ``Refused(errors={"budget": [...], "ends_on": [...]})`` names several (the
    message is then the first of them unless given). ``status`` is the HTTP status the API
    answers with: 400 invalid data, 403 not allowed, 409 conflicts with stored data.
    """

    status = 400

    def __init__(self, message: str | None = None, field: str | None = None, errors=None):
        found: dict[str, list[str]] = {}
        for name, messages in (errors or {}).items():
            found.setdefault(name, []).extend(
                [str(m) for m in messages] if isinstance(messages, list | tuple) else [messages]
            )
        if field is not None and message is not None:
            found.setdefault(field, []).append(str(message))
        if message is None:
            message = next((m[0] for m in found.values() if m), "")
        super().__init__(str(message))
        self.message = str(message)
        self.errors = found

    @property
    def field(self) -> str | None:
        """The first field named, if any."""
        return next(iter(self.errors), None)


class Forbidden(Refused):
    """The actor may not do this (permission, data scope, separation of duties)."""

    status = 403


class Conflict(Refused):
    """The request conflicts with what is stored (a dependent record, a record that moved)."""

    status = 409
