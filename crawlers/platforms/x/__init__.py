"""X (Twitter) API v2: recent search and user timelines (bearer token in PANTAU_X_BEARER_TOKEN)."""

DESCRIPTION = "X (Twitter) API v2: recent search + user timelines; bearer token from PANTAU_X_BEARER_TOKEN; since_id state"
