"""City Diplomacy Graph: the international relationships of Danish municipalities."""

__version__ = "0.1.0"
