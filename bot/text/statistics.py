"""User-facing strings of the monthly statistics follow-up, the `stats` command and the police events in the
situation picture. Plain text: the renderers escape and mark up."""

TEXT: dict[str, dict[str, str]] = {
    **{
        f"stats.month.{i}": {"sv": sv, "en": en}
        for i, (sv, en) in enumerate(
            (
                ("januari", "January"),
                ("februari", "February"),
                ("mars", "March"),
                ("april", "April"),
                ("maj", "May"),
                ("juni", "June"),
                ("juli", "July"),
                ("augusti", "August"),
                ("september", "September"),
                ("oktober", "October"),
                ("november", "November"),
                ("december", "December"),
            ),
            start=1,
        )
    },
    **{
        f"stats.day.{i}": {"sv": sv, "en": en}
        for i, (sv, en) in enumerate(
            (
                ("mån", "Mon"),
                ("tis", "Tue"),
                ("ons", "Wed"),
                ("tor", "Thu"),
                ("fre", "Fri"),
                ("lör", "Sat"),
                ("sön", "Sun"),
            ),
            start=1,
        )
    },
    "stats.title": {
        "sv": "📊 Månadsuppföljning {group} – {month}",
        "en": "📊 Monthly follow-up {group} – {month}",
    },
    "stats.source.police": {"sv": "Polisens anmälda brott", "en": "Crimes reported to the police"},
    "stats.source.vandalism": {"sv": "Kommunens skadegörelseanmälningar", "en": "The municipality's vandalism reports"},
    "stats.source.events": {"sv": "Polisens händelser", "en": "Police events"},
    "stats.total": {
        "sv": "{source}: {total} ({previous_month}: {previous}, {delta}{year_part})",
        "en": "{source}: {total} ({previous_month}: {previous}, {delta}{year_part})",
    },
    "stats.year_part": {"sv": "; {month}: {value}, {delta}", "en": "; {month}: {value}, {delta}"},
    "stats.none": {
        "sv": "{source}: inga uppgifter för {month}.",
        "en": "{source}: no figures for {month}.",
    },
    "stats.categories": {"sv": "  Mest: {items}", "en": "  Most: {items}"},
    "stats.places": {"sv": "  Platser: {items}", "en": "  Places: {items}"},
    "stats.weekdays": {
        "sv": "Veckodagar de senaste 13 månaderna ({n} daterade): flest på {days}.",
        "en": "Weekdays over the last 13 months ({n} dated): most on {days}.",
    },
    "stats.charts": {
        "sv": "Diagram: per månad, per veckodag och per plats.",
        "en": "Charts: by month, by weekday and by place.",
    },
    "stats.nothing": {
        "sv": "Inga siffror är importerade för {month}. Importera med: est-bot import police|vandalism|events FIL",
        "en": "No figures are imported for {month}. Import them with: est-bot import police|vandalism|events FILE",
    },
    "stats.bad_month": {
        "sv": "Månaden {value} förstår jag inte; skriv den som 2026-11 (eller bara statistik för förra månaden).",
        "en": "I don't understand the month {value}; write it as 2026-11 (or just stats for last month).",
    },
    "stats.future": {
        "sv": "{month} har inte börjat än; välj en månad som har varit.",
        "en": "{month} has not started yet; choose a month that has begun.",
    },
    "stats.usage": {"sv": "statistik [ÅÅÅÅ-MM]", "en": "stats [YYYY-MM]"},
    # charts
    "stats.chart.by_month": {"sv": "Per månad – {group}", "en": "By month – {group}"},
    "stats.chart.by_weekday": {
        "sv": "Per veckodag, {first}–{last}",
        "en": "By weekday, {first}–{last}",
    },
    "stats.chart.by_place": {"sv": "Flest per plats, {first}–{last}", "en": "Most by place, {first}–{last}"},
    "stats.chart.count": {"sv": "Antal", "en": "Count"},
    "stats.chart.no_data": {"sv": "Inga uppgifter", "en": "No figures"},
    # the situation picture
    "stats.picture.section": {"sv": "Polisens händelser i områdena", "en": "Police events in the areas"},
    "stats.picture.event": {
        "sv": "{day} {date} {time} – {type}: {summary}",
        "en": "{day} {date} {time} – {type}: {summary}",
    },
    "stats.picture.summary_line": {
        "sv": "🚓 Polisens händelser i områdena: {n}",
        "en": "🚓 Police events in the areas: {n}",
    },
}
