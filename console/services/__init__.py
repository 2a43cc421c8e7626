"""The rules and queries of the console; each function takes a Session. No Qt here."""
