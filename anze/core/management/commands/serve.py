"""`anze serve`: the embedded deployment — gunicorn for the site and a Huey worker for jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the site with gunicorn and run a Huey worker beside it until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("ANZE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ANZE_WEB_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the Huey worker")

    def handle(self, *args: Any, bind: str, workers: int, no_worker: bool, **options: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        gunicorn = os.path.join(bin_dir, "gunicorn")
        if not os.path.exists(gunicorn):
            raise CommandError("gunicorn is not installed in this environment; run `make install`.")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "anze.settings")}
        children: list[subprocess.Popen] = []
        web = [gunicorn, "anze.wsgi:application", "--bind", bind, "--workers", str(workers),
               "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1"]
        children.append(subprocess.Popen(web, env=env))
        if not no_worker:
            worker = [sys.executable, "-m", "anze.cli", "run_huey", "--workers", "1", "--flush-locks"]
            children.append(subprocess.Popen(worker, env=env))
        host = bind if "://" in bind else f"http://{bind}"
        self.stdout.write(self.style.SUCCESS(f"Anze is serving at {host}/ (database: {settings.DATABASES['default']['NAME']})"))
        self.stdout.write("Press Ctrl+C to stop.")

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            raise CommandError(f"a server process exited with code {failed[0].returncode}")
