"""The exceptions of the domain: a broken rule, and a record changed by someone else."""


class DomainError(Exception):
    """A rule of the domain was broken; `field` names the form field it concerns."""

    def __init__(
        self, message: str, field: str | None = None, link: tuple[str, str, str] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        # (details endpoint, record id, text): the record to look at, linked by the view
        self.link = link


class Conflict(DomainError):
    """The record was saved by someone else since it was read: nothing was written."""
