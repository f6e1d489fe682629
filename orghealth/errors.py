"""Errors a user can act on: each carries a one-paragraph message naming the file, row and column."""


class OrgHealthError(Exception):
    """Base for every error orghealth reports to a user instead of a stack trace."""


class ConfigError(OrgHealthError):
    """The org config file is missing, unreadable, or does not match the schema."""


class InputFileError(OrgHealthError):
    """An export file cannot be used as a whole (missing column, unreadable, too many rejected rows)."""
