"""The only place that imports pynamodb. Imported lazily (bootstrap) because pynamodb pulls botocore:
~140 ms of cold start that routes which never touch DynamoDB should not pay."""
