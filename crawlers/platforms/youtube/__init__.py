"""YouTube Data API v3: videos of watched channels (uploads playlist) or a search, and their comment threads."""

DESCRIPTION = "YouTube Data API v3: channel uploads/search + commentThreads; key from PANTAU_YOUTUBE_API_KEY; quota counted"
