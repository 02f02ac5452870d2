"""SQS publishing and the partial-batch consumer helper."""
