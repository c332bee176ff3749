"""The app's worker-process jobs live in the core (introstudio/core/process_jobs.py, Qt-free by contract)."""

from __future__ import annotations

from introstudio.core.process_jobs import ChildOutcome, DetachedFolder, in_subprocess

__all__ = ["ChildOutcome", "DetachedFolder", "in_subprocess"]
