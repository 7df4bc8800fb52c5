"""Generic HTML site (local forum, portal) described by CSS/XPath selectors in a TOML site config."""

DESCRIPTION = "Generic HTML site (forums, portals) described by CSS/XPath selectors in a TOML site config; rel=next paging"
