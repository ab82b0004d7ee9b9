"""The one error type of the LRS: an HTTP status and a message a client can read."""


class XapiError(Exception):
    """A request the LRS refuses; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status
