"""The read-only web view: an edge like the chats, served by Starlette on uvicorn (docs/WEB.md)."""
