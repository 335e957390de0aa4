"""reportgen: council committee performance papers in one command."""

__version__ = "0.1.0"
