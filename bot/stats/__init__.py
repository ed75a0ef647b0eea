"""The monthly statistics follow-up: file imports, the police events API, trends, charts and the monthly post."""
