"""Training the answer reader (`assistant.reading.reader_model`): labelled pairs from the
RealTime QA training folder (`pairs`), the trainer (`train`), the model card (`card`).
Run it as `python -m training.reader --data ../shared/train/realtimeqa`."""
