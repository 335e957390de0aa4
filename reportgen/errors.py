"""The error hierarchy and the exit codes, in one place.

Every error a user can cause carries a list of problems, each naming where it
is (file, row or key) and what was wrong, so that all of them can be shown at
once and fixed in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_WARNINGS = 1  # warnings found and --strict asked for a clean build
EXIT_BAD_INPUT = 2  # the meeting file, data, boilerplate or template is wrong
EXIT_RENDER_FAILED = 3  # input was fine but an output could not be made
EXIT_USAGE = 64  # the command line itself is wrong (argparse's own errors)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one input file."""

    file: str
    message: str
    row: int | None = None  # as a spreadsheet user counts it: the header is row 1
    column: str | None = None  # a column name, or a key path such as recommendations[0].verb
    cell: str | None = None  # an Excel cell reference such as C41, shown as data.xlsx[values]!C41

    def __str__(self) -> str:
        where = self.file
        if self.cell:
            where += f"!{self.cell}"  # the cell names its row already
        elif self.row is not None:
            where += f":{self.row}"
        if self.column:
            label = "column" if self.row is not None or "." not in self.column else "key"
            return f"{where}: {label} '{self.column}': {self.message}"
        return f"{where}: {self.message}"


class ReportgenError(Exception):
    """Base of every error reportgen reports to a user (never shown as a traceback)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("reportgen", problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # Keeps the problems whole when a build worker process sends the error back.
        return type(self), (self.problems,)


class DataError(ReportgenError):
    """The indicator data breaks the data contract."""


class MeetingError(ReportgenError):
    """The meeting file is wrong."""


class TemplateError(ReportgenError):
    """A template or boilerplate paragraph cannot be rendered."""


class RenderError(ReportgenError):
    """Input was valid but an output could not be produced."""

    exit_code = EXIT_RENDER_FAILED


class StrictWarnings(ReportgenError):
    """Warnings were found and --strict turns them into a failure."""

    exit_code = EXIT_WARNINGS
