"""Command-line subcommands beyond the basics; each module registers its own parsers."""
