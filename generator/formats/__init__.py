"""The three output formats of one page model: site/ (the public website), led/ (screen frames) and
wechat/."""
