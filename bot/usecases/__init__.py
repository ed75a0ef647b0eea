"""The use cases, by purpose: answering the questionnaire, the weekly cycle, the meeting, publishing, and the
set-up of who is who; `routing` hands each incoming event to one of them, `context` is what they all share.

Each is a plain function taking an `Env` (the configuration, the storage, the clock, the enabled platforms)
and, where it works inside the caller's transaction, a unit of work or the `Ctx` of the event being handled.
`bot.services.Services` is a front over them for the callers written against it.
"""
