"""The read side of the web view: one module per page family, plain functions that open their own unit of work
and return frozen dataclasses for the pages to show."""
