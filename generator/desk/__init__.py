"""The 编审台: a small tornado application in which writers and reviewers work in the browser.

It reads and writes the same content files, runs the same checks and preview build, and records
approvals through the same review module as the command line; it adds accounts, sessions and an
audit log (SQLite).
"""
