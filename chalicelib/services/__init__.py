"""Use cases: they orchestrate the domain over the ports in ports.py and know nothing of AWS."""
