"""Work on both cores: functions run in forked processes beside this one.

Forking after the imports gives each child every library already loaded, and
its arguments are inherited rather than pickled; only results come back.
"""

from __future__ import annotations

import contextlib
import os

from .errors import RenderError


def workers(jobs: int) -> int:
    """Processes to use: one per core, at most one per job; REPORTGEN_WORKERS=1 turns it off."""
    wanted = os.environ.get("REPORTGEN_WORKERS", "").strip()
    limit = int(wanted) if wanted.isdigit() and int(wanted) > 0 else (os.cpu_count() or 1)
    return max(1, min(limit, jobs))


class _Here:
    """fn(*args), computed now in this process."""

    def __init__(self, fn, *args):
        self.value = fn(*args)

    def result(self):
        return self.value

    def stop(self) -> None:
        pass


class _Forked:
    """fn(*args), computed in a forked child process on another core.

    Forking after the imports gives the child every library already loaded, and
    the arguments are inherited rather than pickled (a council-wide ScoreSet is
    tens of megabytes); only the result comes back through the pipe.
    """

    def __init__(self, fn, *args):
        import multiprocessing  # here: `reportgen check` forks nothing and need not load it

        context = multiprocessing.get_context("fork")
        self._pipe, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_result, args=(sender, fn, args), daemon=True)
        self._process.start()
        sender.close()

    def result(self):
        try:
            ok, value = self._pipe.recv()
        except EOFError:
            raise RenderError("the process drawing the scorecard ended without a result") from None
        finally:
            self.stop()
        if ok:
            return value
        raise value

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._pipe.close()


def _send_result(sender, fn, args) -> None:
    try:
        outcome = (True, fn(*args))
    except BaseException as exc:  # sent back to be raised in the parent
        outcome = (False, exc)
    try:
        sender.send(outcome)
    except Exception as exc:  # an exception that cannot be pickled: keep its words
        sender.send((False, RenderError(f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})")))
    finally:
        sender.close()


@contextlib.contextmanager
def beside(parallel: bool):
    """Start functions beside this process (or here when not parallel); stop them on the way out."""
    started = []

    def start(fn, *args):
        job = (_Forked if parallel else _Here)(fn, *args)
        started.append(job)
        return job

    try:
        yield start
    finally:
        for job in started:
            job.stop()
