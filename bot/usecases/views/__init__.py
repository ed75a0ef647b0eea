"""The web view's read side: one module per page family, plain functions that open their own unit of work and
return frozen dataclasses with the figures already worded."""
