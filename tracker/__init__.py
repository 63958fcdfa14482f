"""Store, command line and application wiring of the diplomatic negotiation tracker."""

__version__ = "0.1.0"
