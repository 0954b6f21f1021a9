"""The editor's desk: a small local web app to review, correct and publish the week's issue."""
