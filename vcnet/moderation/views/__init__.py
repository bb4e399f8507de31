"""Moderation's web pages (H2): reporting, the queue and its cases, the author's own actions and
appeals, the appeals to decide, moderator roles. Each view parses, calls one service or selector
and renders; everything works without JavaScript, htmx only swaps the report form in place."""
