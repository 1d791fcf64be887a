"""Fitting the rules' confidence model on the training weeks: `python -m training.confidence`.

`rows` builds labelled rows (a week's questions asked of its own pages and of another week's),
`fit` fits and cross-validates the logistic model; the result is
`assistant/reading/weights/confidence.json`, which `assistant.reading.confidence` loads.
"""
