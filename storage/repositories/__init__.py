"""One repository per purpose over the unit of work's session (reached as `uow.people`, `uow.rounds`, ...)."""
