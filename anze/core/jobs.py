"""Running the registered jobs (anze.core.registry.add_job) in order, for `anze tick` and the hourly task."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from typing import Any

from anze.core import registry

logger = logging.getLogger("anze.jobs")


def _offered(func: Any, extras: dict[str, Any]) -> dict[str, Any]:
    """The extra keyword options `func` declares (a job may take e.g. `horizon_days`)."""
    parameters = inspect.signature(func).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return {name: value for name, value in extras.items() if takes_any or name in parameters}


def run_jobs(
    now: Any, *, skip: Iterable[str] = (), extras: dict[str, Any] | None = None, keep_going: bool = True
) -> dict[str, Any]:
    """Run every registered job not in `skip` with `now`; return {job key: its result}.

    Jobs run in their registered order because later ones read what earlier ones wrote (the 督办 ladder reads
    the overdue flags the duties job sets). With `keep_going`, a failing job is logged and the others still
    run, then the first error is raised so the scheduler records the failure; without it, the first error
    stops the run.
    """
    skipped = set(skip)
    results: dict[str, Any] = {}
    first_error: Exception | None = None
    for job in registry.jobs():
        if job.key in skipped:
            continue
        try:
            results[job.key] = job.func(now, **_offered(job.func, extras or {}))
        except Exception as exc:
            if not keep_going:
                raise
            logger.exception("job %s failed", job.key)
            results[job.key] = {"error": f"{type(exc).__name__}: {exc}"}
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    return results
