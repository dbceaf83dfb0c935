# Two commands do everything on a fresh machine:
#   make run    set up .venv (first time only) and start the app on http://127.0.0.1:7860
#   make test   set up .venv (first time only) and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Offline, quiet, and everything written inside the working tree.
TEST_ENV := GRADIO_ANALYTICS_ENABLED=False HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_OFFLINE=1 \
	HF_UPDATE_DOWNLOAD_COUNTS=0 GRADIO_TEMP_DIR=$(CURDIR)/.cache/gradio HF_HOME=$(CURDIR)/.cache/hf \
	TRYON_CACHE=$(CURDIR)/.cache

.PHONY: run test lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	GRADIO_ANALYTICS_ENABLED=False HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python app.py

test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(STAMP)
	$(TEST_ENV) $(BIN)/python bench/tryon.py

clean:
	rm -rf $(VENV) .cache .pytest_cache bench/out
