"""gongyi tests, mirroring the packages."""
