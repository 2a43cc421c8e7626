"""Files the console ships with: fonts, the demo vocabulary and the application icon.

Installed as the package `console.resources`, so the code finds them through
`importlib.resources` wherever the console was installed (see `console.paths.resource`).
"""
