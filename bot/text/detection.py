"""User-facing strings: why the detection rule says a cell stands out (bot/domain/detection.py)."""

TEXT: dict[str, dict[str, str]] = {
    "detect.reason.ewma": {
        "sv": "över förväntad nivå: {now} mot väntat {expected}",
        "en": "above the expected level: {now} against an expected {expected}",
    },
    "detect.reason.reporters": {
        "sv": "{above} av {compared} rapportörer svarade minst 1 över sin vanliga nivå (i snitt +{rise})",
        "en": "{above} of {compared} reporters answered at least 1 above their usual level (+{rise} on average)",
    },
    "detect.reason.level": {"sv": "nivå {now}", "en": "level {now}"},
    "detect.reason.rising": {"sv": "stiger {weeks} veckor i rad", "en": "rising {weeks} weeks in a row"},
    "detect.reason.rising.one": {"sv": "stiger sedan förra veckan", "en": "rising since last week"},
    "detect.reason.highest": {"sv": "högst på {weeks} veckor", "en": "highest in {weeks} weeks"},
    "detect.reason.named": {"sv": "nämnt av {reporters}", "en": "named by {reporters}"},
}
