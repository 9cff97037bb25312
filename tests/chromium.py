"""How we start Debian's Chromium, for the browser tests and bench/page_weight.py."""

from pathlib import Path

# Debian's Chromium, for browser tests and bench/page_weight.py: never a downloaded
# browser. Background networking off (this machine's network is closed), and every
# host name but loopback fails to resolve, so nothing can leave the machine.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
