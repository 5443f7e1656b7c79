#!/bin/sh
# The system programs the tests need. Installs the missing ones when run as root on Debian/Ubuntu (apt-get);
# otherwise prints one Chinese line saying what to install and fails. Used by `make test` and .ci/run.
need=""
have() { command -v "$1" >/dev/null 2>&1; }
[ -x /usr/bin/chromium ] || have chromium || need="$need chromium"
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || fc-list :lang=zh 2>/dev/null | grep -q . \
  || need="$need fonts-noto-cjk"
have java || need="$need default-jre-headless"
have npm || need="$need npm"
have fc-list || need="$need fontconfig"
have pdftotext || need="$need poppler-utils"
[ -x /usr/sbin/sshd ] || have sshd || need="$need openssh-server"
have ssh-keygen || need="$need openssh-client"
have rsync || need="$need rsync"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && have apt-get; then
  echo "正在安装测试需要的系统软件：$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $need >/dev/null && exit 0
  echo "安装失败：请检查网络后重试，或手动运行 sudo apt-get install$need" >&2
  exit 1
fi
echo "测试还需要这些系统软件，请先安装：sudo apt-get install$need" >&2
exit 1
