"""Evaluation: question sets (`data`), scores (`metrics`), tables (`report`) and the runner
behind `assistant eval` (`run`)."""
