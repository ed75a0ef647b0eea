"""User-facing strings: the situation picture, the weekly report and the chat summary.

Plain text only: no Markdown or HTML here, so that each renderer can escape and
mark up in its own way.
"""

TEXT: dict[str, dict[str, str]] = {
    # titles
    "picture.title": {
        "sv": "Lägesbild {group} – vecka {week}, {year}",
        "en": "Situation picture {group} – week {week}, {year}",
    },
    "picture.draft": {
        "sv": "Utkast inför veckans EST-möte.",
        "en": "Draft for this week's EST meeting.",
    },
    "picture.final": {
        "sv": "Fastställd vid veckans EST-möte.",
        "en": "Finalised at this week's EST meeting.",
    },
    "picture.report.title": {
        "sv": "Veckorapport {group} – vecka {week}, {year}",
        "en": "Weekly report {group} – week {week}, {year}",
    },
    "picture.footer": {
        "sv": "Sammanställt av est-bot enligt metoden EST, Effektiv samordning för trygghet.",
        "en": "Compiled by est-bot with the EST method (Effektiv samordning för trygghet).",
    },
    # response rate
    "picture.response": {
        "sv": "Svar: {responded} av {expected} ({rate})",
        "en": "Answers: {responded} of {expected} ({rate})",
    },
    "picture.response.late": {
        "sv": "varav {late} kom in sent",
        "en": "{late} of them late",
    },
    "picture.non_responders": {
        "sv": "Har inte svarat ({count}): {names}",
        "en": "Not answered ({count}): {names}",
    },
    "picture.all_responded": {"sv": "Alla har svarat.", "en": "Everyone has answered."},
    "picture.percent": {"sv": "{value} %", "en": "{value}%"},
    "picture.reporters.one": {"sv": "{count} rapportör", "en": "{count} reporter"},
    "picture.reporters.many": {"sv": "{count} rapportörer", "en": "{count} reporters"},
    # sections
    "picture.section.summary": {"sv": "Sammanfattning", "en": "Summary"},
    "picture.section.heatmap": {"sv": "Översikt", "en": "Overview"},
    "picture.section.areas": {"sv": "Läget per område", "en": "By area"},
    "picture.section.standouts": {"sv": "Det här sticker ut", "en": "What stands out"},
    "picture.section.candidates": {"sv": "Förslag till prioriteringar", "en": "Candidate priorities"},
    "picture.section.decisions": {
        "sv": "Beslutade prioriteringar och vem som gör vad",
        "en": "Decided priorities and who acts",
    },
    "picture.section.actions": {
        "sv": "Uppföljning av tidigare åtgärder",
        "en": "Follow-up of earlier actions",
    },
    "picture.section.notes": {"sv": "Anteckningar från rapportörer", "en": "Notes from reporters"},
    "picture.section.observations": {"sv": "Observationer", "en": "Observations"},
    # table columns
    "picture.col.factor": {"sv": "Faktor", "en": "Factor"},
    "picture.col.level": {"sv": "Nivå", "en": "Level"},
    "picture.col.mean": {"sv": "Medel", "en": "Mean"},
    "picture.col.max": {"sv": "Max", "en": "Max"},
    "picture.col.count": {"sv": "Svar", "en": "Reports"},
    "picture.col.vs_last": {"sv": "Mot förra veckan", "en": "vs last week"},
    "picture.col.vs_baseline": {"sv": "Mot 4 veckor", "en": "vs 4 weeks"},
    # cells
    "picture.cell.reports.one": {"sv": "1 svar", "en": "1 report"},
    "picture.cell.reports.many": {"sv": "{count} svar", "en": "{count} reports"},
    "picture.cell.max": {"sv": "max {max}", "en": "max {max}"},
    "picture.cell.no_reports": {"sv": "inga svar", "en": "no reports"},
    # legend
    "picture.level.0": {"sv": "0 Inget / som vanligt", "en": "0 Nothing / as usual"},
    "picture.level.1": {"sv": "1 Enstaka händelser", "en": "1 Single incidents"},
    "picture.level.2": {"sv": "2 Återkommande", "en": "2 Recurring"},
    "picture.level.3": {"sv": "3 Allvarligt / eskalerande", "en": "3 Serious / escalating"},
    "picture.level.none": {"sv": "Inga svar", "en": "No reports"},
    "picture.legend.colours": {
        "sv": "Färgen följer medelnivån; en cell där någon svarat 3 är minst orange.",
        "en": "The colour follows the mean level; a cell where anyone answered 3 is at least orange.",
    },
    "picture.legend.arrows": {
        "sv": "Pilarna visar hur medelnivån ändrats mot förra veckan och mot snittet för de fyra veckorna innan.",
        "en": "The arrows show how the mean level changed against last week and against the average "
        "of the four weeks before.",
    },
    "picture.legend.arrows_last": {
        "sv": "Pilen visar hur medelnivån ändrats mot förra veckan.",
        "en": "The arrow shows how the mean level changed against last week.",
    },
    # what stands out
    "picture.standouts.none": {
        "sv": "Inget sticker ut den här veckan.",
        "en": "Nothing stands out this week.",
    },
    "picture.reason.red": {"sv": "röd nivå (3) från {reporters}", "en": "red level (3) from {reporters}"},
    "picture.reason.hotspot": {"sv": "nämnd av {reporters}", "en": "named by {reporters}"},
    "picture.reason.hotspot.usual": {
        "sv": "nämnd av {reporters}, brukar nämnas av {usual} i veckan",
        "en": "named by {reporters}, usually by {usual} a week",
    },
    "picture.reason.single": {"sv": "enstaka allvarlig rapport", "en": "single serious report"},
    "picture.reason.new_place": {"sv": "ny plats", "en": "new place"},
    "picture.reason.factor": {"sv": "{factor}: {reason}", "en": "{factor}: {reason}"},
    # candidates
    "picture.candidate.score": {"sv": "poäng {score}", "en": "score {score}"},
    "picture.candidates.none": {
        "sv": "Inga förslag den här veckan.",
        "en": "No candidates this week.",
    },
    # decisions
    "picture.decisions.none": {
        "sv": "Inga prioriteringar beslutades den här veckan.",
        "en": "No priorities were decided this week.",
    },
    "picture.decision.votes.one": {"sv": "1 röst", "en": "1 vote"},
    "picture.decision.votes.many": {"sv": "{count} röster", "en": "{count} votes"},
    # follow-up of actions
    "picture.action.decided": {"sv": "beslutad vecka {week}", "en": "decided week {week}"},
    "picture.action.levels": {
        "sv": "nivå före {before}, efter {after}",
        "en": "level before {before}, after {after}",
    },
    "picture.action.levels.early": {
        "sv": "nivå före {before}, efter: för tidigt att säga",
        "en": "level before {before}, after: too early to say",
    },
    # notes and observations
    "picture.note.unreviewed": {"sv": "ej granskad", "en": "not reviewed"},
    "picture.where.general": {"sv": "Allmänt", "en": "General"},
    "picture.observation.by": {"sv": "{source}, {author}", "en": "{source}, {author}"},
    # summary
    "picture.summary.counts": {
        # each count names exactly what it counts: cells (area × factor) with an answer of 3 are not the red
        # cells of the overview (a cell is coloured by its mean), so they are not called "red levels"
        "sv": "Celler där någon svarat 3: {red} · Celler över förväntad nivå: {rising} · "
        "Platser nämnda av flera rapportörer: {hotspots} · Nya platser: {new}",
        "en": "Cells where someone answered 3: {red} · Cells above their expected level: {rising} · "
        "Places named by several reporters: {hotspots} · New places: {new}",
    },
    "picture.summary.decisions": {
        "sv": "Beslutade prioriteringar: {count}",
        "en": "Decided priorities: {count}",
    },
    "picture.summary.highest": {"sv": "Högst just nu: {items}", "en": "Highest now: {items}"},
    "picture.summary.item": {"sv": "{factor} i {area} ({mean})", "en": "{factor} in {area} ({mean})"},
    "picture.summary.area_top": {"sv": "högst: {factor} {mean}", "en": "highest: {factor} {mean}"},
    "picture.summary.area_none": {"sv": "inga svar", "en": "no reports"},
    "picture.summary.standouts": {"sv": "Sticker ut:", "en": "Stands out:"},
    # the chat shows the first [groups.detection] show standouts; the report and the web view list them all
    "picture.standouts.more": {"sv": "… och {count} till", "en": "… and {count} more"},
    "picture.summary.more": {"sv": "… och {count} till", "en": "… and {count} more"},
    "picture.chart.title": {"sv": "{group} – vecka {week}", "en": "{group} – week {week}"},
}
