"""The console edge: a person in a terminal, choices numbered."""
