"""Mastodon REST API of one instance: hashtag timelines and account statuses."""

DESCRIPTION = "Mastodon instance API: tag timelines + account statuses; Link/max_id paging, since_id state; optional PANTAU_MASTODON_TOKEN"
