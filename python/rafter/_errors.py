"""Errors raised by rafter: one base class, subclasses of the matching built-in exceptions.

Every error raised for a bad input names the file and, where one exists, the position (line,
byte offset or event index), as the CLI's messages do (docs/exit-codes.md).
"""


class Error(Exception):
    """Base of every rafter error.

    Attributes:
        message: what went wrong, without the file and position.
        file: the input file concerned ('' when none).
        position_kind: 'line', 'row', 'byte_offset', 'event_index' or 'none'.
        position: the position's value (1-based line/row, 0-based byte offset or event index),
            or None when position_kind is 'none'.
        exit_code: the exit code the CLI gives for the same error.
    """

    def __init__(self, text, *, message=None, file="", position_kind="none", position=None, exit_code=1):
        super().__init__(text)
        self.message = message if message is not None else text
        self.file = file
        self.position_kind = position_kind
        self.position = position
        self.exit_code = exit_code

    @property
    def line(self):
        """The 1-based line (or CSV row) of the problem, or None."""
        return self.position if self.position_kind in ("line", "row") else None

    @property
    def byte_offset(self):
        return self.position if self.position_kind == "byte_offset" else None

    @property
    def event_index(self):
        return self.position if self.position_kind == "event_index" else None


class InputError(Error, ValueError):
    """An input file could not be read or parsed, or holds values that cannot be trusted (exit 3)."""


class UsageError(Error, ValueError):
    """A bad argument (exit 2)."""


class OutputError(Error, OSError):
    """An output could not be written (exit 5)."""


class UnavailableError(Error, RuntimeError):
    """Hardware or a feature the call needs is absent (exit 4 and 6)."""


_BY_CODE = {2: UsageError, 3: InputError, 4: UnavailableError, 5: OutputError, 6: UnavailableError}


def make_error(code, message, text, file, kind, value):
    """Called by the C++ module to build the exception for a rafter::Error."""
    cls = _BY_CODE.get(code, Error)
    return cls(text, message=message, file=file, position_kind=kind,
               position=None if kind == "none" else value, exit_code=code)
