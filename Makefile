# 文明常山 publishing tool. `make build` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
TOOLS := .tools
NPM_TOOLS := vnu-jar@26.9.27 axe-core@4.14.1 acorn@8.15.0
TYPE ?= story
TITLE ?= 新文章

.PHONY: help build serve new check fix review-sign review-history deploy desk clean test test-fast e2e golden-update test-windows bench bench-browser bench-peers bench-search fonts \
	system-packages loc
.DEFAULT_GOAL := help

help:
	@echo "文明常山发布工具：make 后面加一个目标"
	@echo "  make build        生成网站、LED 画面和公众号文章（第一次会自动安装所需软件）"
	@echo "  make serve        本地预览，保存文件后浏览器自动刷新"
	@echo "  make desk         打开编审台（网页版后台）"
	@echo "  make new TYPE=story TITLE=标题   新建一篇文章"
	@echo "  make check        检查审核进度、个人信息、用词、标点和定时发布"
	@echo "  make fix          自动修正安全的标点问题"
	@echo "  make review-sign FILE=… STAGE=初审 NAME=姓名   为文章签署一个审核环节"
	@echo "  make review-history FILE=…   查看一篇文章的审核历史"
	@echo "  make deploy       把 public/ 上传到网站服务器（只传有变化的文件）"
	@echo "  make test         安装测试所需的系统软件，运行全部测试"
	@echo "  make test-fast    只运行不需要浏览器的测试"
	@echo "  make test-windows 在 Wine 里用 Windows 版 Python 生成并与 Linux 对比（约 1 GB，不在 make test 里）"
	@echo "  make golden-update  重新生成对照输出（提交前看清差异）"
	@echo "  make bench        测量生成速度"
	@echo "  make bench-browser  在浏览器里测量预览刷新的速度"
	@echo "  make bench-peers  和 Hugo 等工具比较速度"
	@echo "  make bench-search  测量一万篇文章时站内搜索的速度"
	@echo "  make fonts        没有中文字体时安装 fonts-noto-cjk"
	@echo "  make loc          列出代码最多的模块"
	@echo "  make clean        删除生成的网站、预览和缓存"
	@echo "Windows 上没有 make：双击 wenming.cmd，或在终端运行 wenming build / serve / desk / check"

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
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

# chromium, fonts, java, npm, pdftotext, sshd and rsync: installed when root with apt-get, else named in one line.
system-packages:
	@sh tools/system-packages.sh

# Tests keep compiled modules in .venv/pycache even where PYTHONDONTWRITEBYTECODE is set (as in
# many Docker images): else each test process, and each build or server a test starts, compiles
# the sources again.
PYCACHE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX="$(CURDIR)/$(VENV)/pycache"
PYTEST := $(PYCACHE) $(PY) -m pytest -n 2 --dist worksteal -q

test: system-packages $(TEST_STAMP) fonts $(TOOLS)/.installed
	$(PYTEST)

deploy: $(STAMP) fonts
	$(PY) -m generator deploy

test-fast: $(TEST_STAMP)
	$(PYTEST) --ignore=tests/e2e -m "not e2e and not slow"

# Windows' own CPython under Wine builds the sample site and a 60-article corpus; compared with Linux.
test-windows: $(TEST_STAMP) fonts
	$(PY) -m tools.windows_smoke

golden-update: $(TEST_STAMP)
	$(PY) -m pytest -q tests/golden --update-golden

bench: $(TEST_STAMP) fonts
	$(PY) -m tools.bench --peers

bench-browser: system-packages $(TEST_STAMP) fonts
	$(PY) -m tools.bench_browser

bench-peers: $(TEST_STAMP) fonts
	$(PY) -m tools.bench --peers

bench-search: $(TEST_STAMP) fonts
	$(PY) -m tools.bench_search

loc:
	@find generator -name '*.py' | xargs wc -l | sort -n | tail -25

clean:
	rm -rf public staff .preview .preview-staff .*-standby .cache reports
