"""Worker processes that end with their parent, even when it is killed with SIGKILL.

A worker left running after `kill -9` of `digest ingest` would hold the database open and keep
fetching for nobody. On Linux the kernel is asked to kill the worker when its parent dies
(prctl PR_SET_PDEATHSIG); elsewhere a thread in the worker watches for the parent to change.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL = 0.5  # seconds between checks where the kernel cannot be asked


def end_with_parent(parent: int) -> None:
    """Make this (forked) process die when process `parent` does; exit now if it already has."""
    if not _ask_kernel():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="orphan").start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _ask_kernel() -> bool:
    """Ask Linux to send SIGKILL on the parent's death; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    """Poll for the parent's death (this process is handed to another parent) and exit."""
    while os.getppid() == parent:
        time.sleep(POLL)
    os._exit(1)
