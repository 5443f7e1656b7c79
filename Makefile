# 文明常山 publishing tool. `make build` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TOOLS := .tools
NPM_TOOLS := vnu-jar@26.9.27 axe-core@4.14.1 acorn@8.15.0
TYPE ?= story
TITLE ?= 新文章

.PHONY: build serve desk new check fix review-sign review-history clean test test-fast e2e golden-update bench bench-browser bench-peers bench-search fonts loc

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# A CJK font is needed to draw LED frames and WeChat covers; install one when the machine has none.
fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "正在安装中文字体 fonts-noto-cjk …"; apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	    else echo "没有找到中文字体：请运行 sudo apt-get install fonts-noto-cjk（Windows 自带微软雅黑，无需安装）"; fi; }

$(TOOLS)/.installed:
	@mkdir -p $(TOOLS)
	cd $(TOOLS) && npm install --silent --no-audit --no-fund --no-save $(NPM_TOOLS) >/dev/null
	@touch $@

build: $(STAMP) fonts
	$(PY) -m generator build

serve: $(STAMP) fonts
	$(PY) -m generator serve

# The 编审台 (browser back office): http://127.0.0.1:8100/ by default; HOST=… PORT=… to change.
desk: $(STAMP) fonts
	$(PY) -m generator desk $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

new: $(STAMP)
	$(PY) -m generator new $(TYPE) "$(TITLE)"

check: $(STAMP)
	$(PY) -m generator check

fix: $(STAMP)
	$(PY) -m generator check --fix

review-sign: $(STAMP)
	$(PY) -m generator review sign "$(FILE)" --stage "$(STAGE)" --name "$(NAME)"

review-history: $(STAMP)
	$(PY) -m generator review history "$(FILE)"

test: $(STAMP) fonts $(TOOLS)/.installed
	$(PY) -m pytest -n 2 -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not e2e"

golden-update: $(STAMP)
	$(PY) -m pytest -q tests/golden --update-golden

bench: $(STAMP) fonts
	$(PY) -m tools.bench --peers

bench-browser: $(STAMP) fonts
	$(PY) -m tools.bench --sizes 1000 --runs 1 --browser

bench-peers: $(STAMP) fonts
	$(PY) -m tools.bench --peers

bench-search: $(STAMP) fonts
	$(PY) -m tools.bench_search

loc:
	@find generator -name '*.py' | xargs wc -l | sort -n | tail -25

clean:
	rm -rf public .preview .cache reports
