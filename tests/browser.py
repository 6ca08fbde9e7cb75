"""What every browser test does: log in as a person would."""

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form, from a clean browser, and wait for the landing page.

    The page is left first: a request still in flight (the landing page's figures) would
    otherwise bring the previous user's session cookie back after it was cleared (every
    answer renews the session for the idle time-out), and /login would then redirect to
    that user's landing page."""
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page.locator("#todos")).to_be_visible()
