"""What every browser test does: log in as a person would."""

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form, from a clean browser, and wait for the landing page."""
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page.locator("#todos")).to_be_visible()
