"""Errors raised by the pure QR layer, so delivery can map them to HTTP without guessing."""


class RenderOptionError(ValueError):
    """A render or layout parameter is unknown or out of range; the web layer answers 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
