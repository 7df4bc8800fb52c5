"""The local demo social platform: generated fictional Indonesian posts served over HTTP on 127.0.0.1.

`pantau.demo.generate.generate_posts()` makes the posts (with a hidden ground truth for evaluation);
`pantau.demo.site.DemoSite` serves them as HTML pages and a JSON API for the crawlers and tests.
Every account, candidate, party and post in it is fictional.
"""
