"""User-facing strings: the backtest of the "what stands out" rule (`est-bot backtest`, the chat command
`backtest`; bot/reports/backtest.py words the replay with them)."""

TEXT: dict[str, dict[str, str]] = {
    "backtest.head": {
        "sv": "Bakåttest för {group} ({id}): veckorna {first}–{last}, {weeks} med rapporter.",
        "en": "Backtest of {group} ({id}): the weeks {first}–{last}, {weeks} with reports.",
    },
    "backtest.intro": {
        "sv": "Regeln för stigande nivå (📈, båda dess signaler: medelnivån mot det väntade och rapportörerna mot "
        "sin egen vanliga nivå) körd igen över de lagrade veckorna, med dagens inställningar ([groups.detection]) "
        "och med alternativen. Röda nivåer (medel minst 2,5, två som svarade 3, eller en 3:a i en orange cell) "
        "beror inte på inställningarna och visas en gång; platser spelas inte upp.",
        "en": "The rising-level rule (📈, both its signals: the mean against the expected level, and the reporters "
        "against their own usual level) run again over the stored weeks, with today's settings "
        "([groups.detection]) and with the alternatives. Red levels (a mean of at least 2.5, two who answered 3, "
        "or a 3 on an orange cell) do not depend on the settings and are shown once; places are not replayed.",
    },
    "backtest.sets": {"sv": "Inställningar:", "en": "Settings:"},
    "backtest.today": {"sv": "i dag", "en": "today"},
    "backtest.per_week": {"sv": "Flaggade som stigande per vecka:", "en": "Flagged as rising per week:"},
    "backtest.col.week": {"sv": "vecka", "en": "week"},
    "backtest.col.red": {"sv": "röda", "en": "red"},
    "backtest.col.decision": {"sv": "åtgärd", "en": "action"},
    "backtest.median": {"sv": "median", "en": "median"},
    "backtest.most": {"sv": "högst", "en": "most"},
    "backtest.total": {"sv": "totalt", "en": "total"},
    "backtest.cells": {
        "sv": "Celler som flaggas som stigande, med veckorna:",
        "en": "Cells flagged as rising, with the weeks:",
    },
    "backtest.none": {"sv": "inga", "en": "none"},
    "backtest.decisions": {
        "sv": "Beslutade åtgärder: flaggades deras celler i beslutsveckan eller upp till {lookback} veckor före, "
        "och hur tidigt?",
        "en": "Decided actions: were their cells flagged in the week of the decision or up to {lookback} weeks "
        "before, and how early?",
    },
    "backtest.decisions.none": {
        "sv": "Inga beslutade åtgärder i de här veckorna att jämföra med.",
        "en": "No decided actions in these weeks to compare with.",
    },
    "backtest.all_factors": {"sv": "alla faktorer", "en": "all factors"},
    "backtest.lead.same": {"sv": "samma vecka", "en": "same week"},
    "backtest.lead.before": {"sv": "{weeks} v före", "en": "{weeks} wk before"},
    "backtest.lead.none": {"sv": "ej flaggad", "en": "not flagged"},
    "backtest.found": {"sv": "flaggade", "en": "flagged"},
    "backtest.of": {"sv": "{found} av {n}", "en": "{found} of {n}"},
    # The chat's summary (bot/usecases/backtest.py), short enough for one message.
    "backtest.chat.head": {
        "sv": "Bakåttest för {group}: {first}–{last}, {weeks} med rapporter. Flaggade som stigande (📈) per vecka:",
        "en": "Backtest of {group}: {first}–{last}, {weeks} with reports. Flagged as rising (📈) per week:",
    },
    "backtest.chat.set": {
        "sv": "{label} {what}\n   {spark}  median {median}, högst {most}, totalt {total}; beslut flaggade: {found}",
        "en": "{label} {what}\n   {spark}  median {median}, most {most}, total {total}; decisions flagged: {found}",
    },
    "backtest.chat.lead": {"sv": ", median {weeks} v före", "en": ", median {weeks} wk before"},
    "backtest.chat.red": {
        "sv": "Röda nivåer: {spark}  median {median}, högst {most}; beslut röda: {found}",
        "en": "Red levels: {spark}  median {median}, most {most}; decisions red: {found}",
    },
    "backtest.chat.cells": {"sv": "Oftast flaggade ({label}): {cells}", "en": "Flagged most often ({label}): {cells}"},
    "backtest.chat.same_cells": {
        "sv": "Flaggade celler ({label}): samma veckor som {today}",
        "en": "Cells flagged ({label}): the same weeks as {today}",
    },
    "backtest.chat.more_cells": {"sv": "och {n} till", "en": "and {n} more"},
    "backtest.chat.full": {
        "sv": "Vecka för vecka, och varje åtgärd: est-bot backtest --group {id}",
        "en": "Week by week, and each action: est-bot backtest --group {id} --lang en",
    },
    "backtest.bad": {
        "sv": "Bakåttestet kan inte köras: {problem}",
        "en": "The backtest cannot run: {problem}",
    },
    "backtest.nothing": {
        "sv": "Det finns inga lagrade veckor med rapporter för {group} att spela upp än.",
        "en": "There are no stored weeks with reports for {group} to replay yet.",
    },
    "backtest.usage": {
        "sv": "bakåttest [VECKOR] [nyckel=värde[,nyckel=värde…]] …, t.ex. bakåttest 26 ewma_limit=2.0 "
        "min_level=1.2,ewma_limit=2 (varje ord med = är ett alternativ)",
        "en": "backtest [WEEKS] [key=value[,key=value…]] …, e.g. backtest 26 ewma_limit=2.0 "
        "min_level=1.2,ewma_limit=2 (each word with = is one alternative)",
    },
}
