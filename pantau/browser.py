"""The headless Chromium every pantau part drives (evidence screenshots, report PDFs, browser tests): Debian's
package, started with the flags this kind of machine needs (no sandbox as root, no background traffic to Google's
hosts, which the closed network refuses many at a time)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
