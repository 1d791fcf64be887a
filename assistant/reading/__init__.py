"""Reading: from retrieved passages to an answer - the question's analysis, sentences with
offsets, the trained reader that scores them and marks the short answer, and composition."""
