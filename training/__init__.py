"""Training code for the models the product ships (never imported at run time)."""
