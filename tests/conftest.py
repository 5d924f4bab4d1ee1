"""Fixtures shared by the test files: the browser fixtures of the dashboard's end-to-end tests
(a served dashboard, Chromium, a browser context) live in ``dashboard_browser``.

Component tests render views in this process: their comparisons run replicates one after
another on one thread (``CORRIDORS_DASHBOARD_WORKERS=0``) rather than starting the served
dashboard's pool of worker processes in the test process. The browser tests' server gets
the environment of a real ``corridors dashboard`` (the fixture drops this setting)."""

import os

os.environ.setdefault("CORRIDORS_DASHBOARD_WORKERS", "0")

pytest_plugins = ["dashboard_browser"]
