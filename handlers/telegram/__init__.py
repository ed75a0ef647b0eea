"""The Telegram edge: python-telegram-bot updates in, outbox rows out as Bot API calls."""
