"""annotator: code defection events in news articles."""
__version__ = "0.1.0"
