"""News sites and blogs: RSS 2.0 / Atom feeds plus the linked article pages."""

DESCRIPTION = "News/blogs: RSS 2.0 or Atom feed + linked article page (title, body, date, author); ETag/Last-Modified, seen-guid state"
