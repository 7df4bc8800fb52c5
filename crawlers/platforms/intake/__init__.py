"""Manual intake of a URL or a citizen tip (for Facebook, Instagram, TikTok and other closed platforms)."""

DESCRIPTION = "Manual intake: a URL and/or citizen tip with reporter contact (closed platforms: Facebook, Instagram, TikTok); page fetched when possible"
