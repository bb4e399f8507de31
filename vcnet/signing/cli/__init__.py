"""The platform CA's actions of `vcnet signing` (one module per action, see the command)."""
