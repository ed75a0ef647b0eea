"""The command parser: words become a typed command (a dataclass of types.py, made by its parser in parse.py,
which also lists every command word and the type that declares its role), in Swedish or English (words.py,
derived from the catalogue). Nothing here reads storage or calls a use case: the use cases (bot/usecases/)
import the command types from here, and `bot.usecases.dispatch` carries a parsed command out.
"""
