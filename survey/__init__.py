"""minyi survey package: questionnaire model, import, storage and data quality."""

__version__ = "0.1.0"
