"""Telegram public channels through the web preview t.me/s/<channel> (HTML)."""

DESCRIPTION = "Telegram public channels via the t.me/s/<channel> web preview (HTML), ?before=<id> paging, last-id state"
