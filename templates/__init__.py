"""The issue templates and stylesheets, shipped inside the package as `digest.templates`.

An editor overrides single templates with the `templates_dir` setting (a folder of files with
the same names); everything not found there comes from here."""
