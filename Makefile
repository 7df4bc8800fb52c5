# pantau: the two commands a newcomer needs are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test install lock clean

# Create .venv and install pantau (editable) with exactly the versions in requirements.lock.
$(STAMP): pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Set up, then crawl the embedded demo platform into var/demo.duckdb and serve the triage app.
demo: $(STAMP)
	$(BIN)/pantau demo $(ARGS)

# Set up (incl. Debian's chromium, poppler-utils and an emoji font for browser and PDF tests, openssl for the local
# RFC 3161 TSA of the timestamp tests, postgresql for the DuckLake catalog test: its server is started by the test
# itself), then run the whole
# test suite (pytest exits non-zero when no test ran).
test: $(STAMP)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing="$$missing fonts-noto-color-emoji"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	$(BIN)/python -m pytest $(ARGS)

# Re-pin every transitive dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip freeze --exclude-editable | grep -v '^pantau' > requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache
