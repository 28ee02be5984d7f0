"""The review's pages, one module per stage (the URLs name each view by its module)."""
