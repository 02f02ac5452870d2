"""The embedded local runtime (moto, the app's routes, queue runner, scheduler) and the platform sandbox."""
