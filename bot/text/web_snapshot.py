"""The words of the web view's static snapshot (`est-bot demo` writes demo-output/web/)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "web.snapshot.note": {
        "sv": "Ögonblicksbild från {when}: sidan är sparad som fil och visar läget då. Övriga sidor och "
        "formulär finns bara i webbvyn (est-bot web).",
        "en": "Snapshot of {when}: this page is saved as a file and shows the state then. The other pages and "
        "the forms are only in the web view (est-bot web).",
    },
}
