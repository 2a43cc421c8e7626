"""The salesperson's calendar and the tech's week (no Qt).

`ics` builds one sales visit as iCalendar, `invites` decides what a salesperson's calendar is
told (first invite, update, cancel) and remembers it, `invite_mail` queues it through the
outbox, `digest` gathers a technician's week and `digest_pdf` prints it.
"""
