"""The use cases, by purpose, layered without cycles (bottom to top):

* `context` (what they all share: `Env`, `Ctx`, replies, audit) and `registry` (`@handles`, the command table);
* `files` (the trend chart and the report files of a picture), `statistics`, `answering` (the questionnaire,
  the greeting and the help), `meeting` (the picture, the draft, the meeting's buttons), `rounds`, `roles`;
* `reports`, `publishing`, `cycle` (the week's phases, reminders, the monthly post), `setup`;
* the commands' use cases, each registered with `@handles`: `people`, `places`, `privacy`, `week`, `actions`,
  `review`, `reports`, `statistics`; and `accounts`;
* `dispatch` (parse, check the role, call the registered use case) and `routing` (the way in for every event).

Each is a plain function taking an `Env` (the configuration, the storage, the clock, the enabled platforms) and,
where it works inside the caller's transaction, a unit of work or the `Ctx` of the event being handled; a use
case calls another's public functions directly. `bot.services.Services` is a front over them for the callers
outside (bootstrap, the CLI, the scheduler, tests); no use case imports it.
"""
