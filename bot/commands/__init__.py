"""Commands, for every platform to map: the words become a typed command (parse.py; the types are in
bot/domain/commands.py), the role it declares is checked in one place (roles.py), and the handler table
(table.py) calls its use case.

`dispatch(svc, ctx)` is the way in. `greet` and `finalize` are the use cases the questionnaire and the
meeting's buttons share with the commands.
"""

from bot.commands.cycle import finalize
from bot.commands.table import COMMANDS, HANDLERS, dispatch
from bot.commands.words import ALIASES
from bot.usecases.people import greet

__all__ = ["ALIASES", "COMMANDS", "HANDLERS", "dispatch", "finalize", "greet"]
