"""Messages from the desk: telling the tech, the outbox, and the sender that empties it."""
