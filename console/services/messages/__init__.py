"""Messages from the desk: the mail server, the templates, the outbox and telling the tech."""
