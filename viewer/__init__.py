"""Agent Bill Viewer: import, decode, filter, investigate and export agent operation bills."""

__version__ = "0.1.0"
