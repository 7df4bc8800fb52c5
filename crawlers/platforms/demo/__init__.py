"""The local demo social platform (`pantau demo-site`): JSON API (default) or HTML pages."""

DESCRIPTION = "Local demo social platform (pantau.demo.site): JSON API or HTML timeline/search"
