"""Work off the GUI thread: background reads, saves, long tasks, outages."""
