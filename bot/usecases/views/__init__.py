"""Read sides of the web view: one module per page family, plain functions returning frozen dataclasses."""
