"""Screenshots of the running app for the README: the org chart and a position page.

    python tools/screenshots.py http://127.0.0.1:8765 admin "$(cat var/admin-password)" docs/screenshots

Drives Debian's chromium (CHROMIUM, default /usr/bin/chromium) through Playwright.
"""

import os
import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def main(base, username, password, folder):
    os.makedirs(folder, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        for language in ("en", "zh-hans"):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/")
            if page.input_value("select[name=language]") != language:
                with page.expect_navigation():
                    page.select_option("select[name=language]", language)
            suffix = "" if language == "en" else "-zh"
            page.goto(f"{base}/org-chart/")
            page.screenshot(path=f"{folder}/org-chart{suffix}.png", full_page=True)
            page.click("li[data-title='品牌经理'] > a")
            page.wait_for_selector("#duties")
            page.screenshot(path=f"{folder}/position{suffix}.png", full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
