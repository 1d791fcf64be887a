"""Near-duplicate articles (wire copies): MinHash signatures (`minhash`) and the groups kept
with the index (`groups`)."""
