"""Read, parse, lock, back up, write and diff user files: once, for every format."""
