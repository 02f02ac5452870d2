"""JD POP (JOS, the 360buy `routerjson` gateway)."""
