"""Bluesky through the AT Protocol AppView: author feeds (no login) and post search (needs a session)."""

DESCRIPTION = "Bluesky AppView: getAuthorFeed (no auth) + searchPosts (PANTAU_BSKY_HANDLE/PANTAU_BSKY_APP_PASSWORD); cursor paging"
