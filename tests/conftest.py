"""Fixtures shared by the test files: the browser fixtures of the dashboard's end-to-end tests
(a served dashboard, Chromium, a browser context) live in ``dashboard_browser``."""

pytest_plugins = ["dashboard_browser"]
