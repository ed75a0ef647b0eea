"""Rendering of situation pictures and weekly reports (Markdown, HTML, chat text)."""
