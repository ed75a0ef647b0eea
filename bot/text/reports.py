"""User-facing strings of the documents: trend charts, the weekly report as a document, exports and the
yearly follow-up of actions. Plain text; each renderer escapes and marks up in its own way."""

TEXT: dict[str, dict[str, str]] = {
    # charts
    "trend.title": {
        "sv": "{group}: nivå per vecka, v. {first}–{last}",
        "en": "{group}: level by week, W{first}–W{last}",
    },
    "trend.week": {"sv": "Vecka", "en": "Week"},
    "trend.all_factors": {"sv": "Alla faktorer", "en": "All factors"},
    "trend.all_green": {"sv": "Grönt alla veckor", "en": "Green every week"},
    "trend.no_data": {"sv": "Inga rapporter", "en": "No reports"},
    "trend.decided": {"sv": "Beslut", "en": "Decided"},
    "trend.alt": {
        "sv": "Linjediagram per område: nivån för de faktorer som sticker ut och för alla faktorer, vecka för vecka.",
        "en": "Line chart per area: the level of the factors that stand out and of all factors, week by week.",
    },
    "heatmap.alt": {
        "sv": "Värmekarta: medelnivå per område och faktor i EST:s färger.",
        "en": "Heatmap: mean level per area and factor in EST's colours.",
    },
    # the weekly report as a document
    "doc.section.charts": {"sv": "Diagram", "en": "Charts"},
    "doc.section.trend": {"sv": "De senaste {weeks} veckorna", "en": "The last {weeks} weeks"},
    "doc.trend.explain": {
        "sv": "Medelnivån vecka för vecka (0 grönt – 3 rött). Heldragna linjer: de faktorer som sticker ut i "
        "området; streckad: alla faktorer tillsammans.",
        "en": "The mean level week by week (0 green – 3 red). Solid lines: the factors that stand out in the "
        "area; dashed: all factors together.",
    },
    "doc.page": {"sv": "Sida {page} av {pages}", "en": "Page {page} of {pages}"},
    # printed in a PDF in place of a character that no font at hand can draw (an emoji without an emoji font)
    "doc.missing.emoji": {"sv": "[emoji]", "en": "[emoji]"},
    "doc.missing.char": {"sv": "[tecken]", "en": "[character]"},
    "doc.col.action": {"sv": "Åtgärd", "en": "Action"},
    "doc.col.where": {"sv": "Var", "en": "Where"},
    "doc.col.type": {"sv": "Typ", "en": "Type"},
    "doc.col.responsible": {"sv": "Ansvarig", "en": "Responsible"},
    "doc.col.timeframe": {"sv": "När", "en": "When"},
    "doc.col.decided": {"sv": "Beslutad", "en": "Decided"},
    "doc.col.before": {"sv": "Före", "en": "Before"},
    "doc.col.change": {"sv": "Förändring", "en": "Change"},
    "doc.col.status": {"sv": "Status", "en": "Status"},
    "doc.col.votes": {"sv": "Röster", "en": "Votes"},
    "doc.col.week": {"sv": "Vecka", "en": "Week"},
    "doc.col.level": {"sv": "Nivå", "en": "Level"},
    "doc.col.mentions": {"sv": "Rapporter som nämner platsen", "en": "Reports naming the place"},
    "doc.col.organisation": {"sv": "Organisation", "en": "Organisation"},
    "doc.col.answers": {"sv": "Rapporter", "en": "Reports"},
    "doc.col.weeks": {"sv": "Veckor", "en": "Weeks"},
    "doc.col.count": {"sv": "Antal", "en": "Count"},
    "doc.col.after": {"sv": "Efter", "en": "After"},
    "doc.col.effect": {"sv": "Effekt", "en": "Effect"},
    # exports
    "export.sheet.answers": {"sv": "Svar", "en": "Answers"},
    "export.sheet.pictures": {"sv": "Lägesbilder", "en": "Pictures"},
    "export.sheet.actions": {"sv": "Åtgärder", "en": "Actions"},
    "export.col.week": {"sv": "vecka", "en": "week"},
    "export.col.response": {"sv": "svar_nr", "en": "response"},
    "export.col.organisation": {"sv": "organisation", "en": "organisation"},
    "export.col.area": {"sv": "område", "en": "area"},
    "export.col.area_name": {"sv": "områdesnamn", "en": "area_name"},
    "export.col.factor": {"sv": "faktor", "en": "factor"},
    "export.col.factor_name": {"sv": "faktornamn", "en": "factor_name"},
    "export.col.level": {"sv": "nivå", "en": "level"},
    "export.col.place": {"sv": "plats", "en": "place"},
    "export.col.note": {"sv": "anteckning", "en": "note"},
    "export.col.late": {"sv": "sent", "en": "late"},
    "export.col.reports": {"sv": "antal_rapporter", "en": "reports"},
    "export.col.mean": {"sv": "medelnivå", "en": "mean_level"},
    "export.col.max": {"sv": "högsta_nivå", "en": "max_level"},
    "export.col.colour": {"sv": "färg", "en": "colour"},
    "export.col.id": {"sv": "id", "en": "id"},
    "export.col.title": {"sv": "åtgärd", "en": "action"},
    "export.col.factors": {"sv": "faktorer", "en": "factors"},
    "export.col.type": {"sv": "typ", "en": "type"},
    "export.col.responsible": {"sv": "ansvarig", "en": "responsible"},
    "export.col.timeframe": {"sv": "tidsram", "en": "timeframe"},
    "export.col.votes": {"sv": "röster", "en": "votes"},
    "export.col.status": {"sv": "status", "en": "status"},
    "export.col.before": {"sv": "nivå_före", "en": "level_before"},
    "export.col.after": {"sv": "nivå_efter", "en": "level_after"},
    "export.col.change": {"sv": "förändring", "en": "change"},
    "export.colour.green": {"sv": "grön", "en": "green"},
    "export.colour.yellow": {"sv": "gul", "en": "yellow"},
    "export.colour.orange": {"sv": "orange", "en": "orange"},
    "export.colour.red": {"sv": "röd", "en": "red"},
    "export.colour.none": {"sv": "", "en": ""},
    "export.yes": {"sv": "ja", "en": "yes"},
    "export.no": {"sv": "nej", "en": "no"},
    # chat commands
    "menu.export": {"sv": "Exportera svar och åtgärder (CSV/XLSX)", "en": "Export answers and actions (CSV/XLSX)"},
    "menu.followup": {"sv": "Årsuppföljning av åtgärderna", "en": "Yearly follow-up of the actions"},
    "cmd.no_round_week": {
        "sv": "Det finns ingen omgång för {week}.",
        "en": "There is no round for {week}.",
    },
    "cmd.export.usage": {
        "sv": "exportera [FRÅN [TILL]] [csv|xlsx] [svar|lägesbilder|åtgärder|allt], "
        "t.ex. exportera 2026-W40 2026-W47 xlsx",
        "en": "export [FROM [TO]] [csv|xlsx] [answers|pictures|actions|all], e.g. export 2026-W40 2026-W47 xlsx",
    },
    "cmd.export.bad_range": {
        "sv": "Veckan {first} kommer efter {last}. Skriv den tidigaste veckan först.",
        "en": "Week {first} comes after {last}. Write the earliest week first.",
    },
    "cmd.export.too_long": {
        "sv": "Högst {weeks} veckor i en export; {first}–{last} är {count}.",
        "en": "At most {weeks} weeks in one export; {first}–{last} is {count}.",
    },
    "cmd.export.done": {
        "sv": "Export {first}–{last}: {rows}. Utan namn: svaren visar organisation, inte person.",
        "en": "Export {first}–{last}: {rows}. Without names: the answers show the organisation, not the person.",
    },
    "cmd.export.rows": {"sv": "{answers}, {cells}, {actions}", "en": "{answers}, {cells}, {actions}"},
    # what each count counts: answers, rows of the pictures sheet, rows of the actions sheet (bot.text.plural)
    "export.n.answers.one": {"sv": "1 svar", "en": "1 answer"},
    "export.n.answers.many": {"sv": "{count} svar", "en": "{count} answers"},
    "export.n.cells.one": {"sv": "1 cell (område × faktor × vecka)", "en": "1 cell (area × factor × week)"},
    "export.n.cells.many": {
        "sv": "{count} celler (område × faktor × vecka)",
        "en": "{count} cells (area × factor × week)",
    },
    "cmd.report.pdf_failed": {
        "sv": "(PDF-versionen kunde inte skapas just nu; texten ovan är hela rapporten.)",
        "en": "(The PDF could not be made just now; the text above is the whole report.)",
    },
    "cmd.followup.usage": {
        "sv": "uppföljning [ÅR] [html|pdf], t.ex. uppföljning 2026",
        "en": "followup [YEAR] [html|pdf], e.g. followup 2026",
    },
    "cmd.followup.bad_year": {
        "sv": '"{value}": skriv ett år från 2000 till {last}, t.ex. 2026.',
        "en": '"{value}": write a year from 2000 to {last}, e.g. 2026.',
    },
    "cmd.followup.done": {
        "sv": "Uppföljning {year}: {actions}, {weeks}.",
        "en": "Follow-up {year}: {actions}, {weeks}.",
    },
    # counted phrases of the follow-up: `.one` for 1, `.many` for 0 and more than 1 (bot.text.plural)
    "followup.n.actions.one": {"sv": "1 åtgärd", "en": "1 action"},
    "followup.n.actions.many": {"sv": "{count} åtgärder", "en": "{count} actions"},
    "followup.n.weeks.one": {"sv": "1 vecka med rapporter", "en": "1 week with reports"},
    "followup.n.weeks.many": {"sv": "{count} veckor med rapporter", "en": "{count} weeks with reports"},
    "followup.n.answers.one": {"sv": "1 inskickad rapport", "en": "1 report submitted"},
    "followup.n.answers.many": {"sv": "{count} inskickade rapporter", "en": "{count} reports submitted"},
    "followup.n.done.one": {"sv": "1 genomförd", "en": "1 done"},
    "followup.n.done.many": {"sv": "{count} genomförda", "en": "{count} done"},
    "followup.n.ongoing.one": {"sv": "1 pågår", "en": "1 ongoing"},
    "followup.n.ongoing.many": {"sv": "{count} pågår", "en": "{count} ongoing"},
    "followup.n.planned.one": {"sv": "1 planerad", "en": "1 planned"},
    "followup.n.planned.many": {"sv": "{count} planerade", "en": "{count} planned"},
    # the yearly follow-up
    "followup.title": {
        "sv": "Uppföljning {year} – {group}",
        "en": "Follow-up {year} – {group}",
    },
    "followup.subtitle": {
        "sv": "Till styrgruppen: vad som gjordes, vilka som deltog och vad det gav.",
        "en": "For the steering group: what was done, who took part and what came of it.",
    },
    "followup.section.overview": {"sv": "Året i korthet", "en": "The year in brief"},
    "followup.section.done": {"sv": "Vad som gjordes", "en": "What was done"},
    "followup.section.who": {"sv": "Vilka som deltog", "en": "Who took part"},
    "followup.section.effect": {"sv": "Effekt", "en": "Effect"},
    "followup.section.trend": {"sv": "Nivån under året", "en": "The level over the year"},
    "followup.section.actions": {"sv": "Åtgärd för åtgärd", "en": "Action by action"},
    "followup.weeks": {
        "sv": "{weeks}, {answers}, i snitt {rate} svarsfrekvens.",
        "en": "{weeks}, {answers}, {rate} response rate on average.",
    },
    "followup.actions": {
        "sv": "{actions}: {statuses}.",
        "en": "{actions}: {statuses}.",
    },
    "followup.none": {"sv": "Inga beslutade åtgärder under året.", "en": "No actions were decided this year."},
    "followup.by_responsible": {"sv": "Ansvariga för åtgärderna", "en": "Responsible for the actions"},
    "followup.by_type": {"sv": "Typ av åtgärd", "en": "Type of action"},
    "followup.reporting": {
        "sv": "Organisationer som rapporterade",
        "en": "Organisations that reported",
    },
    "followup.voters": {"sv": "Röstade fram av: {orgs}", "en": "Voted for by: {orgs}"},
    "followup.effect.rule": {
        "sv": "Nivån före är medelnivån de {before} veckorna till och med beslutsveckan, nivån efter medelnivån de "
        "{after} veckorna därefter (minst {min_after} av dem med rapporter), för åtgärdens faktorer i dess område "
        "(alla faktorer om ingen angavs). Båda avrundas till en decimal och förändringen är skillnaden mellan de "
        "avrundade värdena; samma siffror står i veckorapporten och i exporten. En förändring på minst {step} "
        "räknas som lägre eller högre. En lägre nivå efter en åtgärd visar inte ensam att åtgärden var orsaken.",
        "en": "The level before is the mean level of the {before} weeks up to and including the week of the "
        "decision, the level after the mean of the {after} weeks that follow (at least {min_after} of them with "
        "reports), for the action's factors in its area (all factors if none was given). Both are rounded to one "
        "decimal and the change is the difference of the rounded figures; the weekly report and the export show "
        "the same figures. A change of at least {step} counts as lower or higher. A lower level after an action "
        "does not on its own show that the action caused it.",
    },
    "followup.effect.summary.one": {
        "sv": "Nivån efter åtgärden: {parts}.",
        "en": "The level after the action: {parts}.",
    },
    "followup.effect.summary.many": {
        "sv": "Nivån efter åtgärderna: {parts}.",
        "en": "The level after the actions: {parts}.",
    },
    "followup.effect.none": {"sv": "Inga åtgärder att följa upp.", "en": "No actions to follow up."},
    "followup.effect.part.lower": {"sv": "lägre efter {actions}", "en": "lower after {actions}"},
    "followup.effect.part.same": {"sv": "oförändrad efter {actions}", "en": "unchanged after {actions}"},
    "followup.effect.part.higher": {"sv": "högre efter {actions}", "en": "higher after {actions}"},
    "followup.effect.part.unknown": {
        "sv": "för tidigt att säga för {actions}",
        "en": "too early to say for {actions}",
    },
    "followup.verdict.lower": {"sv": "lägre", "en": "lower"},
    "followup.verdict.same": {"sv": "oförändrad", "en": "unchanged"},
    "followup.verdict.higher": {"sv": "högre", "en": "higher"},
    "followup.verdict.unknown": {"sv": "för tidigt", "en": "too early"},
    "followup.action.head": {
        "sv": "#{id} {title}",
        "en": "#{id} {title}",
    },
    "followup.action.meta": {
        "sv": "{where} · beslutad {week} · {type} · {responsible} · {timeframe} · {status}",
        "en": "{where} · decided {week} · {type} · {responsible} · {timeframe} · {status}",
    },
    "followup.action.levels": {
        "sv": "Nivå före {before}, efter {after}: {verdict}.",
        "en": "Level before {before}, after {after}: {verdict}.",
    },
    "followup.factors": {"sv": "Faktorer: {factors}", "en": "Factors: {factors}"},
    "followup.all_factors": {"sv": "alla faktorer", "en": "all factors"},
}
