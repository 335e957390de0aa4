# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out
MEETINGS := $(sort $(dir $(wildcard data/*/meeting.yaml)))

.PHONY: demo test setup system-deps bench lock templates clean

demo: setup
	$(BIN)/reportgen build $(MEETINGS) -o $(OUT)

test: setup
	@bash scripts/system-deps.sh --tests
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/run.py

# reportgen's own modules compiled to bytecode, as installing a wheel compiles them: the editable
# install has none, and where PYTHONDONTWRITEBYTECODE is set Python never writes any, so each run
# would compile every module it imports from source (a sixth of a `reportgen check`). Python
# ignores (and recompiles in memory) a module edited since; compileall skips those up to date.
setup: system-deps $(STAMP)
	@$(BIN)/python -m compileall -q reportgen

# Debian packages: LibreOffice (docx -> PDF for the agenda pack), Liberation
# fonts (metric-compatible Arial with Welsh glyphs) and poppler (pdftoppm).
system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml requirements.lock requirements-test.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock -r requirements-test.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Rebuild each house style's templates/<style>/template.docx from code (scripts/build_templates.py).
templates: setup
	$(BIN)/python scripts/build_templates.py

lock: setup
	$(BIN)/pip freeze --exclude-editable | grep -v -E '^(hypothesis|pytest|iniconfig|pluggy|sortedcontainers|Pygments)==' > requirements.lock.new
	@echo "review requirements.lock.new, then move it over requirements.lock"

clean:
	rm -rf $(OUT) .pytest_cache
