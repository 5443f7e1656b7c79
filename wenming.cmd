@echo off
rem (UTF-8 from the next line on: cmd reads the rest of this file in the code page set here)
chcp 65001 >nul
setlocal
rem 文明常山发布工具，Windows 版：做 make build / serve / desk / check 在 Linux 上做的事。
rem 双击本文件 = 生成网站（wenming build）。在终端里：wenming build | serve | desk | check | fix | new 类型 标题 | deploy | review
rem 第一次运行时用 py -3 建立 .venv 并安装 requirements.txt；requirements.txt 变了会重新安装。
rem pushd（不用 cd）：项目放在网络共享文件夹（\\服务器\共享）里时也能进去。
pushd "%~dp0" || (
  echo 进不了 wenming.cmd 所在的文件夹：请把项目文件夹复制到本机硬盘上再运行。
  exit /b 2
)
set "PY=.venv\Scripts\python.exe"
if not exist "%PY%" call :make_venv || goto :failed
fc /b requirements.txt ".venv\requirements.installed" >nul 2>nul || call :install || goto :failed
set "WHAT=%~1"
if "%WHAT%"=="" set "WHAT=build"
if /i "%WHAT%"=="build" goto :run
if /i "%WHAT%"=="serve" goto :run
if /i "%WHAT%"=="desk" goto :run
if /i "%WHAT%"=="check" goto :run
if /i "%WHAT%"=="new" goto :run
if /i "%WHAT%"=="deploy" goto :run
if /i "%WHAT%"=="review" goto :run
if /i "%WHAT%"=="fix" goto :fix
if /i "%WHAT%"=="help" goto :help
echo 不认识 “%WHAT%”。
goto :help

:run
shift
"%PY%" -m generator %WHAT% %1 %2 %3 %4 %5 %6 %7 %8 %9
set "CODE=%ERRORLEVEL%"
goto :finish

:fix
"%PY%" -m generator check --fix
set "CODE=%ERRORLEVEL%"
goto :finish

:help
echo 用法：wenming build ^| serve ^| desk ^| check ^| fix ^| new story 标题 ^| deploy ^| review
echo   build   生成网站、LED 画面和公众号文章
echo   serve   本地预览，保存文件后浏览器自动刷新
echo   desk    打开编审台
echo   check   检查审核进度、个人信息、用词、标点和定时发布
echo   fix     自动修正安全的标点问题
echo   new     新建一篇文章，例如 wenming new story 标题
echo   deploy  把 public\ 上传到网站服务器（需要 rsync）
echo   review  三审三校签字和审核历史，例如 wenming review history 文件
set "CODE=0"
goto :finish

:make_venv
where py >nul 2>nul || (
  echo 没有找到 Python：请从 https://www.python.org/downloads/windows/ 安装 Python 3.11 或更新的版本，安装时勾选 “py launcher”。
  exit /b 1
)
echo 第一次运行：正在建立 Python 环境（.venv）……
py -3 -c "import sys; sys.exit(sys.version_info < (3, 11))" || (
  echo 电脑上的 Python 太旧：请从 https://www.python.org/downloads/windows/ 安装 Python 3.11 或更新的版本。
  exit /b 1
)
py -3 -m venv .venv || exit /b 1
exit /b 0

:install
echo 正在安装所需的 Python 软件包（requirements.txt）……
"%PY%" -m pip install --quiet --disable-pip-version-check -r requirements.txt || exit /b 1
copy /y requirements.txt ".venv\requirements.installed" >nul
exit /b 0

:failed
echo 准备 Python 环境失败：请检查网络后重新运行；仍不行就把这个窗口的内容发给技术人员。
set "CODE=2"

:finish
popd
rem 双击打开的窗口（cmd.exe /c）在结束后停一下，让人看得到结果。延迟展开：路径里的 ^& 和括号不会打断这一行。
setlocal EnableDelayedExpansion
if /i not "!CMDCMDLINE:/c =!"=="!CMDCMDLINE!" pause
exit /b %CODE%
