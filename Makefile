# gongyi — make help lists the targets. `make demo` and `make test` do all set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := fonts-noto-cjk fonts-hanazono fonts-noto-color-emoji fontconfig libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium

.DEFAULT_GOAL := help
.PHONY: help setup system-packages demo test lint format db-upgrade clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

system-packages: ## Install the Debian packages for PDFs (fonts, HarfBuzz subsetting, poppler)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更新版本"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) system-packages ## Create .venv and install everything (idempotent)

demo: setup ## Run the whole demo cycle on SQLite + Prefect local mode; PDFs go to output/
	$(BIN)/gongyi demo

test: setup lint ## Lint, then run the tests on SQLite and PostgreSQL (two processes)
	$(BIN)/pytest -n 2 --dist loadfile

lint: setup ## ruff, the import-linter contracts and mypy (models/, services/, store/)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: setup ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

db-upgrade: setup ## Create or upgrade the database named by GONGYI_DATABASE_URL
	$(BIN)/gongyi db upgrade

clean: ## Remove generated output and local state (output/, var/)
	rm -rf output var
