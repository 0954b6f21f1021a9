"""A PDF worker: a child process that imports WeasyPrint as soon as it starts and then lays out
the pages it is sent, one at a time.

A build starts it first thing, so WeasyPrint's import (a third of a one-week build) runs while
the parent loads the settings, reads the store and composes the week, and the other formats
render while the PDF is laid out. The parent talks to it over its stdin and stdout in frames
(an 8-byte length, then JSON or the PDF's bytes). The worker's warnings travel back with each
reply and are logged by the parent; when the parent goes away the worker reads the end of its
input and exits.

Run as `python -m digest.typeset.worker` by PdfWorker only.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from digest.errors import DigestError
from digest.typeset.pdf import PdfJob, lay_out, load_weasyprint

log = logging.getLogger(__name__)
_LENGTH = struct.Struct(">Q")
_STOP_SECONDS = 5  # how long a closing worker is given before it is killed
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds digest/


def _write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    """One frame's payload; None at a clean end of input."""
    head = stream.read(_LENGTH.size)
    if not head:
        return None
    if len(head) < _LENGTH.size:
        raise EOFError("input ended inside a frame")
    (size,) = _LENGTH.unpack(head)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError("input ended inside a frame")
    return payload


class PdfWorker:
    """The parent's side of one worker process: submit a job, get a future of its bytes."""

    def __init__(self, process: subprocess.Popen) -> None:
        self._process = process
        self._lock = threading.Lock()  # one job on the pipes at a time
        self._ready: str | None = None  # the worker's start-up reply, once read
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-worker")

    @classmethod
    def start(cls) -> PdfWorker:
        """Start a worker process; DigestError if the interpreter cannot be started."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "digest.typeset.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:
            raise DigestError(f"cannot start the PDF worker: {exc.strerror or exc}") from exc
        return cls(process)

    def submit(self, job: PdfJob) -> Future[bytes]:
        """Send a job; the future gives its PDF bytes or raises DigestError with the reason."""
        return self._pool.submit(self._round_trip, job)

    def _round_trip(self, job: PdfJob) -> bytes:
        with self._lock:
            if self._ready is None:
                self._ready = self._reply()["error"] or ""
            if self._ready:
                raise DigestError(self._ready)
            stdin, stdout = self._process.stdin, self._process.stdout
            assert stdin is not None and stdout is not None  # both are pipes
            try:
                _write_frame(stdin, json.dumps(job.as_message()).encode("utf-8"))
            except OSError as exc:
                raise self._gone() from exc
            reply = self._reply()
            for name, level, message in reply.get("logs", ()):
                logging.getLogger(name).log(level, "%s", message)
            if reply["error"]:
                raise DigestError(reply["error"])
            return self._frame()

    def _reply(self) -> dict[str, Any]:
        return json.loads(self._frame())

    def _frame(self) -> bytes:
        stdout = self._process.stdout
        assert stdout is not None
        try:
            payload = _read_frame(stdout)
        except (OSError, EOFError) as exc:
            raise self._gone() from exc
        if payload is None:
            raise self._gone()
        return payload

    def _gone(self) -> DigestError:
        try:
            code = self._process.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:  # its output closed but it lingers: end it
            self._process.kill()
            code = self._process.wait()
        return DigestError(f"the PDF worker stopped (exit code {code})")

    def close(self) -> None:
        """End the worker: close its input (it exits), wait a little, kill it if it does not."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._process.stdin:
            try:
                self._process.stdin.close()
            except OSError:
                pass  # it is already gone
        try:
            self._process.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self._process.pid


@contextmanager
def pdf_worker(wanted: bool = True) -> Iterator[PdfWorker | None]:
    """A started worker for the block (None when no PDF is wanted), always ended after it."""
    if not wanted:
        yield None
        return
    worker = PdfWorker.start()
    try:
        yield worker
    finally:
        worker.close()


class _Captured(logging.Handler):
    """The worker's warnings, kept to send back with the reply."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> int:
    """The worker's loop: load WeasyPrint, say whether it could, then lay out each job sent."""
    captured = _Captured()
    logging.basicConfig(level=logging.WARNING, handlers=[captured], force=True)
    try:
        weasyprint = load_weasyprint()
        error = None
    except DigestError as exc:
        weasyprint, error = None, str(exc)
    _write_frame(stdout, json.dumps({"error": error}).encode("utf-8"))
    while True:
        try:
            payload = _read_frame(stdin)
        except EOFError:
            return 1
        if payload is None:
            return 0
        captured.records = []
        data, error = b"", None
        try:
            assert weasyprint is not None  # a worker without it replied so and gets no job
            data = lay_out(PdfJob.from_message(json.loads(payload)), weasyprint)
        except DigestError as exc:
            error = str(exc)
        except Exception as exc:  # a bad job must not kill the worker without a word
            error = f"PDF rendering failed: {type(exc).__name__}: {exc}"
        reply = {"error": error, "logs": captured.records}
        _write_frame(stdout, json.dumps(reply).encode("utf-8"))
        if error is None:
            _write_frame(stdout, data)


def main() -> None:
    """The worker process's entry: serve the parent until its input ends."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot break a frame
    try:
        code = serve(sys.stdin.buffer, replies)
    except (BrokenPipeError, KeyboardInterrupt):
        code = 1  # the parent went away or was interrupted: nothing to report
    replies.close()
    os._exit(code)  # nothing left to flush or close: skip tearing WeasyPrint's modules down


if __name__ == "__main__":
    main()
