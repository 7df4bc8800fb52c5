"""The `pantau` commands, one module per topic; pantau/cli.py assembles them into one command line."""
