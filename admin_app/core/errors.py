"""The one exception of the domain."""


class DomainError(Exception):
    """A rule of the domain was broken; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None, link: tuple[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.link = link  # (url, text): where to look, shown beside the message
