"""The e-mail edge: reporters without Slack or Telegram get the questionnaire's link, the reminders and the
Friday report by e-mail (docs/EMAIL.md).

- render.py: an outbox row as a multipart e-mail (plain text and HTML, the charts inline, the PDF attached), its
  personal links signed when it is sent;
- transport.py: SMTP (`SmtpTransport`) or .eml files (`FileTransport`);
- sender.py: the outbox's sender: pacing, and what each server answer means (wait, retry, park);
- runner.py: the drain loop inside `est-bot run`.

Why smtplib. The outbox is drained in worker threads, synchronously (bot/intake.py, bot/outbox.py): a sender's
`send` is a blocking call that returns when the platform answered. The standard library's `smtplib` is exactly
that: a blocking SMTP client that keeps one connection open between sends (EHLO, STARTTLS and AUTH once, then
MAIL/RCPT/DATA per message), gives every server answer with its code (which decides wait, retry or park), and
needs no new dependency. `aiosmtplib` would need an event loop in the sender thread, or the sends scheduled back
on the main loop (as Telegram's are), for no gain: at the rates a mail provider allows (a few e-mails a second)
one connection in one thread is far from the limit (bench/email.py).
"""
